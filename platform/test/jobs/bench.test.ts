import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, slurmUp, targetProblems } from '@genesis-lab/test-support';

/**
 * The jobs benchmark in smoke mode: it runs, ends with one JSON line with its targets, and the
 * counts that are correctness (not timing) hold. Events lost across a restart or a reconnect
 * are a figure it reports (watch() has no replay), not asserted here.
 */
describe('bench/jobs.js (GENESIS_BENCH_SMOKE=1)', () => {
  it('prints one final JSON line with its targets; a stable socket loses and duplicates nothing', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bench/jobs.js')], {
      env: { ...process.env, GENESIS_BENCH_SMOKE: '1' },
      maxBuffer: 1 << 24
    });
    const lines = stdout.trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    expect(last.smoke).toBe(true);
    expect(
      targetProblems(last, [
        'event_latency_from_exit_p95_ms',
        'lost_events',
        'duplicate_events',
        'local_vs_bare_spawn_ratio',
        'slurm_calls_per_cycle',
        'slurm_run_status_calls_per_cycle',
        'slurm_event_latency_from_exit_p95_ms'
      ])
    ).toEqual([]);
    // Throughput divides by finished jobs only; on a stable socket every transition arrives once.
    expect(last.local_jobs_finished).toBe(last.local_jobs);
    expect(last.throughput_lost_events).toBe(0);
    expect(last.throughput_duplicate_events).toBe(0);
    // The disrupted streams' jobs all finish (the platform's own records), and nothing arrives twice.
    for (const tag of ['restart', 'reconnect']) {
      expect(last[`${tag}_jobs_finished`]).toBe(last[`${tag}_jobs`]);
      expect(last[`${tag}_duplicate_events`]).toBe(0);
      expect(typeof last[`${tag}_lost_events`]).toBe('number');
    }
    expect(last.event_latency_from_exit_samples).toBe(last.event_latency_jobs_at_once);
    if (slurmUp().ok) {
      // Counted by the wrappers on the facility's binDir: one batched status query per poll cycle.
      expect(last.slurm_calls_per_cycle).toBe(1);
      expect(last.slurm_tracked_jobs).toBe(20);
      expect(last.slurm_run_jobs_finished).toBe(last.slurm_run_jobs);
    } else expect(last.slurm_calls_per_cycle).toBeNull();
  }, 150000);
});
