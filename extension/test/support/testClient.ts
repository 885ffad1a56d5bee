import {
  FACETS,
  type AuditPage,
  type AuditVerification,
  type CellExecutionInput,
  type ProvJson,
  type RecordedExecutions,
  type ReproducibilityReport,
  type ReproductionRequest,
  type ReproductionStarted,
  type RunDetail,
  type RunList,
  JobSpec,
  type CatalogChanged,
  type DatasetRecord,
  type FacilityInfo,
  type Health,
  type Identity,
  type Job,
  type JobList,
  type JobListQuery,
  type JobSpecInput,
  type JobState,
  type JobUpdate,
  type LogChunk,
  type LogStream,
  type ManagedPlatformStatus,
  type ModelRecord,
  type SearchQueryInput,
  type SearchResult
} from '@genesis-lab/contract';
import type { RouteInput } from '@genesis-lab/client/core';
import { PromiseDelegate } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import { Signal } from '@lumino/signaling';
import type { IConnectionState, IGenesisClient, ILogTail, IPreviewOptions, IPreviewTable } from '../../tokens';

/** One call the models made, with the answer the test gives it. */
export class Call<A, R> {
  constructor(
    readonly args: A,
    readonly signal: AbortSignal | undefined
  ) {}
  readonly answer = new PromiseDelegate<R>();
  /** Answer the call (the promise the model awaits resolves). */
  resolve(value: R): void {
    this.answer.resolve(value);
  }
  reject(err: unknown): void {
    this.answer.reject(err);
  }
}

/**
 * A test double of the `IGenesisClient` token: it implements the real interface (the compiler
 * holds it to every method the models may call), records each call and lets the test answer it
 * when it wants (so a slow answer can arrive after a newer one), and emits the token's signals
 * (connection, live, job updates, catalog changes) on demand.
 */
export class TestClient implements IGenesisClient {
  /** @param options.honourAbort false: an aborted request still answers when the test says so (a late response). */
  constructor(private _options: { honourAbort?: boolean } = {}) {}

  readonly searches: Call<SearchQueryInput, SearchResult>[] = [];
  readonly jobLists: Call<Partial<JobListQuery>, JobList>[] = [];
  readonly jobGets: Call<string, Job>[] = [];
  readonly cancels: Call<string, Job>[] = [];
  readonly facilityReads: Call<void, FacilityInfo[]>[] = [];
  readonly tails = new Map<string, TestLogTail>();
  readonly recordings: Call<CellExecutionInput[], RecordedExecutions>[] = [];
  readonly runLists: Call<string, RunList>[] = [];
  readonly runReads: Call<string, RunDetail>[] = [];
  readonly reproductionReads: Call<string, ReproducibilityReport>[] = [];
  readonly reproductionStarts: Call<{ runId: string; request: Partial<ReproductionRequest> }, ReproductionStarted>[] =
    [];
  readonly exports: Call<{ runId: string; kind: 'prov' | 'crate' }, unknown>[] = [];
  readonly auditPages: Call<RouteInput<'audit'>['query'], AuditPage>[] = [];
  readonly auditVerifications: Call<void, AuditVerification>[] = [];
  readonly modelReads: Call<string, ModelRecord>[] = [];
  watchers = 0;

  get connection(): IConnectionState {
    return this._connection;
  }
  get connectionChanged(): Signal<this, IConnectionState> {
    return this._connectionChanged;
  }
  get live(): boolean {
    return this._live;
  }
  get liveChanged(): Signal<this, boolean> {
    return this._liveChanged;
  }
  get catalogChanged(): Signal<this, CatalogChanged> {
    return this._catalogChanged;
  }
  get jobUpdated(): Signal<this, JobUpdate> {
    return this._jobUpdated;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }

  /** The platform becomes reachable, unreachable, another one… */
  setConnection(state: Partial<IConnectionState> & Pick<IConnectionState, 'status'>): void {
    this._connection = { url: this._connection.url, ...state };
    this._connectionChanged.emit(this._connection);
  }
  setLive(live: boolean): void {
    this._live = live;
    this._liveChanged.emit(live);
  }
  pushJob(update: JobUpdate): void {
    this._jobUpdated.emit(update);
  }

  retry(): Promise<void> {
    return Promise.resolve();
  }
  managedPlatform(): Promise<ManagedPlatformStatus | null> {
    return Promise.resolve(null);
  }
  controlPlatform(): Promise<ManagedPlatformStatus> {
    return Promise.reject(new Error('not managed in this test'));
  }
  health(): Promise<Health> {
    return Promise.reject(new Error('no health in this test'));
  }
  identity(): Promise<Identity> {
    return Promise.reject(new Error('no identity in this test'));
  }
  search(query: SearchQueryInput, signal?: AbortSignal): Promise<SearchResult> {
    return this._record(this.searches, query, signal);
  }
  record(): Promise<DatasetRecord> {
    return Promise.reject(new Error('no records in this test'));
  }
  model(id: string, signal?: AbortSignal): Promise<ModelRecord> {
    return this._record(this.modelReads, id, signal);
  }
  croissant(): Promise<unknown> {
    return Promise.reject(new Error('no croissant in this test'));
  }
  downloadUrl(path: string): string {
    return `http://lab.test/genesis/${path.replace(/^\//, '')}`;
  }
  preview(_id: string, _version: string, _options: IPreviewOptions): Promise<IPreviewTable> {
    return Promise.reject(new Error('no preview in this test'));
  }
  facilities(signal?: AbortSignal): Promise<FacilityInfo[]> {
    return this._record(this.facilityReads, undefined, signal);
  }
  listJobs(query: RouteInput<'listJobs'>['query'] = {}, signal?: AbortSignal): Promise<JobList> {
    return this._record(this.jobLists, query, signal);
  }
  getJob(id: string, signal?: AbortSignal): Promise<Job> {
    return this._record(this.jobGets, id, signal);
  }
  submitJob(_spec: JobSpecInput): Promise<Job> {
    return Promise.reject(new Error('no submissions in this test'));
  }
  cancelJob(id: string): Promise<Job> {
    return this._record(this.cancels, id, undefined);
  }
  watchJobs(): IDisposable {
    this.watchers++;
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      dispose: () => {
        if (!disposed) this.watchers--;
        disposed = true;
      }
    };
  }
  tailLog(jobId: string, stream: LogStream, _tailBytes: number): ILogTail {
    const tail = new TestLogTail(jobId, stream);
    this.tails.set(`${jobId}/${stream}`, tail);
    return tail;
  }
  recordExecutions(executions: CellExecutionInput[], signal?: AbortSignal): Promise<RecordedExecutions> {
    return this._record(this.recordings, executions, signal);
  }
  notebookRuns(notebookId: string, signal?: AbortSignal): Promise<RunList> {
    return this._record(this.runLists, notebookId, signal);
  }
  provenanceRun(runId: string, signal?: AbortSignal): Promise<RunDetail> {
    return this._record(this.runReads, runId, signal);
  }
  reproduction(reproductionId: string, signal?: AbortSignal): Promise<ReproducibilityReport> {
    return this._record(this.reproductionReads, reproductionId, signal);
  }
  provJson(runId: string, signal?: AbortSignal): Promise<ProvJson> {
    return this._record(this.exports, { runId, kind: 'prov' }, signal) as Promise<ProvJson>;
  }
  exportCrate(runId: string, _notebook?: unknown, signal?: AbortSignal): Promise<Blob> {
    return this._record(this.exports, { runId, kind: 'crate' }, signal) as Promise<Blob>;
  }
  audit(query: RouteInput<'audit'>['query'], signal?: AbortSignal): Promise<AuditPage> {
    return this._record(this.auditPages, query, signal);
  }
  verifyAudit(signal?: AbortSignal): Promise<AuditVerification> {
    return this._record(this.auditVerifications, undefined, signal);
  }
  startReproduction(
    runId: string,
    request: Partial<ReproductionRequest>,
    signal?: AbortSignal
  ): Promise<ReproductionStarted> {
    return this._record(this.reproductionStarts, { runId, request }, signal);
  }
  dispose(): void {
    this._disposed = true;
    Signal.clearData(this);
  }

  private _record<A, R>(calls: Call<A, R>[], args: A, signal: AbortSignal | undefined): Promise<R> {
    const call = new Call<A, R>(args, signal);
    calls.push(call);
    if (this._options.honourAbort !== false) {
      signal?.addEventListener('abort', () => call.reject(new DOMException('The request was cancelled', 'AbortError')));
    }
    return call.answer.promise;
  }

  private _connection: IConnectionState = { status: 'connected', url: 'http://platform.test/' };
  private _live = false;
  private _disposed = false;
  private _connectionChanged = new Signal<this, IConnectionState>(this);
  private _liveChanged = new Signal<this, boolean>(this);
  private _catalogChanged = new Signal<this, CatalogChanged>(this);
  private _jobUpdated = new Signal<this, JobUpdate>(this);
}

/** A log tail whose chunks the test hands over; it has the token's `ILogTail` shape. */
export class TestLogTail implements ILogTail {
  constructor(
    readonly jobId: string,
    readonly stream: LogStream
  ) {}
  text = '';
  startOffset = 0;
  nextOffset = 0;
  eof = false;
  error: string | null = null;
  catchUps = 0;
  readonly changed = new Signal<this, void>(this);
  get isDisposed(): boolean {
    return this._disposed;
  }
  /** The tail read `chunk` (appended at its offset, as the client's tail places it). */
  receive(chunk: Pick<LogChunk, 'data' | 'offset' | 'nextOffset' | 'eof'>): void {
    this.text += chunk.data;
    this.nextOffset = chunk.nextOffset;
    this.eof = chunk.eof;
    this.changed.emit();
  }
  catchUp(): void {
    this.catchUps++;
  }
  dispose(): void {
    this._disposed = true;
    Signal.clearData(this);
  }
  private _disposed = false;
}

/** A valid job (parsed by the contract) in `state`, whose history has reached `seq`. */
export function job(id: string, state: JobState, seq: number, extra: Partial<Job> = {}): Job {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();
  return {
    id,
    spec: JobSpec.parse({ name: id, facility: 'local', executable: '/bin/true' }),
    facility: 'local',
    nativeId: null,
    state,
    exitCode: null,
    reason: null,
    message: null,
    workDir: null,
    nativeState: null,
    nativeReason: null,
    owner: 'tester',
    createdAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    submittedAt: null,
    startedAt: null,
    endedAt: null,
    updatedAt: at,
    history: Array.from({ length: seq + 1 }, (_, i) => ({
      jobId: id,
      seq: i,
      state: i === seq ? state : 'QUEUED',
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()
    })),
    outputs: [],
    ...extra
  };
}

/** The `job:update` event that brought `j` to its last seq. */
export function update(j: Job): JobUpdate {
  return { event: j.history[j.history.length - 1]!, job: j };
}

/** A search result with hits named by `ids` and the given facet counts. */
export function result(ids: string[], facets: Partial<SearchResult['facets']> = {}, nextCursor?: string): SearchResult {
  const counts = Object.fromEntries(FACETS.map((f) => [f, facets[f] ?? []])) as SearchResult['facets'];
  return {
    total: ids.length,
    hits: ids.map((id) => ({
      id,
      kind: 'dataset',
      title: id,
      description: '',
      keywords: [],
      license: 'CC0-1.0',
      accessLevel: 'open',
      updatedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
      score: 0,
      highlights: {}
    })),
    facets: counts,
    ...(nextCursor ? { nextCursor } : {})
  };
}

/** Let pending promise callbacks (the models' awaits) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
}
