import { randomUUID } from 'node:crypto';
import {
  captureOutputs,
  lineageOfOutputs,
  PROVENANCE_SCHEMA_VERSION,
  sha256Hex,
  joinText,
  type CellExecutionInput,
  type CodeCell,
  type ExecutionEnvironment,
  type NotebookRef
} from '@genesis-lab/contract';
import { errorHeadline, type CellRun } from '../execute/cell-run';

/** The lineage records the kernel helpers left in a cell's outputs (the contract's rule, shared with the extension). */
export const lineageOf = lineageOfOutputs;

export interface CaptureContext {
  runId: string;
  notebook: NotebookRef;
  environment: ExecutionEnvironment;
  user: string;
}

/**
 * One executed cell as the extension would capture it (contract CellExecution); undefined for a
 * cell that never ran. Success comes from the kernel's reply, as for tslab errors are only stderr.
 */
export function captureExecution(
  ctx: CaptureContext,
  cell: CodeCell,
  run: CellRun,
  problems: string[] = []
): CellExecutionInput | undefined {
  if (run.status === 'not-run' || !run.startedAt || !run.endedAt) return undefined;
  const code = joinText(cell.source);
  const error =
    run.status === 'ok'
      ? undefined
      : run.status === 'error'
        ? run.error?.text || errorHeadline(run.error)
        : `${run.status}: ${run.reason ?? ''}`;
  return {
    schemaVersion: PROVENANCE_SCHEMA_VERSION,
    executionId: randomUUID(),
    runId: ctx.runId,
    notebook: ctx.notebook,
    cellId: cell.id!,
    cellIndex: run.index,
    code,
    codeSha256: sha256Hex(code),
    executionCount: run.executionCount !== null && run.executionCount >= 0 ? run.executionCount : null,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    success: run.status === 'ok',
    ...(error ? { error: error.slice(0, 65536) } : {}),
    outputs: captureOutputs(cell.outputs),
    environment: ctx.environment,
    user: ctx.user,
    lineage: lineageOf(cell.outputs, problems)
  };
}
