import type { Job, JobUpdate } from '@genesis-lab/contract';

/**
 * Which view of a job is newer: the one rule every client applies to `job:update` pushes and
 * `GET` answers that race each other. Per-job events carry `seq` (0 = NEW, +1 per transition);
 * a job's history is in `seq` order. At the same `seq`, the later `updatedAt` wins (the platform
 * updates a job without a transition: its scheduler's words, its outputs).
 */
export function lastSeq(job: Job): number {
  return job.history.length ? job.history[job.history.length - 1]!.seq : -1;
}

/** True when `candidate` is newer than `known` (always, when nothing is known). */
export function isNewerJob(candidate: Job, known: Job | undefined | null): boolean {
  if (!known) return true;
  const a = lastSeq(candidate);
  const b = lastSeq(known);
  return a > b || (a === b && candidate.updatedAt > known.updatedAt);
}

/** True when a pushed update brings a job further than `known`. */
export function isNewerUpdate(update: JobUpdate, known: Job | undefined | null): boolean {
  return !known || update.event.seq > lastSeq(known) || isNewerJob(update.job, known);
}
