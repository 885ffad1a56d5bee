/**
 * What happened to one code cell in a headless run. Every code cell of the notebook gets one, in
 * order, so nothing is ever skipped without a word: a cell that did not run is `not-run` with
 * the reason.
 */
export type CellRunStatus =
  /** executed, reply status ok */
  | 'ok'
  /** executed, the kernel reported an error (an exception, a type error in tslab) */
  | 'error'
  /** exceeded the per-cell timeout; interrupted (or the kernel killed when the interrupt did not stop it) */
  | 'timeout'
  /** interrupted on request (Ctrl-C, an AbortSignal) */
  | 'interrupted'
  /** the kernel process ended while the cell ran */
  | 'kernel-died'
  /** never executed; `reason` says why (an earlier failure stopped the run, the kernel kept aborting it) */
  | 'not-run';

export interface CellRunError {
  ename?: string;
  evalue?: string;
  /** What a user reads: the traceback, or for tslab (errors only on stderr) the cell's stderr. */
  text: string;
}

export interface CellRun {
  /** Position in the notebook's `cells` (markdown cells count). */
  index: number;
  /** The cell's nbformat id, when it has one. */
  id?: string;
  status: CellRunStatus;
  executionCount: number | null;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  /**
   * Execute requests sent for this cell: more than 1 when the kernel answered `aborted` (tslab
   * drops every request arriving within ~200 ms of an error) and the runner sent it again.
   */
  attempts: number;
  error?: CellRunError;
  /** Why the cell has no result (not-run, kernel-died, timeout, interrupted). */
  reason?: string;
  /** Everything else worth knowing: resends after aborts, a kernel restart before it, outputs that could not be applied. */
  notes: string[];
}

/** True when the cell executed and the kernel said ok. */
export const succeeded = (r: CellRun): boolean => r.status === 'ok';

/** One line for a terminal: `[3/12] ok 0.4 s`, `[4/12] error: ReferenceError: x is not defined`. */
export function describeCellRun(r: CellRun, position: number, total: number): string {
  const where = `[${position}/${total}]${r.id ? ` ${r.id}` : ''}`;
  const took = r.durationMs !== undefined ? ` ${(r.durationMs / 1000).toFixed(1)} s` : '';
  const resent = r.attempts > 1 ? ` (sent ${r.attempts} times: the kernel aborted it after the previous error)` : '';
  switch (r.status) {
    case 'ok':
      return `${where} ok${took}${resent}`;
    case 'error': {
      return `${where} error${took}${resent}: ${errorHeadline(r.error)}`;
    }
    default:
      return `${where} ${r.status}${took}: ${r.reason ?? ''}`;
  }
}

/** The line of an error a user needs first: `Error: boom`, not tslab's `evalmachine.<anonymous>:2` location line. */
export function errorHeadline(e: CellRunError | undefined): string {
  if (!e) return '';
  if (e.evalue) return `${e.ename ?? 'Error'}: ${e.evalue}`;
  const lines = e.text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^[A-Za-z]*(Error|Exception)\b/.test(l)) ?? lines[0] ?? '';
}
