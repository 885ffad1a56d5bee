import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, slurmUp } from '@genesis-lab/test-support';

/** The jobs benchmark in smoke mode: it runs, ends with one JSON line, and its counts hold. */
describe('bench/jobs.js (GENESIS_BENCH_SMOKE=1)', () => {
  it('prints one final JSON line naming the figures, with no lost or duplicated events', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bench/jobs.js')], {
      env: { ...process.env, GENESIS_BENCH_SMOKE: '1' },
      maxBuffer: 1 << 24
    });
    const lines = stdout.trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    for (const k of [
      'slurm_calls_per_cycle',
      'event_latency_p95_ms',
      'local_jobs_per_s',
      'lost_events',
      'duplicate_events'
    ])
      expect(last).toHaveProperty(k);
    expect(last.smoke).toBe(true);
    expect(last.lost_events).toBe(0);
    expect(last.duplicate_events).toBe(0);
    expect(last.local_jobs_listed).toBe(last.local_jobs);
    expect(typeof last.local_jobs_per_s).toBe('number');
    expect(typeof last.event_latency_p95_ms).toBe('number');
    if (slurmUp().ok) {
      // One batched status query per poll cycle, however many jobs are tracked.
      expect(last.slurm_calls_per_cycle).toBe(1);
      expect(last.slurm_tracked_jobs).toBe(20);
    } else expect(last.slurm_calls_per_cycle).toBeNull();
  }, 120000);
});
