/** Job constants and the state machine, without zod (the schemas are in ../jobs.ts). */
export const JOB_STATES = ['NEW', 'QUEUED', 'HELD', 'ACTIVE', 'COMPLETED', 'FAILED', 'CANCELED'] as const;
type State = (typeof JOB_STATES)[number];
export const FINAL_STATES: ReadonlySet<State> = new Set(['COMPLETED', 'FAILED', 'CANCELED']);

/** Forward-only: QUEUED <-> HELD is the one way back. */
const NEXT: Record<State, readonly State[]> = {
  NEW: ['QUEUED', 'HELD', 'ACTIVE', 'COMPLETED', 'FAILED', 'CANCELED'],
  QUEUED: ['HELD', 'ACTIVE', 'COMPLETED', 'FAILED', 'CANCELED'],
  HELD: ['QUEUED', 'ACTIVE', 'COMPLETED', 'FAILED', 'CANCELED'],
  ACTIVE: ['COMPLETED', 'FAILED', 'CANCELED'],
  COMPLETED: [],
  FAILED: [],
  CANCELED: []
};
export function canTransition(from: State, to: State): boolean {
  return NEXT[from].includes(to);
}
export function isFinal(state: State): boolean {
  return FINAL_STATES.has(state);
}

/** The HTTP header that makes a submit idempotent (the spec's `idempotencyKey` does the same). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * Can this value travel in an HTTP header? (Visible ASCII and spaces: HTTP clients refuse
 * control characters, and anything beyond Latin-1, before sending.)
 */
export function headerSafe(value: string): boolean {
  return /^[\x20-\x7e]*$/.test(value);
}

export const LOG_STREAMS = ['stdout', 'stderr'] as const;
