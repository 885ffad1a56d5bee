/**
 * Turning a snapshot of an executed cell into the contract's CellExecution: the code's sha256,
 * the normalised and hashed outputs, the lineage the helpers emitted. Loaded as its own chunk
 * with the first execution (it brings the contract's schemas), after the notebook moved on.
 */
import {
  captureOutputs,
  lineageOfOutputs,
  pinsFromLineage,
  PROVENANCE_SCHEMA_VERSION,
  sha256Hex,
  type CellExecutionInput,
  type ExecutionEnvironment,
  type LineageRecord,
  type NotebookOutputInput,
  type NotebookPins
} from '@genesis-lab/contract';
import { measureCapture } from './measure';
import type { IBuildAnswer, IBuildRequest } from './recordBuild';

/** What the capture service copies from the cell and the kernel when the cell finished. */
export interface IExecutionSnapshot {
  executionId: string;
  runId: string;
  notebook: { id: string; path: string };
  cellId: string;
  cellIndex: number;
  code: string;
  executionCount: number | null;
  startedAt: string;
  endedAt: string;
  success: boolean;
  /** The kernel's error (ename: evalue), when the reply said so. */
  error?: string;
  outputs: readonly unknown[];
  environment: ExecutionEnvironment;
  user: string;
}

/** Error text: the kernel's error, else what the cell wrote to stderr (tslab reports errors there). */
function errorText(s: IExecutionSnapshot, outputs: readonly NotebookOutputInput[]): string | undefined {
  if (s.success) return undefined;
  const stderr = outputs
    .flatMap((o) =>
      o.output_type === 'stream' && o.name === 'stderr' ? [Array.isArray(o.text) ? o.text.join('') : o.text] : []
    )
    .join('');
  const text = [s.error, stderr].filter(Boolean).join('\n').trim() || 'The kernel reported an error';
  return text.slice(0, 65536);
}

/** The execution to record; its lineage already parsed (the pins of the run are made from it). */
export type BuiltExecution = CellExecutionInput & { lineage: LineageRecord[] };

export function buildExecution(s: IExecutionSnapshot, problems: string[] = []): BuiltExecution {
  const outputs = s.outputs as NotebookOutputInput[];
  const error = errorText(s, outputs);
  return {
    schemaVersion: PROVENANCE_SCHEMA_VERSION,
    executionId: s.executionId,
    runId: s.runId,
    notebook: s.notebook,
    cellId: s.cellId,
    cellIndex: s.cellIndex,
    code: s.code,
    codeSha256: sha256Hex(s.code),
    executionCount: s.executionCount !== null && s.executionCount >= 0 ? s.executionCount : null,
    startedAt: s.startedAt,
    endedAt: s.endedAt < s.startedAt ? s.startedAt : s.endedAt,
    success: s.success,
    ...(error ? { error } : {}),
    outputs: captureOutputs(outputs),
    environment: s.environment,
    user: s.user,
    lineage: lineageOfOutputs(outputs, problems)
  };
}

/** The worker's side of a build: one request, one answer (never throws: an error is an answer too). */
export function answerBuild(request: IBuildRequest): IBuildAnswer {
  try {
    const problems: string[] = [];
    return { id: request.id, execution: buildExecution(request.snapshot, problems), problems };
  } catch (err) {
    return { id: request.id, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The same build in this thread (where no worker can start); its time is main-thread time. */
export function answerBuildInThread(snapshot: IExecutionSnapshot): { execution: BuiltExecution; problems: string[] } {
  const t0 = performance.now();
  const problems: string[] = [];
  const execution = buildExecution(snapshot, problems);
  measureCapture(snapshot.executionId, 'record', t0);
  return { execution, problems };
}

/** The pins of a run so far, from the lineage of its executions (the contract's rule). */
export function pinsOf(lineage: readonly LineageRecord[]): NotebookPins {
  return pinsFromLineage(lineage);
}
