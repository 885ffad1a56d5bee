import type { CellProvenance, CellReport, NotebookOutputInput } from '@genesis-lab/contract';
import { errorHeadline, type CellRun } from '../execute/cell-run';
import { compareOutputs } from '../compare/compare-outputs';

export interface CellToReport {
  cellId: string;
  cellIndex: number;
  /** What the reproduction's execution of the cell did; undefined when it never got there. */
  run: CellRun | undefined;
  /** The outputs recorded with the original run (the notebook's saved outputs). */
  expected: readonly NotebookOutputInput[];
  /** The outputs the reproduction produced. */
  actual: readonly NotebookOutputInput[];
  /** The cell's metadata.genesis (tolerance, non-deterministic outputs), already validated. */
  declared: CellProvenance;
  originalExecutionId?: string;
  executionId?: string;
}

/** One cell's line of the reproducibility report: how it ran, then how its outputs compare. */
export function cellReport(c: CellToReport): CellReport {
  const base = {
    cellId: c.cellId,
    cellIndex: c.cellIndex,
    ...(c.originalExecutionId ? { originalExecutionId: c.originalExecutionId } : {}),
    ...(c.executionId ? { executionId: c.executionId } : {})
  };
  const run = c.run;
  if (!run)
    return { ...base, ignoredOutputs: [], status: 'not-run', reason: 'the reproduction stopped before this cell' };
  if (run.status === 'not-run')
    return { ...base, ignoredOutputs: [], status: 'not-run', reason: run.reason ?? 'not executed' };
  if (run.status !== 'ok') {
    const what =
      run.status === 'error'
        ? errorHeadline(run.error) || 'the kernel reported an error'
        : `${run.status}: ${run.reason ?? ''}`;
    return { ...base, ignoredOutputs: [], status: 'failed', error: what };
  }
  const cmp = compareOutputs(c.expected, c.actual, c.declared);
  return { ...base, ...cmp };
}
