import type { GenesisApi, RouteInput } from '@genesis-lab/client/core';
import { GenesisError, IDEMPOTENCY_HEADER } from '@genesis-lab/contract/core';
import type {
  AuditPage,
  AuditVerification,
  CatalogChanged,
  DatasetRecord,
  CellExecutionInput,
  CrateExportRequest,
  ReproductionRequest,
  ReproductionStarted,
  FacilityInfo,
  Health,
  Identity,
  Job,
  JobList,
  JobSpecInput,
  JobUpdate,
  LogStream,
  ManagedPlatformAction,
  ModelRecord,
  ManagedPlatformStatus,
  ProvJson,
  RecordedExecutions,
  ReproducibilityReport,
  RunDetail,
  RunList,
  SearchQueryInput,
  SearchResult
} from '@genesis-lab/contract';
import type { IDisposable } from '@lumino/disposable';
import { nullTranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Poll } from '@lumino/polling';
import { Signal, type ISignal } from '@lumino/signaling';
import { TRANSLATION_DOMAIN } from '../common/i18n';
import type { IConnectionState, IGenesisClient, ILogTail, IPreviewOptions, IPreviewTable } from '../tokens';
import type { IEndpoint } from './endpoint';
import { abortError, errorCode, isAbort, isUnreachable, splitError } from './errors';
import { LiveChannel, type LiveStatus } from './live';
import { LogTail, type ILogSource } from './logtail';

type Io = typeof import('./io');

/** The I/O module (contract schemas, zod, HTTP helpers): one chunk, loaded on first use. */
let ioModule: Promise<Io> | null = null;
function loadIo(): Promise<Io> {
  ioModule ??= import('./io');
  return ioModule;
}

/**
 * The `IGenesisClient` implementation. Connection state is learnt from every request and
 * from the socket: a failure to reach the platform flips it to `unreachable` and starts a
 * health probe with backoff (only while unreachable, paused when the tab is hidden); the
 * first success flips it back and consumers refresh on `connectionChanged`.
 *
 * It is created at startup but costs nothing there: it waits for the settings (`configure`),
 * and connects with the first request, which loads the contract's schemas (zod); socket.io
 * follows once the platform answers.
 */
export class GenesisClient implements IGenesisClient {
  constructor(options: { requestTimeoutMs: number; trans?: TranslationBundle }) {
    this._timeoutMs = options.requestTimeoutMs;
    this._trans = options.trans ?? nullTranslator.load(TRANSLATION_DOMAIN);
    this._endpointReady = new Promise((resolve) => (this._resolveEndpoint = resolve));
    this._liveReady = new Promise((resolve) => (this._resolveLive = resolve));
    this._probe = new Poll({
      auto: false,
      factory: () => this.health(),
      frequency: { interval: 2000, backoff: true, max: 15000 },
      standby: 'when-hidden',
      name: 'genesis-lab:health-probe'
    });
  }

  get connection(): IConnectionState {
    return this._connection;
  }
  get connectionChanged(): ISignal<this, IConnectionState> {
    return this._connectionChanged;
  }
  get live(): boolean {
    return this._live?.connected ?? false;
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

  /**
   * Point the client at a platform: first when the settings are read, again when they change.
   * Open tails and watchers of an old platform end; consumers refresh on `connectionChanged`.
   */
  configure(endpoint: IEndpoint, requestTimeoutMs: number): void {
    this._timeoutMs = requestTimeoutMs;
    if (this._endpoint && sameEndpoint(endpoint, this._endpoint)) return;
    this._endpoint = endpoint;
    this._resolveEndpoint?.(endpoint);
    this._resolveEndpoint = null;
    this._endpointReady = Promise.resolve(endpoint);
    this._live?.dispose();
    this._live = new LiveChannel(endpoint);
    this._live.statusChanged.connect(this._onLiveStatus, this);
    this._live.jobUpdated.connect((_, u) => this._jobUpdated.emit(u));
    this._live.catalogChanged.connect((_, c) => this._catalogChanged.emit(c));
    this._resolveLive?.(this._live);
    this._resolveLive = null;
    this._liveReady = Promise.resolve(this._live);
    for (let i = 0; i < this._jobWatchers; i++) this._live.watchJobs();
    if (this._wasLive) {
      this._wasLive = false;
      this._liveChanged.emit(false);
    }
    this._setConnection({ status: 'connecting' });
    // Nothing is fetched before something needs the platform (a panel shown, a command run,
    // a lineage chip clicked): a JupyterLab session that never uses Genesis pays nothing.
    if (this._used) void this.retry();
  }

  async retry(): Promise<void> {
    if (this._connection.status !== 'connected') this._setConnection({ status: 'connecting' });
    await this._endpointReady;
    try {
      await this.health();
    } catch {
      // health() already recorded why; the probe keeps trying.
    }
  }

  health(signal?: AbortSignal): Promise<Health> {
    // Concurrent checks (a probe, a reconnect, several first requests) share one request.
    if (signal) return this._health(signal);
    this._healthInFlight ??= this._health().finally(() => (this._healthInFlight = null));
    return this._healthInFlight;
  }

  private async _health(signal?: AbortSignal): Promise<Health> {
    const h = await this._call((api) => api.call('health', {}, { signal }));
    if (this._connection.status !== 'connected' || this._connection.version !== h.version) {
      this._setConnection({ status: 'connected', version: h.version });
    }
    return h;
  }

  async identity(signal?: AbortSignal): Promise<Identity> {
    return this._call((api) => api.call('whoami', {}, { signal }));
  }

  async search(query: SearchQueryInput, signal?: AbortSignal): Promise<SearchResult> {
    return this._call((api) => api.call('search', { query }, { signal }));
  }

  async record(id: string, signal?: AbortSignal): Promise<DatasetRecord> {
    const params = await recordParams(id);
    const record = await this._call((api) => api.call('record', { params }, { signal }));
    // Datasets only: a model has its own view (`model`), opened by kind from search.
    if (record.kind !== 'dataset')
      throw new GenesisError('not_found', `"${record.id}" is a ${record.kind}, not a dataset`, {
        hint: `Open it with the command "Open a Genesis Model…", or in a cell: await genesis.model("${record.id}").card()`
      });
    return record;
  }

  async model(id: string, signal?: AbortSignal): Promise<ModelRecord> {
    const params = await recordParams(id);
    return this._call((api) => api.call('model', { params }, { signal }));
  }

  async croissant(id: string, signal?: AbortSignal): Promise<unknown> {
    const params = await recordParams(id);
    const response = await this._call((api) => api.open('croissant', { params }, { signal }));
    const doc = (await response.body.json()) as unknown;
    // Its links name the platform's own address, which the browser cannot use (or only without
    // the token): point them where this lab reaches the platform.
    const base = platformBase(doc);
    await this._endpointReady;
    return base ? rebaseLinks(doc, `${base}/api/`, this.downloadUrl('/api/')) : doc;
  }

  downloadUrl(path: string): string {
    const endpoint = this._endpoint;
    if (!endpoint) throw new Error(this._trans.__('The Genesis client is not configured yet.'));
    return endpoint.baseUrl + path.replace(/^\//, '');
  }

  async preview(id: string, version: string, options: IPreviewOptions): Promise<IPreviewTable> {
    const io = await loadIo();
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const params = { ...(await recordParams(id)), version };
    const query = { limit: options.limit, ...(options.columns?.length ? { columns: options.columns } : {}) };
    try {
      const response = await this._call((api) => api.open('arrow', { params, query }, { signal: controller.signal }));
      return await io.decodePreview(response.body, options.limit, () => controller.abort());
    } catch (err) {
      if (options.signal?.aborted) throw abortError();
      throw err;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async facilities(signal?: AbortSignal): Promise<FacilityInfo[]> {
    return (await this._call((api) => api.call('facilities', {}, { signal }))).facilities;
  }

  async listJobs(query: RouteInput<'listJobs'>['query'] = {}, signal?: AbortSignal): Promise<JobList> {
    return this._call((api) => api.call('listJobs', { query }, { signal }));
  }

  async getJob(id: string, signal?: AbortSignal): Promise<Job> {
    return this._call((api) => api.call('getJob', { params: { id } }, { signal }));
  }

  async submitJob(spec: JobSpecInput): Promise<Job> {
    // Header and body carry the same key: a retry of this submission returns the same job.
    const headers = spec.idempotencyKey ? { [IDEMPOTENCY_HEADER]: spec.idempotencyKey } : undefined;
    return this._call((api) => api.call('submitJob', { body: spec, headers }));
  }

  async cancelJob(id: string): Promise<Job> {
    return this._call((api) => api.call('cancelJob', { params: { id } }));
  }

  async managedPlatform(): Promise<ManagedPlatformStatus | null> {
    const endpoint = await this._endpointReady;
    if (endpoint.mode !== 'proxy') return null;
    const io = await loadIo();
    return io.labPlatform(endpoint, this._trans);
  }

  async controlPlatform(action: ManagedPlatformAction['action']): Promise<ManagedPlatformStatus> {
    const endpoint = await this._endpointReady;
    if (endpoint.mode !== 'proxy') {
      throw new Error(this._trans.__('This lab uses a platform configured by URL; Jupyter does not run it.'));
    }
    const io = await loadIo();
    try {
      return await io.labPlatform(endpoint, this._trans, { action });
    } finally {
      // Whatever happened, find out where we stand now.
      void this.retry();
    }
  }

  watchJobs(): IDisposable {
    this._jobWatchers++;
    this._live?.watchJobs();
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        this._jobWatchers--;
        this._live?.unwatchJobs();
      }
    };
  }

  tailLog(jobId: string, stream: LogStream, tailBytes: number): ILogTail {
    const source: ILogSource = {
      read: (id, s, q) => this._call((api) => api.call('jobLogs', { params: { id }, query: { stream: s, ...q } }))
    };
    return new LogTail(jobId, stream, tailBytes, source, this._liveReady);
  }

  async recordExecutions(executions: CellExecutionInput[], signal?: AbortSignal): Promise<RecordedExecutions> {
    return this._call((api) => api.call('recordExecutions', { body: { executions } }, { signal }));
  }

  async notebookRuns(notebookId: string, signal?: AbortSignal): Promise<RunList> {
    return this._call((api) => api.call('notebookRuns', { params: { notebookId }, query: {} }, { signal }));
  }

  async provenanceRun(runId: string, signal?: AbortSignal): Promise<RunDetail> {
    return this._call((api) => api.call('provenanceRun', { params: { runId } }, { signal }));
  }

  async reproduction(reproductionId: string, signal?: AbortSignal): Promise<ReproducibilityReport> {
    return this._call((api) => api.call('reproduction', { params: { reproductionId } }, { signal }));
  }

  async provJson(runId: string, signal?: AbortSignal): Promise<ProvJson> {
    return this._call((api) => api.call('provJson', { params: { runId } }, { signal }));
  }

  async startReproduction(
    runId: string,
    request: Partial<ReproductionRequest>,
    signal?: AbortSignal
  ): Promise<ReproductionStarted> {
    return this._call((api) => api.call('startReproduction', { params: { runId }, body: request }, { signal }));
  }

  async exportCrate(runId: string, notebook?: CrateExportRequest, signal?: AbortSignal): Promise<Blob> {
    const response = await this._call((api) =>
      notebook
        ? api.open('exportCrateWithNotebook', { params: { runId }, query: {}, body: notebook }, { signal })
        : api.open('exportCrate', { params: { runId }, query: {} }, { signal })
    );
    return response.body.blob();
  }

  async audit(query: RouteInput<'audit'>['query'], signal?: AbortSignal): Promise<AuditPage> {
    return this._call((api) => api.call('audit', { query }, { signal }));
  }

  async verifyAudit(signal?: AbortSignal): Promise<AuditVerification> {
    return this._call((api) => api.call('verifyAudit', {}, { signal }));
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._probe.dispose();
    this._live?.dispose();
    Signal.clearData(this);
  }

  /** A call through the client core on the current endpoint (its chunk loaded on first use). */
  private _call<T>(work: (api: GenesisApi<Response>) => Promise<T>): Promise<T> {
    return this._track(async (endpoint) => {
      const io = await loadIo();
      if (this._api?.endpoint !== endpoint || this._api.timeoutMs !== this._timeoutMs) {
        this._api = { endpoint, timeoutMs: this._timeoutMs, api: io.createApi(endpoint, this._timeoutMs, this._trans) };
      }
      return work(this._api.api);
    });
  }

  /** Every request teaches us whether the platform is reachable. */
  private async _track<T>(work: (endpoint: IEndpoint) => Promise<T>): Promise<T> {
    if (this._disposed) throw abortError();
    this._used = true;
    const endpoint = await this._endpointReady;
    try {
      const result = await work(endpoint);
      if (this._connection.status !== 'connected' && endpoint === this._endpoint) {
        void this.health().catch(() => undefined);
      }
      return result;
    } catch (err) {
      if (endpoint !== this._endpoint) throw err;
      if (isUnreachable(err)) {
        const prev = this._connection;
        const { message, hint } = splitError(err);
        // Same outage, same words: keep what we learnt about it (whether the user may start it).
        const same = prev.status === 'unreachable' && prev.message === message;
        this._setConnection({ status: 'unreachable', message, hint, ...(same ? { startable: prev.startable } : {}) });
      } else if (errorCode(err) === 'unauthorized') this._setConnection({ status: 'error', ...splitError(err) });
      else if (!isAbort(err) && errorCode(err) === undefined) {
        // Programming errors still surface, with context, instead of an unexplained stack.
        console.error('Genesis: unexpected client error', err);
      }
      throw err;
    }
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
      this._setConnection({
        status: 'error',
        message: this._trans.__('The platform refused the live connection: %1', status.refused)
      });
      return;
    }
    // The socket dropped: find out over HTTP whether the platform itself is gone.
    if (this._connection.status === 'connected') void this.health().catch(() => undefined);
  }

  /** Behind the Jupyter proxy, a stopped platform can be started from the lab: say so. */
  private async _checkStartable(): Promise<void> {
    if (this._checkingStartable) return;
    this._checkingStartable = true;
    try {
      const status = await this.managedPlatform();
      if (status?.state === 'stopped' && this._connection.status === 'unreachable' && !this._connection.startable) {
        this._setConnection({ ...this._connection, startable: true });
      }
    } catch {
      // The banner still offers Retry.
    } finally {
      this._checkingStartable = false;
    }
  }

  private _setConnection(next: Omit<IConnectionState, 'url'>): void {
    const state: IConnectionState = { url: this._endpoint?.baseUrl ?? '', ...next };
    const prev = this._connection;
    this._connection = state;
    if (state.status === 'unreachable') {
      void this._probe.start();
      // Asked again at every failed probe until known: the server may still be stopping it.
      if (!state.startable) void this._checkStartable();
    } else if (state.status === 'connected') void this._probe.stop();
    // Live updates (re)connect whenever the platform answers, and wait while it does not.
    this._live?.setReachable(state.status === 'connected');
    if (
      prev.status !== state.status ||
      prev.message !== state.message ||
      prev.hint !== state.hint ||
      prev.startable !== state.startable ||
      prev.version !== state.version ||
      prev.url !== state.url
    ) {
      this._connectionChanged.emit(state);
    }
  }

  private _endpoint: IEndpoint | null = null;
  private _api: { endpoint: IEndpoint; timeoutMs: number; api: GenesisApi<Response> } | null = null;
  private _endpointReady: Promise<IEndpoint>;
  private _resolveEndpoint: ((e: IEndpoint) => void) | null = null;
  private _timeoutMs: number;
  private readonly _trans: TranslationBundle;
  private _connection: IConnectionState = { status: 'connecting', url: '' };
  private _live: LiveChannel | null = null;
  private _liveReady: Promise<LiveChannel>;
  private _resolveLive: ((l: LiveChannel) => void) | null = null;
  private _jobWatchers = 0;
  private _probe: Poll;
  private _disposed = false;
  private _wasLive = false;
  private _used = false;
  private _healthInFlight: Promise<Health> | null = null;
  private _checkingStartable = false;
  private _liveChanged = new Signal<this, boolean>(this);
  private _connectionChanged = new Signal<this, IConnectionState>(this);
  private _catalogChanged = new Signal<this, CatalogChanged>(this);
  private _jobUpdated = new Signal<this, JobUpdate>(this);
}

async function recordParams(ref: string): Promise<{ ns: string; name: string }> {
  const r = (await loadIo()).parseRef(ref);
  return { ns: r.namespace, name: r.name };
}

/** The platform's own base URL, as a Croissant document names it (its `@id` is `<base>/api/...`). */
function platformBase(doc: unknown): string | undefined {
  const id = (doc as { '@id'?: unknown } | null)?.['@id'];
  if (typeof id !== 'string') return undefined;
  const i = id.indexOf('/api/');
  return i > 0 ? id.slice(0, i) : undefined;
}

/** Every string of a JSON document that starts with `from`, starting with `to` instead. */
export function rebaseLinks(doc: unknown, from: string, to: string): unknown {
  if (typeof doc === 'string') return doc.startsWith(from) ? to + doc.slice(from.length) : doc;
  if (Array.isArray(doc)) return doc.map((x) => rebaseLinks(x, from, to));
  if (doc && typeof doc === 'object')
    return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, rebaseLinks(v, from, to)]));
  return doc;
}

function sameEndpoint(a: IEndpoint, b: IEndpoint): boolean {
  return a.mode === b.mode && a.baseUrl === b.baseUrl && a.token === b.token;
}
