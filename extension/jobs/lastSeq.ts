import type { Job } from '@genesis-lab/contract';

// TODO(core): the newer-update rule (by seq) moves into the client core; call it from there.
/** The last event sequence number a job has seen (its history is in seq order); an update at or below it is old. */
export function lastSeq(job: Job): number {
  return job.history.length ? job.history[job.history.length - 1]!.seq : -1;
}
