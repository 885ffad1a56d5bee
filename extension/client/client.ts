import {
  CatalogRecord,
  GenesisError,
  Health,
  Job,
  JobList,
  LogChunk,
  SearchResult,
  parseRef,
  routes,
  type CatalogChanged,
  type FacilityInfo,
  type JobListQuery,
  type JobSpecInput,
  type JobUpdate,
  type LogStream,
  type SearchQueryInput
} from '@genesis-lab/contract';
import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { Signal, type ISignal } from '@lumino/signaling';
import type { IConnectionState, IGenesisClient, ILogTail, IPreviewOptions, IPreviewTable } from '../tokens';
import { decodePreview } from './arrow';
import type { IEndpoint } from './endpoint';
import { abortError, describeError, isAbort, isUnreachable } from './errors';
import { requestJson, send, type IRequest } from './http';
import { LiveChannel, type LiveStatus } from './live';
import { LogTail } from './logtail';

export interface IClientOptions {
  endpoint: IEndpoint;
  /** Timeout for JSON requests, in ms. */
  requestTimeoutMs: number;
}

/**
 * The `IGenesisClient` implementation. Connection state is learnt from every request and
 * from the socket: a failure to reach the platform flips it to `unreachable` and starts a
 * health probe with backoff (only while unreachable, paused when the tab is hidden); the
 * first success flips it back and consumers refresh on `connectionChanged`.
 */
export class GenesisClient implements IGenesisClient {
  constructor(options: IClientOptions) {
    this._endpoint = options.endpoint;
    this._timeoutMs = options.requestTimeoutMs;
    this._connection = { status: 'connecting', url: this._endpoint.baseUrl };
    this._live = this._openLive();
    this._probe = new Poll({
      auto: false,
      factory: () => this.health(),
      frequency: { interval: 2000, backoff: true, max: 15000 },
      standby: 'when-hidden',
      name: 'genesis-lab:health-probe'
    });
    void this.retry();
  }

  get endpoint(): IEndpoint {
    return this._endpoint;
  }

  /**
   * Point the client at another platform (the settings changed). Open tails and watchers
   * of the old platform end; consumers refresh when `connectionChanged` reports the new URL.
   */
  setEndpoint(endpoint: IEndpoint, requestTimeoutMs: number): void {
    this._timeoutMs = requestTimeoutMs;
    if (sameEndpoint(endpoint, this._endpoint)) return;
    this._endpoint = endpoint;
    this._live.dispose();
    this._live = this._openLive();
    if (this._wasLive) {
      this._wasLive = false;
      this._liveChanged.emit(false);
    }
    this._setConnection({ status: 'connecting' });
    void this.retry();
  }
  get connection(): IConnectionState {
    return this._connection;
  }
  get connectionChanged(): ISignal<this, IConnectionState> {
    return this._connectionChanged;
  }
  get live(): boolean {
    return this._live.connected;
  }
  get liveChanged(): ISignal<this, boolean> {
    return this._liveChanged;
  }
  get catalogChanged(): ISignal<this, CatalogChanged> {
    return this._catalogChanged;
  }
  get jobUpdated(): ISignal<this, JobUpdate> {
    return this._jobUpdated;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }

  async retry(): Promise<void> {
    if (this._connection.status !== 'connected') this._setConnection({ status: 'connecting' });
    this._live.reconnect();
    try {
      await this.health();
    } catch {
      // health() already recorded why; the probe keeps trying.
    }
  }

  async health(signal?: AbortSignal): Promise<Health> {
    const h = await this._json({ route: 'health', signal }, Health);
    if (this._connection.status !== 'connected' || this._connection.version !== h.version) {
      this._setConnection({ status: 'connected', version: h.version });
    }
    return h;
  }

  search(query: SearchQueryInput, signal?: AbortSignal): Promise<SearchResult> {
    const qs = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === '') continue;
      for (const v of Array.isArray(value) ? value : [value]) qs.append(key, String(v));
    }
    return this._json({ route: 'search', query: qs, signal }, SearchResult);
  }

  record(id: string, signal?: AbortSignal): Promise<CatalogRecord> {
    return this._json({ route: 'record', params: recordParams(id), signal }, CatalogRecord);
  }

  async croissant(id: string, signal?: AbortSignal): Promise<unknown> {
    const response = await this._send({
      route: 'croissant',
      params: recordParams(id),
      signal,
      headers: { Accept: 'application/ld+json' }
    });
    return response.json() as Promise<unknown>;
  }

  async preview(id: string, version: string, options: IPreviewOptions): Promise<IPreviewTable> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const query = new URLSearchParams({ limit: String(options.limit) });
    if (options.columns?.length) query.set('columns', options.columns.join(','));
    try {
      const response = await this._send({
        route: 'arrow',
        params: { ...recordParams(id), version },
        query,
        signal: controller.signal,
        headers: { Accept: routes.arrow.produces[0] }
      });
      return await decodePreview(response, options.limit, () => controller.abort());
    } catch (err) {
      if (options.signal?.aborted) throw abortError();
      throw err;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async facilities(signal?: AbortSignal): Promise<FacilityInfo[]> {
    const r = await this._json({ route: 'facilities', signal }, routes.facilities.response);
    return r.facilities;
  }

  listJobs(query: Partial<JobListQuery> = {}, signal?: AbortSignal): Promise<JobList> {
    const qs = new URLSearchParams();
    if (query.facility) qs.set('facility', query.facility);
    if (query.state?.length) qs.set('state', query.state.join(','));
    if (query.tag) qs.set('tag', query.tag);
    if (query.limit) qs.set('limit', String(query.limit));
    if (query.cursor) qs.set('cursor', query.cursor);
    return this._json({ route: 'listJobs', query: qs, signal }, JobList);
  }

  getJob(id: string, signal?: AbortSignal): Promise<Job> {
    return this._json({ route: 'getJob', params: { id }, signal }, Job);
  }

  submitJob(spec: JobSpecInput): Promise<Job> {
    // The header and the body carry the same key: retries of this submission return the same job.
    const headers: Record<string, string> = spec.idempotencyKey ? { 'Idempotency-Key': spec.idempotencyKey } : {};
    return this._json({ route: 'submitJob', body: spec, headers }, Job);
  }

  cancelJob(id: string): Promise<Job> {
    return this._json({ route: 'cancelJob', params: { id } }, Job);
  }

  watchJobs(): IDisposable {
    this._live.watchJobs();
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        this._live.unwatchJobs();
      }
    };
  }

  tailLog(jobId: string, stream: LogStream, tailBytes: number): ILogTail {
    const source = {
      read: (id: string, s: LogStream, q: { offset?: number; tail?: number }) => {
        const qs = new URLSearchParams({ stream: s });
        if (q.offset !== undefined) qs.set('offset', String(q.offset));
        if (q.tail !== undefined) qs.set('tail', String(q.tail));
        return this._json({ route: 'jobLogs', params: { id }, query: qs }, LogChunk);
      }
    };
    return new LogTail(jobId, stream, tailBytes, source, this._live);
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._probe.dispose();
    this._live.dispose();
    Signal.clearData(this);
  }

  private async _json<S extends import('zod').ZodType>(req: IRequest, schema: S) {
    return this._track(() => requestJson(this._endpoint, { timeoutMs: this._timeoutMs, ...req }, schema));
  }

  private _send(req: IRequest): Promise<Response> {
    return this._track(() => send(this._endpoint, { timeoutMs: this._timeoutMs, ...req }));
  }

  /** Every request teaches us whether the platform is reachable. */
  private async _track<T>(work: () => Promise<T>): Promise<T> {
    if (this._disposed) throw abortError();
    try {
      const result = await work();
      if (this._connection.status !== 'connected') void this.health().catch(() => undefined);
      return result;
    } catch (err) {
      if (isUnreachable(err)) this._setConnection({ status: 'unreachable', message: describeError(err) });
      else if (err instanceof GenesisError && err.code === 'unauthorized') {
        this._setConnection({ status: 'error', message: describeError(err) });
      } else if (!isAbort(err) && !(err instanceof GenesisError)) {
        // Programming errors still surface, with context, instead of an unexplained stack.
        console.error('Genesis: unexpected client error', err);
      }
      throw err;
    }
  }

  private _openLive(): LiveChannel {
    const live = new LiveChannel(this._endpoint);
    live.statusChanged.connect(this._onLiveStatus, this);
    live.jobUpdated.connect((_, u) => this._jobUpdated.emit(u));
    live.catalogChanged.connect((_, c) => this._catalogChanged.emit(c));
    return live;
  }

  private _onLiveStatus(_: LiveChannel, status: LiveStatus): void {
    if (status.connected !== this._wasLive) {
      this._wasLive = status.connected;
      this._liveChanged.emit(status.connected);
    }
    if (status.connected) {
      if (this._connection.status !== 'connected') void this.health().catch(() => undefined);
      return;
    }
    if (status.refused) {
      this._setConnection({ status: 'error', message: `The platform refused the live connection: ${status.refused}` });
      return;
    }
    // The socket dropped: find out over HTTP whether the platform itself is gone.
    if (this._connection.status === 'connected') void this.health().catch(() => undefined);
  }

  private _setConnection(next: Omit<IConnectionState, 'url'>): void {
    const state: IConnectionState = { url: this._endpoint.baseUrl, ...next };
    const prev = this._connection;
    this._connection = state;
    if (state.status === 'unreachable' || state.status === 'error') {
      if (!this._probe.isDisposed && state.status === 'unreachable') void this._probe.start();
    } else if (state.status === 'connected') {
      void this._probe.stop();
    }
    if (
      prev.status !== state.status ||
      prev.message !== state.message ||
      prev.version !== state.version ||
      prev.url !== state.url
    ) {
      this._connectionChanged.emit(state);
    }
  }

  private _endpoint: IEndpoint;
  private _timeoutMs: number;
  private _connection: IConnectionState;
  private _live: LiveChannel;
  private _probe: Poll;
  private _disposed = false;
  private _wasLive = false;
  private _liveChanged = new Signal<this, boolean>(this);
  private _connectionChanged = new Signal<this, IConnectionState>(this);
  private _catalogChanged = new Signal<this, CatalogChanged>(this);
  private _jobUpdated = new Signal<this, JobUpdate>(this);
}

function recordParams(ref: string): { ns: string; name: string } {
  const r = parseRef(ref);
  return { ns: r.namespace, name: r.name };
}

function sameEndpoint(a: IEndpoint, b: IEndpoint): boolean {
  return a.mode === b.mode && a.baseUrl === b.baseUrl && a.token === b.token;
}
