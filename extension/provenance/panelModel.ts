import {
  cellStaleness,
  FINAL_STATES,
  type CellStaleness,
  type CurrentCell,
  type StaleFlag
} from '@genesis-lab/contract/core';
import type {
  ExecutionRecord,
  JobState,
  JobUpdate,
  ReproducibilityReport,
  ReproductionRequest,
  ReproductionStarted,
  RunDetail,
  RunSummary
} from '@genesis-lab/contract';
import { VDomModel } from '@jupyterlab/ui-components';
import { Debouncer, Poll } from '@lumino/polling';
import { isAbort, panelError } from '../client/errors';
import type { IDisposable } from '@lumino/disposable';
import type { IConnectionState, IGenesisClient } from '../tokens';
import type { IQueueState } from './queue';

/** A reproduction this panel started: its job, followed on the jobs socket until the report ends. */
export interface IReproductionStart {
  started: ReproductionStarted;
  jobState: JobState | null;
  /** Code cells in the notebook sent (null: the platform rebuilds it from the record). */
  cells: number | null;
}

/** The notebook the panel follows, as the plugin sees it (kept zod- and widget-free for tests). */
export interface INotebookView {
  readonly path: string;
  /** metadata.genesis.notebookId; null before the notebook ever ran with Genesis. */
  notebookId(): string | null;
  /** The run the notebook's kernel is in now, when this tab recorded on it. */
  currentRunId(): string | null;
  /** The code cells as they are now, in notebook order (for edits and removals). */
  cells(): CurrentCell[];
}

/** One row of the panel: a cell's execution with what it used and whether its result is stale. */
export interface IExecutionRow {
  execution: ExecutionRecord;
  durationMs: number;
  datasets: { id: string; version: string; sha256: string; ref: string }[];
  jobs: { jobId: string; name: string; action: string }[];
  /** Staleness of the cell's latest execution; empty for earlier executions of the same cell. */
  flags: StaleFlag[];
  /** This is not the cell's latest execution (a later one replaced its result). */
  superseded: boolean;
}

/**
 * The Provenance panel's state: the current notebook's run (the one its kernel is in, else its
 * newest), each execution in execution order with what it used, staleness flags from the
 * contract's one rule (with the notebook as it is now, so edits and removals count), the run's
 * reproductions, and how capture is doing (what waits to be sent).
 */
export class ProvenancePanelModel extends VDomModel {
  constructor(private _client: IGenesisClient) {
    super();
    _client.connectionChanged.connect(this._onConnection, this);
    _client.jobUpdated.connect(this._onJob, this);
    this._debouncer = new Debouncer(() => this.refresh(), 250);
    // A reproduction running: its report grows cell by cell; follow it while the tab is shown.
    this._reportPoll = new Poll({
      auto: false,
      factory: () => this.refresh(),
      frequency: { interval: 2000, backoff: false },
      standby: 'when-hidden',
      name: 'genesis-lab:reproduction-report'
    });
  }

  get notebook(): INotebookView | null {
    return this._notebook;
  }
  get runs(): readonly RunSummary[] {
    return this._runs;
  }
  get run(): RunDetail | null {
    return this._detail;
  }
  get rows(): readonly IExecutionRow[] {
    return this._rows;
  }
  get loading(): boolean {
    return this._loading;
  }
  get error(): string | null {
    return this._error;
  }
  get queue(): IQueueState | null {
    return this._queue;
  }
  /** The report of the newest reproduction of the run, when there is one. */
  get report(): ReproducibilityReport | null {
    return this._report;
  }
  /** The reproduction started from this panel (its job state live), until another notebook is shown. */
  get started(): IReproductionStart | null {
    return this._started;
  }
  /** A reproduction request on its way to the platform. */
  get starting(): boolean {
    return this._starting;
  }
  /** Why the last Reproduce was refused (no facility, not allowed, ...). */
  get reproduceError(): string | null {
    return this._reproduceError;
  }
  /**
   * A reproduction is under way: the request is on its way, or the report is still growing. Once
   * the job started here ended, the report is all there will be (a job that died never finishes it).
   */
  get reproducing(): boolean {
    if (this._starting) return true;
    const s = this._started;
    if (s && isFinal(s.jobState)) return false;
    if (s && this._report?.reproductionId !== s.started.reproductionId) return true;
    return this._report?.state === 'running';
  }

  /**
   * Reproduce can be asked for: not while a request is on its way or the reproduction started here
   * still runs. Another one's running report does not block it: that may be a job that died
   * without finishing it (the platform restarted meanwhile), and nothing could ever clear it.
   */
  get canReproduce(): boolean {
    if (this._starting || !this.selectedRunId) return false;
    const s = this._started;
    if (!s || isFinal(s.jobState)) return true;
    const mine = this._report?.reproductionId === s.started.reproductionId;
    return mine && this._report!.state !== 'running';
  }

  /** How far the reproduction is: cells compared of the notebook's code cells. */
  get progress(): { done: number; total: number } | null {
    if (!this.reproducing) return null;
    const mine = this._started && this._report?.reproductionId === this._started.started.reproductionId;
    const done = this._report && (mine || !this._started) ? this._report.cells.length : 0;
    return { done, total: Math.max(done, this._started?.cells ?? this._detail?.run.cells ?? 0) };
  }

  /**
   * The job started here ended while its report still says running: it stopped before it could
   * finish the report (killed, kernel missing, ...). The job's log says why.
   */
  get jobEndedEarly(): { jobId: string; state: JobState } | null {
    const s = this._started;
    if (!s || !isFinal(s.jobState) || s.jobState === 'COMPLETED') return null;
    const r = this._report;
    if (r && r.reproductionId === s.started.reproductionId && r.state !== 'running') return null;
    return { jobId: s.started.jobId, state: s.jobState! };
  }

  /**
   * Reproduce the selected run as a job (the platform pins every recorded dataset version); the
   * report is then followed live: job state from the jobs socket, cells from the report.
   */
  async reproduce(request: Partial<ReproductionRequest>): Promise<ReproductionStarted | null> {
    const runId = this.selectedRunId;
    if (!runId || this._starting) return null;
    this._starting = true;
    this._reproduceError = null;
    this.stateChanged.emit();
    try {
      const started = await this._client.startReproduction(runId, request);
      this._started = { started, jobState: null, cells: codeCells(request.notebook) };
      this._jobWatch ??= this._client.watchJobs();
      // One read now (through the poll, so it and a later tick never race), then every tick.
      void this._reportPoll.refresh();
      return started;
    } catch (err) {
      this._reproduceError = panelError(err);
      return null;
    } finally {
      this._starting = false;
      this.stateChanged.emit();
    }
  }

  /** The run picked by the user (else the kernel's, else the newest). */
  get selectedRunId(): string | null {
    return this._detail?.run.runId ?? null;
  }

  /** Follow another notebook (null: none is current). */
  setNotebook(view: INotebookView | null): void {
    if (view === this._notebook) return;
    this._notebook = view;
    this._chosenRun = null;
    this._runs = [];
    this._detail = null;
    this._rows = [];
    this._report = null;
    this._error = null;
    this._started = null;
    this._ended = null;
    this._reproduceError = null;
    this.stateChanged.emit();
    void this.refresh();
  }

  /** Capture queued or sent something: read the run again soon (many cells, one read). */
  setQueueState(state: IQueueState): void {
    const sentMore = (this._queue?.sent ?? 0) !== state.sent;
    this._queue = state;
    this.stateChanged.emit();
    if (sentMore) void this._debouncer.invoke();
  }

  /** The notebook's cells changed (an edit makes a result stale): recompute the flags only. */
  cellsChanged(): void {
    if (!this._detail) return;
    this._rows = this._rowsOf(this._detail);
    this.stateChanged.emit();
  }

  selectRun(runId: string): void {
    this._chosenRun = runId;
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const view = this._notebook;
    const notebookId = view?.notebookId() ?? null;
    this._abort?.abort();
    if (!view || !notebookId) {
      this._loading = false;
      this.stateChanged.emit();
      return;
    }
    const controller = new AbortController();
    this._abort = controller;
    const ended = this._ended;
    this._loading = true;
    this.stateChanged.emit();
    try {
      const list = await this._client.notebookRuns(notebookId, controller.signal);
      const runId = this._chosenRun ?? view.currentRunId() ?? list.runs[0]?.runId ?? null;
      const detail =
        runId && list.runs.some((r) => r.runId === runId)
          ? await this._client.provenanceRun(runId, controller.signal)
          : null;
      // The one started here first (its report appears once the job begins), else the newest.
      const mine = this._started?.started.reproductionId;
      const newest = mine ?? detail?.reproductions[0]?.reproductionId;
      const report = newest ? await this._readReport(newest, controller.signal) : null;
      if (controller.signal.aborted || view !== this._notebook) return;
      this._runs = list.runs;
      this._detail = detail;
      this._rows = detail ? this._rowsOf(detail) : [];
      this._report = report;
      this._error = null;
      if (ended && this._started?.started.reproductionId === ended.reproductionId) {
        this._started = { ...this._started, jobState: ended.jobState };
        if (this._ended === ended) this._ended = null;
      }
      if (this.reproducing) void this._reportPoll.start();
      else void this._reportPoll.stop();
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      // Not recorded yet: the first batch may still be on its way.
      this._error = (err as { code?: string }).code === 'not_found' ? null : panelError(err);
    } finally {
      if (this._abort === controller) {
        this._loading = false;
        this._abort = null;
      }
      this.stateChanged.emit();
    }
  }

  /** The staleness of each executed cell: the contract's rule, with the notebook as it is now. */
  staleness(detail: RunDetail): CellStaleness[] {
    const current = this._notebook?.cells();
    return cellStaleness(detail.executions, current && current.length ? current : undefined);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._abort?.abort();
    this._debouncer.dispose();
    this._reportPoll.dispose();
    this._client.connectionChanged.disconnect(this._onConnection, this);
    this._client.jobUpdated.disconnect(this._onJob, this);
    this._jobWatch?.dispose();
    super.dispose();
  }

  private _rowsOf(detail: RunDetail): IExecutionRow[] {
    const flags = new Map(this.staleness(detail).map((s) => [s.executionId, s.flags]));
    const latest = new Map<string, string>();
    for (const e of detail.executions) latest.set(e.cellId, e.executionId);
    return detail.executions.map((e) => ({
      execution: e,
      durationMs: Math.max(0, Date.parse(e.endedAt) - Date.parse(e.startedAt)),
      datasets: e.lineage.flatMap((l) =>
        l.kind === 'dataset' ? [{ id: l.id, version: l.version, sha256: l.sha256, ref: l.ref }] : []
      ),
      jobs: e.lineage.flatMap((l) => (l.kind === 'job' ? [{ jobId: l.jobId, name: l.name, action: l.action }] : [])),
      flags: flags.get(e.executionId) ?? [],
      superseded: latest.get(e.cellId) !== e.executionId
    }));
  }

  /** A report not recorded yet (the job has not begun) is not an error: it is coming. */
  private async _readReport(id: string, signal: AbortSignal): Promise<ReproducibilityReport | null> {
    try {
      return await this._client.reproduction(id, signal);
    } catch (err) {
      if ((err as { code?: string }).code === 'not_found' && id === this._started?.started.reproductionId) return null;
      throw err;
    }
  }

  private _onJob(_: IGenesisClient, update: JobUpdate): void {
    const s = this._started;
    if (!s || update.job.id !== s.started.jobId) return;
    const jobState = update.job.state;
    if (!isFinal(jobState)) {
      this._started = { ...s, jobState };
      this.stateChanged.emit();
      return;
    }
    // The job ended: its report is final now (or never will be). It counts as ended once a read
    // that began after the end completed (refresh applies it), so no half-read state shows.
    this._ended = { reproductionId: s.started.reproductionId, jobState };
    void this.refresh();
  }

  private _onConnection(_: IGenesisClient, state: IConnectionState): void {
    if (state.status === 'connected') void this.refresh();
  }

  private _notebook: INotebookView | null = null;
  private _chosenRun: string | null = null;
  private _runs: RunSummary[] = [];
  private _detail: RunDetail | null = null;
  private _rows: IExecutionRow[] = [];
  private _report: ReproducibilityReport | null = null;
  private _queue: IQueueState | null = null;
  private _started: IReproductionStart | null = null;
  /** The started job's end, seen on the socket, not yet applied by a read of its report. */
  private _ended: { reproductionId: string; jobState: JobState } | null = null;
  private _starting = false;
  private _reproduceError: string | null = null;
  private _jobWatch: IDisposable | null = null;
  private _loading = false;
  private _error: string | null = null;
  private _abort: AbortController | null = null;
  private _debouncer: Debouncer;
  private _reportPoll: Poll;
}

function codeCells(notebook: Record<string, unknown> | undefined): number | null {
  const cells = notebook?.cells;
  if (!Array.isArray(cells)) return null;
  return cells.filter((c) => (c as { cell_type?: unknown } | null)?.cell_type === 'code').length;
}

function isFinal(state: JobState | null): boolean {
  return state !== null && FINAL_STATES.has(state);
}
