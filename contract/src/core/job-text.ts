import type { Job } from '../jobs';

/**
 * A job's elapsed time and status line: the one rule the jobs panel, the notebook's live status
 * line and the CLI read, so a queued job shows the same time everywhere.
 */

/**
 * Milliseconds the job has been going: from when it started running, or (not started yet) from
 * when it was handed to its facility, or created; to when it ended, or `now`.
 */
export function jobElapsedMs(
  job: Pick<Job, 'startedAt' | 'submittedAt' | 'createdAt' | 'endedAt'>,
  now = Date.now()
): number {
  const from = Date.parse(job.startedAt ?? job.submittedAt ?? job.createdAt);
  const to = job.endedAt ? Date.parse(job.endedAt) : now;
  return Math.max(0, to - from);
}

/** `1h 02m`, `3m 07s`, `12s`; empty for a value that is not a duration. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/** The scheduler's own words, `[PENDING: Priority]`, or empty. */
export function nativeStateText(job: Pick<Job, 'nativeState' | 'nativeReason'>): string {
  return job.nativeState ? `[${job.nativeState}${job.nativeReason ? `: ${job.nativeReason}` : ''}]` : '';
}

/**
 * One line that says where a job is:
 * `sim (j1x2) on slurm #42: FAILED NONZERO_EXIT exit 3, 1m 02s [FAILED: NonZeroExitCode]`.
 */
export function jobStatusText(job: Job, now = Date.now()): string {
  const native = nativeStateText(job);
  return (
    `${job.spec.name} (${job.id}) on ${job.facility}${job.nativeId ? ` #${job.nativeId}` : ''}: ${job.state}` +
    `${job.reason ? ` ${job.reason}` : ''}${job.exitCode !== null ? ` exit ${job.exitCode}` : ''}, ` +
    `${formatDuration(jobElapsedMs(job, now))}${native ? ` ${native}` : ''}`
  );
}
