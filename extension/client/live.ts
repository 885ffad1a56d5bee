import type { CatalogChanged, JobUpdate, LogChunk, SubscribeLogs } from '@genesis-lab/contract';
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import type { IEndpoint } from './endpoint';
import type { GenesisSocket } from './socket';

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30000;

export type LiveStatus = { connected: true } | { connected: false; reason: string; refused?: string };

/**
 * The socket.io connection: push events in, subscriptions out. It remembers what was
 * subscribed and subscribes again after every reconnect, so consumers never re-subscribe by
 * hand; log subscriptions resume from the offset their consumer has reached. The socket
 * itself (socket.io-client and the event schemas) is loaded on `open()`, after startup.
 */
export class LiveChannel implements IDisposable {
  constructor(private _endpoint: IEndpoint) {}

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

  /** Load socket.io and connect (once). */
  async open(): Promise<void> {
    if (this._socket || this._opening || this._disposed) return;
    this._opening = true;
    try {
      const { openSocket } = await import('./socket');
      if (this._disposed) return;
      this._socket = openSocket(this._endpoint, {
        connect: () => {
          this._attempting = false;
          this._retryDelay = RETRY_MIN_MS;
          if (this._jobWatchers > 0) this._socket?.emit('jobs:subscribe', {});
          for (const sub of this._logSubs.values()) this._subscribeLog(sub);
          this._statusChanged.emit({ connected: true });
        },
        disconnect: (reason) => {
          this._statusChanged.emit({ connected: false, reason });
          this._scheduleRetry();
        },
        connectError: (reason, refused) => {
          this._attempting = false;
          this._statusChanged.emit({ connected: false, reason, ...(refused ? { refused } : {}) });
          // A refusal (wrong token) does not get better by retrying.
          if (!refused) this._scheduleRetry();
        },
        jobUpdate: (u) => this._jobUpdated.emit(u),
        logChunk: (c) => this._logChunk.emit(c),
        catalogChanged: (c) => this._catalogChanged.emit(c)
      });
    } catch (err) {
      this._statusChanged.emit({ connected: false, reason: `could not load the live connection: ${String(err)}` });
    } finally {
      this._opening = false;
    }
  }

  /**
   * Whether the platform answers HTTP. Only then does the socket retry by itself (with
   * backoff); while it is unreachable the client's health probe waits for it instead.
   */
  setReachable(reachable: boolean): void {
    this._reachable = reachable;
    if (reachable) this.reconnect();
    else clearTimeout(this._manualRetry);
  }

  /** Reconnect now instead of waiting for the next backoff step (never aborts an attempt in flight). */
  reconnect(): void {
    clearTimeout(this._manualRetry);
    const s = this._socket;
    if (!s) {
      void this.open();
      return;
    }
    if (s.connected || this._attempting || this._disposed) return;
    this._attempting = true;
    s.disconnect();
    s.connect();
  }

  watchJobs(): void {
    if (this._jobWatchers++ === 0 && this.connected) this._socket!.emit('jobs:subscribe', {});
  }

  unwatchJobs(): void {
    if (--this._jobWatchers === 0 && this.connected) this._socket!.emit('jobs:unsubscribe', {});
  }

  /**
   * Follow a log from `offset()` (read at every (re)subscribe, so a reconnect resumes exactly
   * where the consumer is). `onError` gets the server's refusal (unknown job, ...).
   */
  followLog(
    jobId: string,
    stream: 'stdout' | 'stderr',
    offset: () => number,
    onError: (message: string) => void
  ): IDisposable {
    const key = `${jobId}\n${stream}`;
    const sub: ILogSub = { jobId, stream, offset, onError };
    this._logSubs.set(key, sub);
    if (this.connected) this._subscribeLog(sub);
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        if (this._logSubs.get(key) === sub) this._logSubs.delete(key);
        if (this.connected) this._socket!.emit('logs:unsubscribe', { jobId, stream });
      }
    };
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    clearTimeout(this._manualRetry);
    this._socket?.removeAllListeners();
    this._socket?.io.removeAllListeners();
    this._socket?.disconnect();
    Signal.clearData(this);
  }

  private _scheduleRetry(): void {
    clearTimeout(this._manualRetry);
    if (!this._reachable || this._disposed) return;
    this._manualRetry = setTimeout(() => this.reconnect(), this._retryDelay);
    this._retryDelay = Math.min(RETRY_MAX_MS, this._retryDelay * 2);
  }

  private _subscribeLog(sub: ILogSub): void {
    const request: SubscribeLogs = { jobId: sub.jobId, stream: sub.stream, offset: sub.offset() };
    this._socket?.emit('logs:subscribe', request, (r) => {
      if (!r.ok) sub.onError(r.error ?? 'the platform refused the log subscription');
    });
  }

  private _socket: GenesisSocket | null = null;
  private _opening = false;
  private _reachable = false;
  private _retryDelay = RETRY_MIN_MS;
  private _attempting = true;
  private _disposed = false;
  private _jobWatchers = 0;
  private _logSubs = new Map<string, ILogSub>();
  private _manualRetry: ReturnType<typeof setTimeout> | undefined;
  private _statusChanged = new Signal<this, LiveStatus>(this);
  private _jobUpdated = new Signal<this, JobUpdate>(this);
  private _logChunk = new Signal<this, LogChunk>(this);
  private _catalogChanged = new Signal<this, CatalogChanged>(this);
}

interface ILogSub {
  jobId: string;
  stream: 'stdout' | 'stderr';
  offset: () => number;
  onError: (message: string) => void;
}
