import type { CellExecutionInput, ExecutionEnvironment, LineageRecord } from '@genesis-lab/contract';
import type { Cell, ICodeCellModel } from '@jupyterlab/cells';
import type { Notebook } from '@jupyterlab/notebook';
import type { Kernel } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import { EXTENSION_VERSION } from '../version';
import { newUuid, type RunIds } from './ids';
import type { ExecutionQueue } from './queue';
import type * as RecordModule from './record';
import type { IExecutionSnapshot } from './record';
import { measureCapture } from './measure';
import type { RecordBuilder } from './recordBuild';

/** The key of Genesis Lab's metadata (contract GENESIS_METADATA_KEY, kept zod-free here). */
const GENESIS_KEY = 'genesis';
export { CAPTURE_MEASURE } from './measure';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The notebook signals capture observes (NotebookActions' static signals, or a test's). */
export interface IExecutionSignals {
  executionScheduled: ISignal<unknown, { notebook: Notebook; cell: Cell }>;
  executed: ISignal<unknown, { notebook: Notebook; cell: Cell; success: boolean; error?: unknown }>;
}

/** Where a notebook widget's path and kernel are (its NotebookPanel's context). */
export interface INotebookSession {
  path: string;
  kernel: Kernel.IKernelConnection | null;
}

export interface ICaptureOptions {
  signals: IExecutionSignals;
  queue: ExecutionQueue;
  runIds: RunIds;
  /** The notebook's path and kernel (null: not a notebook the lab knows, nothing recorded). */
  sessionOf: (notebook: Notebook) => INotebookSession | null;
  user: () => string;
  enabled: () => boolean;
  /** The record module (its own chunk); `import('./record')` in the lab. */
  load: () => Promise<typeof RecordModule>;
  /**
   * Builds a snapshot into the execution to record off the execute path (a Web Worker in the
   * lab: recordBuild.workerBuilder); default: the record module, in this thread, a task later.
   */
  build?: RecordBuilder;
}

/** What the capture service knows about a notebook's current run (the panel follows it). */
export interface IRecordedExecution {
  notebookId: string;
  runId: string;
  execution: CellExecutionInput;
}

interface Scheduled {
  code: string;
  at: number;
}

/**
 * Records every cell execution with no code from the user: it observes the notebook's
 * `executionScheduled` and `executed` signals (success is the kernel's execute_reply status,
 * which is how tslab reports errors besides stderr), copies what it needs synchronously, and
 * does the hashing and the sending later (the queue): the notebook never waits for it.
 *
 * A cell's start is when the kernel could start it: its scheduling, or the end of the cell
 * before it on the same kernel, whichever is later (a "Run All" schedules every cell at once).
 */
export class ProvenanceCapture implements IDisposable {
  constructor(private _options: ICaptureOptions) {
    _options.signals.executionScheduled.connect(this._onScheduled, this);
    _options.signals.executed.connect(this._onExecuted, this);
  }

  /** An execution was queued for the platform (the Provenance panel refreshes). */
  get recorded(): ISignal<this, IRecordedExecution> {
    return this._recorded;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }
  /** Snapshots taken but not yet queued (hashing in progress); tests and benches wait for zero. */
  get building(): number {
    return this._building;
  }
  /** Resolves when every snapshot taken so far is in the queue. */
  async settled(): Promise<void> {
    while (this._inFlight.size) await Promise.all([...this._inFlight]);
  }

  /** The run a kernel is in now (the latest execution this tab recorded on it), if any. */
  runOfKernel(kernelId: string): string | undefined {
    return this._kernelRuns.get(kernelId);
  }

  /** The notebook's id from its metadata, written there first when it has none. */
  notebookId(notebook: Notebook, path: string): string | null {
    const model = notebook.model;
    if (!model) return null;
    const meta = model.getMetadata(GENESIS_KEY) as Record<string, unknown> | undefined;
    const id = meta?.notebookId;
    if (typeof id === 'string' && UUID.test(id)) return id;
    const fresh = this._options.runIds.notebookIdFor(path);
    model.setMetadata(GENESIS_KEY, { ...(meta ?? {}), schemaVersion: 1, notebookId: fresh });
    return fresh;
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._options.signals.executionScheduled.disconnect(this._onScheduled, this);
    this._options.signals.executed.disconnect(this._onExecuted, this);
    Signal.clearData(this);
  }

  private _onScheduled(_: unknown, { cell }: { notebook: Notebook; cell: Cell }): void {
    if (cell.model.type !== 'code') return;
    // The code sent to the kernel is what it is now; the user may edit while it runs.
    // A cell run again before its first run ended is scheduled twice: one entry per run, in order.
    const pending = this._scheduled.get(cell.model.id) ?? [];
    pending.push({ code: cell.model.sharedModel.getSource(), at: Date.now() });
    this._scheduled.set(cell.model.id, pending);
  }

  private _onExecuted(
    _: unknown,
    { notebook, cell, success, error }: { notebook: Notebook; cell: Cell; success: boolean; error?: unknown }
  ): void {
    const t0 = performance.now();
    const pending = this._scheduled.get(cell.model.id);
    const scheduled = pending?.shift();
    if (!pending?.length) this._scheduled.delete(cell.model.id);
    if (!scheduled || cell.model.type !== 'code') return;
    if (!this._options.enabled() || !scheduled.code.trim()) return;
    const session = this._options.sessionOf(notebook);
    const kernel = session?.kernel;
    if (!session || !kernel) return;
    const notebookId = this.notebookId(notebook, session.path);
    if (!notebookId) return;
    const model = cell.model as ICodeCellModel;
    const end = Date.now();
    const start = Math.min(end, Math.max(scheduled.at, this._lastEnd.get(kernel.id) ?? 0));
    this._lastEnd.set(kernel.id, end);
    const executionCount = model.executionCount ?? null;
    const runId = this._options.runIds.runFor(kernel.id, executionCount);
    this._kernelRuns.set(kernel.id, runId);
    const snapshot: Omit<IExecutionSnapshot, 'environment'> = {
      executionId: newUuid(),
      runId,
      notebook: { id: notebookId, path: session.path },
      cellId: cell.model.id,
      cellIndex: Math.max(0, notebook.widgets.indexOf(cell)),
      code: scheduled.code,
      executionCount,
      startedAt: new Date(start).toISOString(),
      endedAt: new Date(end).toISOString(),
      success,
      ...(success ? {} : { error: kernelErrorText(error) }),
      outputs: model.outputs.toJSON(),
      user: this._options.user()
    };
    this._building++;
    measureCapture(snapshot.executionId, 'snapshot', t0);
    const done = this._finish(snapshot, kernel, notebook).finally(() => {
      this._building--;
      this._inFlight.delete(done);
    });
    this._inFlight.add(done);
  }

  private async _finish(
    snapshot: Omit<IExecutionSnapshot, 'environment'>,
    kernel: Kernel.IKernelConnection,
    notebook: Notebook
  ): Promise<void> {
    try {
      const [record, environment] = await Promise.all([this._options.load(), this._environment(kernel)]);
      const full = { ...snapshot, environment };
      const { execution, problems } = this._options.build
        ? await this._options.build(full)
        : inThisThread(record, full);
      const t0 = performance.now();
      for (const p of problems) console.warn(`Genesis: cell ${snapshot.cellId}: ${p}`);
      this._options.queue.add(execution);
      this._carryLineage(notebook, snapshot.notebook.id, snapshot.runId, execution.lineage, record);
      measureCapture(snapshot.executionId, 'record', t0);
      if (!this._disposed) this._recorded.emit({ notebookId: snapshot.notebook.id, runId: snapshot.runId, execution });
    } catch (err) {
      console.error(`Genesis: could not record the execution of cell ${snapshot.cellId}`, err);
    }
  }

  /** metadata.genesis gets the run and its pins, so the saved notebook says what it came from. */
  private _carryLineage(
    notebook: Notebook,
    notebookId: string,
    runId: string,
    lineage: readonly LineageRecord[],
    record: typeof RecordModule
  ): void {
    const seen = this._runLineage.get(runId) ?? [];
    seen.push(...lineage);
    this._runLineage.set(runId, seen);
    const model = notebook.model;
    if (!model || model.isDisposed) return;
    const meta = (model.getMetadata(GENESIS_KEY) as Record<string, unknown> | undefined) ?? {};
    if (meta.notebookId !== notebookId) return;
    if (meta.runId === runId && !lineage.length) return;
    model.setMetadata(GENESIS_KEY, { ...meta, schemaVersion: 1, notebookId, runId, pins: record.pinsOf(seen) });
  }

  /** The kernel as ExecutionEnvironment names it (its kernel_info_reply, asked once per kernel). */
  private _environment(kernel: Kernel.IKernelConnection): Promise<ExecutionEnvironment> {
    let env = this._environments.get(kernel.id);
    if (!env) {
      env = (async () => {
        let version: string | undefined;
        let language: string | undefined;
        let displayName: string | undefined;
        try {
          const info = await kernel.info;
          version = info.implementation_version || undefined;
          language = info.language_info?.name || undefined;
          displayName = (await kernel.spec)?.display_name || undefined;
        } catch {
          // An environment without a version is still an environment.
        }
        return {
          kernel: {
            name: kernel.name,
            ...(displayName ? { displayName } : {}),
            ...(language ? { language } : {}),
            ...(version ? { version } : {})
          },
          client: { name: 'extension' as const, version: EXTENSION_VERSION }
        };
      })();
      this._environments.set(kernel.id, env);
    }
    return env;
  }

  private _scheduled = new Map<string, Scheduled[]>();
  private _lastEnd = new Map<string, number>();
  private _kernelRuns = new Map<string, string>();
  private _runLineage = new Map<string, LineageRecord[]>();
  private _environments = new Map<string, Promise<ExecutionEnvironment>>();
  private _inFlight = new Set<Promise<void>>();
  private _building = 0;
  private _disposed = false;
  private _recorded = new Signal<this, IRecordedExecution>(this);
}

/** Building in this thread: measured as capture's main-thread time, as it is. */
function inThisThread(record: typeof RecordModule, snapshot: IExecutionSnapshot) {
  const t0 = performance.now();
  const problems: string[] = [];
  const execution = record.buildExecution(snapshot, problems);
  measureCapture(snapshot.executionId, 'record', t0);
  return { execution, problems };
}

/** The kernel's error as one line ("ename: evalue"); tslab leaves them empty and writes to stderr. */
function kernelErrorText(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { errorName?: string; errorValue?: string; message?: string };
  const text = [e.errorName, e.errorValue].filter(Boolean).join(': ');
  return text || undefined;
}
