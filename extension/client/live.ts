import {
  CatalogChanged,
  ErrorBody,
  JobUpdate,
  LogChunk,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SubscribeLogs
} from '@genesis-lab/contract';
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import { io, type Socket } from 'socket.io-client';
import type { IEndpoint } from './endpoint';

type GenesisSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type LiveStatus = { connected: true } | { connected: false; reason: string; refused?: string };

/**
 * The socket.io connection: push events in, subscriptions out. It remembers what was
 * subscribed and subscribes again after every reconnect, so consumers never re-subscribe
 * by hand; log subscriptions resume from the offset their consumer has reached.
 */
export class LiveChannel implements IDisposable {
  constructor(endpoint: IEndpoint) {
    this._socket = io(endpoint.socketOrigin, {
      path: endpoint.socketPath,
      auth: endpoint.socketAuth,
      query: endpoint.socketQuery,
      // WebSocket only: long-polling would need sticky sessions and XSRF handling through the proxy.
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      timeout: 10000
    });
    const s = this._socket;
    s.on('connect', () => {
      if (this._jobWatchers > 0) s.emit('jobs:subscribe', {});
      for (const sub of this._logSubs.values()) this._subscribeLog(sub);
      this._statusChanged.emit({ connected: true });
    });
    s.on('disconnect', (reason) => {
      this._statusChanged.emit({ connected: false, reason });
      // The server closed us on purpose (it is shutting down): socket.io will not retry by
      // itself in that case, but a restarted platform should find us again.
      if (reason === 'io server disconnect' && !this._disposed) {
        this._manualRetry = setTimeout(() => s.connect(), 1000);
      }
    });
    s.on('connect_error', (err: Error & { data?: unknown }) => {
      const body = ErrorBody.safeParse(err.data);
      this._statusChanged.emit({
        connected: false,
        reason: err.message,
        ...(body.success ? { refused: body.data.error.message } : {})
      });
    });
    s.on('job:update', (u) => {
      const parsed = JobUpdate.safeParse(u);
      if (parsed.success) this._jobUpdated.emit(parsed.data);
      else console.warn('Genesis: ignored a job:update event that does not match the contract', parsed.error.issues);
    });
    s.on('job:log', (c) => {
      const parsed = LogChunk.safeParse(c);
      if (parsed.success) this._logChunk.emit(parsed.data);
      else console.warn('Genesis: ignored a job:log event that does not match the contract', parsed.error.issues);
    });
    s.on('catalog:changed', (c) => {
      const parsed = CatalogChanged.safeParse(c);
      if (parsed.success) this._catalogChanged.emit(parsed.data);
    });
    s.on('genesis:error', (e) => console.warn(`Genesis platform reported: ${e.code}: ${e.message}`));
  }

  get connected(): boolean {
    return this._socket.connected;
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

  /** Reconnect now instead of waiting for the next backoff step. */
  reconnect(): void {
    if (this._socket.connected || this._disposed) return;
    this._socket.disconnect();
    this._socket.connect();
  }

  watchJobs(): void {
    if (this._jobWatchers++ === 0 && this._socket.connected) this._socket.emit('jobs:subscribe', {});
  }

  unwatchJobs(): void {
    if (--this._jobWatchers === 0 && this._socket.connected) this._socket.emit('jobs:unsubscribe');
  }

  /**
   * Follow a log from `offset()` (read at every (re)subscribe, so a reconnect resumes exactly
   * where the consumer is). `onError` gets the server's refusal (unknown job, ...).
   */
  followLog(
    jobId: string,
    stream: 'stdout' | 'stderr',
    offset: () => number,
    onError: (m: string) => void
  ): IDisposable {
    const key = `${jobId}\n${stream}`;
    const sub: ILogSub = { jobId, stream, offset, onError };
    this._logSubs.set(key, sub);
    if (this._socket.connected) this._subscribeLog(sub);
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        if (this._logSubs.get(key) === sub) this._logSubs.delete(key);
        if (this._socket.connected) this._socket.emit('logs:unsubscribe', { jobId, stream });
      }
    };
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    clearTimeout(this._manualRetry);
    this._socket.removeAllListeners();
    this._socket.disconnect();
    Signal.clearData(this);
  }

  private _subscribeLog(sub: ILogSub): void {
    const request: SubscribeLogs = { jobId: sub.jobId, stream: sub.stream, offset: sub.offset() };
    this._socket.emit('logs:subscribe', request, (r) => {
      if (!r.ok) sub.onError(r.error ?? 'the platform refused the log subscription');
    });
  }

  private _socket: GenesisSocket;
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
