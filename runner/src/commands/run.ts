import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  GENESIS_METADATA_KEY,
  GenesisError,
  PINS_ENV,
  PROVENANCE_SCHEMA_VERSION,
  pinsFromLineage,
  readNotebookProvenance,
  type CellExecutionInput,
  type CodeCell,
  type ExecutionEnvironment,
  type LineageRecord,
  type Notebook,
  type NotebookPins,
  type NotebookProvenance
} from '@genesis-lab/contract';
import type { ConnectOptions } from '@genesis-lab/client';
import { describeCellRun, type CellRun } from '../execute/cell-run';
import { executeNotebook, kernelSpecFor, type ExecuteResult } from '../execute/execute';
import type { KernelSearchOptions } from '../kernel/kernelspec';
import { readNotebook, writeNotebook } from '../notebook/file';
import { PlatformApi } from '../platform/platform-api';
import { captureExecution, lineageOf } from '../record/capture';
import { projectEnvironment } from '../record/environment';
import { ExecutionRecorder } from '../record/recorder';
import { RUNNER_VERSION } from '../version';

export interface RunCommandOptions {
  notebook: string;
  /** Where the executed notebook goes; default: back to `notebook`. */
  output?: string;
  /** Overrides the notebook's metadata.kernelspec. */
  kernel?: string;
  cellTimeoutMs?: number;
  /** Versions the kernel helpers resolve unversioned refs to (a reproduction's pins); none: latest. */
  pins?: NotebookPins;
  /** The project a new run belongs to (its members see it); default: the default project. */
  project?: string;
  /** The run id to record under (a reproduction chooses it); default: a new one. */
  runId?: string;
  /** Added to the kernel's environment. */
  env?: Record<string, string>;
  /** The kernel's working directory; default: the notebook's folder. */
  cwd?: string;
  kernelSearch?: KernelSearchOptions;
  /** The platform; default: GENESIS_URL/GENESIS_TOKEN or the discovery file. */
  connect?: ConnectOptions;
  /** Progress lines (one per cell); default: none. */
  progress?: (line: string) => void;
  signal?: AbortSignal;
  /** Each code cell as it ends, with what was recorded for it (none when it did not run). */
  onCellEnd?: (run: CellRun, cell: CodeCell, execution: CellExecutionInput | undefined) => void;
}

export interface RunCommandResult {
  result: ExecuteResult;
  runId: string;
  notebookId: string;
  /** Where the executed notebook was written. */
  written: string;
  executions: CellExecutionInput[];
  /** Problems that did not stop the run (unreadable lineage outputs, kernel notes). */
  notes: string[];
}

/** nbformat 4.5 cell ids (what JupyterLab gives a notebook on save) for cells that have none. */
function ensureCellIds(nb: Notebook): void {
  const used = new Set(nb.cells.map((c) => c.id).filter(Boolean));
  for (const c of nb.cells) {
    if (c.id) continue;
    let id: string;
    do id = randomBytes(4).toString('hex');
    while (used.has(id));
    used.add(id);
    c.id = id;
  }
  if (nb.nbformat_minor < 5) nb.nbformat_minor = 5;
}

/**
 * `genesis run`: execute a notebook headless in the kernel its metadata declares, against the
 * platform the environment names, record every executed cell as the extension would, and write
 * the notebook back with its outputs and `metadata.genesis` (run id, pins), atomically.
 */
export async function runCommand(opts: RunCommandOptions): Promise<RunCommandResult> {
  const file = path.resolve(opts.notebook);
  const nb = readNotebook(file);
  const previous: NotebookProvenance | undefined = readNotebookProvenance(nb.metadata);
  // Fail before any work when the kernel or the platform cannot be found.
  const spec = kernelSpecFor(nb, { kernelName: opts.kernel, kernelSearch: opts.kernelSearch });
  const platform = new PlatformApi(opts.connect);
  const { url, token } = platform.connection();
  ensureCellIds(nb);
  const runId = opts.runId ?? randomUUID();
  const notebookId = previous?.notebookId ?? randomUUID();
  const environment: ExecutionEnvironment = {
    kernel: { name: spec.name, displayName: spec.display_name, ...(spec.language ? { language: spec.language } : {}) },
    ...projectEnvironment(opts.cwd ?? path.dirname(file)),
    client: { name: 'runner', version: RUNNER_VERSION }
  };
  const ctx = {
    runId,
    notebook: {
      id: notebookId,
      path: path.relative(process.cwd(), file).split(path.sep).join('/') || path.basename(file)
    },
    environment,
    user: process.env.GENESIS_USER || os.userInfo().username
  };
  const notes: string[] = [];
  const recorder = new ExecutionRecorder(platform, opts.project);
  const executions: CellExecutionInput[] = [];
  const lineage: LineageRecord[] = [];
  const cells = nb.cells.filter((c): c is CodeCell => c.cell_type === 'code');
  let done = 0;
  let pinsDir: string | undefined;
  const env: Record<string, string> = { ...opts.env, GENESIS_URL: url, GENESIS_TOKEN: token };
  if (opts.pins) {
    pinsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-pins-'));
    const pinsFile = path.join(pinsDir, 'pins.json');
    fs.writeFileSync(pinsFile, JSON.stringify(opts.pins), { mode: 0o600 });
    env[PINS_ENV] = pinsFile;
  }
  let result: ExecuteResult;
  try {
    result = await executeNotebook(nb, {
      kernelName: spec.name,
      kernelSearch: opts.kernelSearch,
      cwd: opts.cwd ?? path.dirname(file),
      env,
      cellTimeoutMs: opts.cellTimeoutMs,
      signal: opts.signal,
      onCellEnd: (run: CellRun, cell: CodeCell) => {
        opts.progress?.(describeCellRun(run, ++done, cells.length));
        lineage.push(...lineageOf(cell.outputs));
        const e = captureExecution(ctx, cell, run, notes);
        if (e) {
          executions.push(e);
          recorder.add(e);
        }
        opts.onCellEnd?.(run, cell, e);
      }
    });
  } finally {
    if (pinsDir) fs.rmSync(pinsDir, { recursive: true, force: true });
  }
  notes.push(...result.notes);
  const provenance: NotebookProvenance = {
    schemaVersion: PROVENANCE_SCHEMA_VERSION,
    notebookId,
    runId,
    platform: url,
    pins: pinsFromLineage(lineage)
  };
  result.notebook.metadata[GENESIS_METADATA_KEY] = provenance;
  const written = path.resolve(opts.output ?? file);
  await writeNotebook(written, result.notebook);
  // Every executed cell is acknowledged by the platform before the command reports success.
  const unrecorded = await recorder.flush();
  platform.close();
  if (unrecorded)
    throw new GenesisError(
      'unavailable',
      `${unrecorded.count} of ${executions.length} cell executions were not recorded: ${unrecorded.error.message}`,
      {
        hint: `The executed notebook was written to ${written}; run it again once the platform at ${url} answers.`
      }
    );
  return { result, runId, notebookId, written, executions, notes };
}
