/**
 * THE rule for which cell results of a run are stale, used by the Provenance panel, the run
 * answer of the platform and the runner. Zod-free (plain data in, plain data out) so the
 * extension can call it at start-up.
 *
 * Only the latest execution of each cell is judged (it is what the notebook shows). Position
 * comes from the notebook as it is now when given, otherwise from where the cell sat when it
 * last ran. "Above" means an earlier position: without data-flow analysis, every cell above may
 * have set state a cell below read.
 */

/** What the rule needs of each execution (an ExecutionRecord has all of it). */
export interface StalenessExecution {
  executionId: string;
  cellId: string;
  /** Position of the cell among the notebook's cells when it ran. */
  cellIndex?: number | null;
  codeSha256: string;
  startedAt: string;
  executionCount: number | null;
}

/** A code cell of the notebook as it is now, in notebook order. */
export interface CurrentCell {
  cellId: string;
  codeSha256: string;
}

export type StaleFlag =
  /** It ran before cells above it ran for the first time: its result did not see theirs. */
  | { kind: 'out-of-order'; cells: string[] }
  /** Cells above it that had run before it were run again after it: its result predates theirs. */
  | { kind: 'upstream-rerun'; cells: string[] }
  /** Cells above it never ran in this run: a fresh top-to-bottom run executes them first. */
  | { kind: 'upstream-not-run'; cells: string[] }
  /** Its code changed after it ran: the output is of code the notebook no longer holds. */
  | { kind: 'edited-after-run' }
  /** The cell is no longer in the notebook. */
  | { kind: 'removed' };

export type StaleFlagKind = StaleFlag['kind'];
export const STALE_FLAG_KINDS: readonly StaleFlagKind[] = [
  'out-of-order',
  'upstream-rerun',
  'upstream-not-run',
  'edited-after-run',
  'removed'
];

export interface CellStaleness {
  cellId: string;
  /** The cell's latest execution in the run. */
  executionId: string;
  flags: StaleFlag[];
}

function byTime(a: StalenessExecution, b: StalenessExecution): number {
  if (a.startedAt !== b.startedAt) return Date.parse(a.startedAt) - Date.parse(b.startedAt);
  return (a.executionCount ?? 0) - (b.executionCount ?? 0);
}

/**
 * Flags for the latest execution of each executed cell of one run, in notebook order (cells no
 * longer in the notebook last). `current` is the notebook now; without it, edits and removals
 * cannot be known and are not flagged.
 */
export function cellStaleness(
  executions: readonly StalenessExecution[],
  current?: readonly CurrentCell[]
): CellStaleness[] {
  const ordered = [...executions].sort(byTime);
  const first = new Map<string, number>();
  const latest = new Map<string, { exec: StalenessExecution; at: number }>();
  ordered.forEach((e, at) => {
    if (!first.has(e.cellId)) first.set(e.cellId, at);
    latest.set(e.cellId, { exec: e, at });
  });

  const position = new Map<string, number>();
  if (current) current.forEach((c, i) => position.set(c.cellId, i));
  else for (const [cellId, { exec }] of latest) position.set(cellId, exec.cellIndex ?? Number.MAX_SAFE_INTEGER);
  const currentCode = new Map(current?.map((c) => [c.cellId, c.codeSha256]));

  const cells = [...latest.keys()].sort(
    (a, b) =>
      (position.get(a) ?? Number.MAX_SAFE_INTEGER) - (position.get(b) ?? Number.MAX_SAFE_INTEGER) ||
      latest.get(a)!.at - latest.get(b)!.at
  );
  return cells.map((cellId) => {
    const { exec, at } = latest.get(cellId)!;
    const flags: StaleFlag[] = [];
    const pos = position.get(cellId);
    if (current && pos === undefined) flags.push({ kind: 'removed' });
    if (pos !== undefined) {
      const above = current
        ? current.slice(0, pos).map((c) => c.cellId)
        : cells.filter((c) => (position.get(c) ?? Infinity) < pos);
      const outOfOrder: string[] = [];
      const rerun: string[] = [];
      const notRun: string[] = [];
      for (const a of above) {
        const f = first.get(a);
        if (f === undefined) notRun.push(a);
        else if (f > at) outOfOrder.push(a);
        else if (latest.get(a)!.at > at) rerun.push(a);
      }
      if (outOfOrder.length) flags.push({ kind: 'out-of-order', cells: outOfOrder });
      if (rerun.length) flags.push({ kind: 'upstream-rerun', cells: rerun });
      if (notRun.length) flags.push({ kind: 'upstream-not-run', cells: notRun });
    }
    const now = currentCode.get(cellId);
    if (now !== undefined && now !== exec.codeSha256) flags.push({ kind: 'edited-after-run' });
    return { cellId, executionId: exec.executionId, flags };
  });
}
