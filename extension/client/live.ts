import { Subscriptions, type SubscribeMessage } from '@genesis-lab/client/core';
import type { CatalogChanged, JobUpdate, LogChunk, LogStream } from '@genesis-lab/contract';
import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { Signal, type ISignal } from '@lumino/signaling';
import type { IEndpoint } from './endpoint';
import type { GenesisSocket } from './socket';

export type LiveStatus = { connected: true } | { connected: false; reason: string; refused?: string };

/**
 * The socket.io connection: push events in, subscriptions out. One `Poll` owns reconnection,
 * as JupyterLab's own EventManager does: its factory opens the socket and returns a promise
 * that rejects when the socket closes, so the poll's backoff is the retry schedule and
 * `standby: 'when-hidden'` pauses it in a hidden tab. It runs only while the platform answers
 * HTTP (`setReachable`); the client's health probe waits for it otherwise. After every connect
 * the core's policy (`Subscriptions`) subscribes again: jobs once, logs from their reader's offset.
 */
export class LiveChannel implements IDisposable {
  constructor(private _endpoint: IEndpoint) {
    this._poll = new Poll({
      auto: false,
      factory: () => this._connected(),
      frequency: { interval: 1000, backoff: true, max: 30000 },
      standby: 'when-hidden',
      name: 'genesis-lab:live'
    });
  }

  get connected(): boolean {
    return this._socket?.connected ?? false;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }
  get statusChanged(): ISignal<this, LiveStatus> {
    return this._statusChanged;
  }
  get jobUpdated(): ISignal<this, JobUpdate> {
    return this._jobUpdated;
  }
  get logChunk(): ISignal<this, LogChunk> {
    return this._logChunk;
  }
  get catalogChanged(): ISignal<this, CatalogChanged> {
    return this._catalogChanged;
  }

  /** Whether the platform answers HTTP: only then does the poll (re)connect the socket. */
  setReachable(reachable: boolean): void {
    if (this._disposed || this._refused) return;
    if (reachable) this.reconnect();
    else void this._poll.stop();
  }

  /** Connect now instead of at the next backoff step (a connected socket is left as it is). */
  reconnect(): void {
    if (this._disposed || this._refused || this.connected) return;
    if (this._poll.isDisposed) return;
    void (this._poll.state.phase === 'standby' ||
    this._poll.state.phase === 'stopped' ||
    this._poll.state.phase === 'constructed'
      ? this._poll.start()
      : this._poll.refresh());
  }

  watchJobs(): void {
    if (this._subs.addJobs({}) && this.connected) this._socket!.emit('jobs:subscribe', {});
  }

  unwatchJobs(): void {
    if (this._subs.removeJobs({}) && this.connected) this._socket!.emit('jobs:unsubscribe', {});
  }

  /**
   * Follow a log from `offset()` (read at every (re)subscribe, so a reconnect resumes exactly
   * where the consumer is). `onError` gets the server's refusal (unknown job, ...).
   */
  followLog(jobId: string, stream: LogStream, offset: () => number, onError: (message: string) => void): IDisposable {
    const key = `${jobId}\n${stream}`;
    this._logErrors.set(key, onError);
    const message = this._subs.addLog(jobId, stream, offset);
    if (this.connected) this._send(message);
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        if (this._logErrors.get(key) === onError) {
          this._logErrors.delete(key);
          this._subs.removeLog(jobId, stream);
        }
        if (this.connected) this._socket!.emit('logs:unsubscribe', { jobId, stream });
      }
    };
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._poll.dispose();
    this._socket?.removeAllListeners();
    this._socket?.io.removeAllListeners();
    this._socket?.disconnect();
    Signal.clearData(this);
  }

  /**
   * The poll's factory: connect (socket.io-client and the event schemas load with the first
   * call), and stay pending while connected; reject when the socket closes or fails to connect.
   */
  private async _connected(): Promise<void> {
    const socket = await this._open();
    if (this._disposed) return;
    await new Promise<void>((_, reject) => {
      const cleanup = () => {
        socket.off('disconnect', onClose);
        socket.off('connect_error', onError);
      };
      const onClose = (reason: string) => {
        cleanup();
        reject(new Error(`the live connection closed: ${reason}`));
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      socket.on('disconnect', onClose);
      socket.on('connect_error', onError);
      // Idempotent: a connection attempt already under way is not started twice.
      if (!socket.connected) socket.connect();
    });
  }

  private async _open(): Promise<GenesisSocket> {
    if (this._socket) return this._socket;
    const { openSocket } = await import('./socket');
    this._socket ??= openSocket(this._endpoint, {
      connect: () => {
        for (const m of this._subs.resubscribe()) this._send(m);
        this._statusChanged.emit({ connected: true });
      },
      disconnect: (reason) => this._statusChanged.emit({ connected: false, reason }),
      connectError: (reason, refused) => {
        this._statusChanged.emit({ connected: false, reason, ...(refused ? { refused } : {}) });
        // A refusal (wrong token) does not get better by retrying.
        if (refused) {
          this._refused = true;
          void this._poll.stop();
        }
      },
      jobUpdate: (u) => this._jobUpdated.emit(u),
      logChunk: (c) => this._logChunk.emit(c),
      catalogChanged: (c) => this._catalogChanged.emit(c)
    });
    return this._socket;
  }

  private _send(m: SubscribeMessage): void {
    const socket = this._socket;
    if (!socket) return;
    if (m.event === 'jobs:subscribe') socket.emit('jobs:subscribe', m.payload);
    else
      socket.emit('logs:subscribe', m.payload, (r) => {
        if (!r.ok)
          this._logErrors.get(`${m.payload.jobId}\n${m.payload.stream}`)?.(
            r.error ?? 'the platform refused the log subscription'
          );
      });
  }

  private _socket: GenesisSocket | null = null;
  private _poll: Poll;
  private _refused = false;
  private _disposed = false;
  private _subs = new Subscriptions();
  private _logErrors = new Map<string, (message: string) => void>();
  private _statusChanged = new Signal<this, LiveStatus>(this);
  private _jobUpdated = new Signal<this, JobUpdate>(this);
  private _logChunk = new Signal<this, LogChunk>(this);
  private _catalogChanged = new Signal<this, CatalogChanged>(this);
}
