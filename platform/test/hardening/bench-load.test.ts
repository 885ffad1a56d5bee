import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT, requireBuilt } from '@genesis-lab/test-support';

/** bench:load runs in a short mode and ends with one JSON line with its figures and targets (shape only, no timings). */
it('bench:load --seconds 5 prints its figures and a targets object', () => {
  requireBuilt();
  const r = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, 'bench/load.js'), '--seconds', '5', '--clients', '50', '--streams', '4'],
    {
      encoding: 'utf8',
      timeout: 150_000
    }
  );
  expect(r.status).toBe(0);
  const last = r.stdout.trim().split('\n').at(-1)!;
  const line = JSON.parse(last) as Record<string, unknown> & {
    targets: Record<string, { value: unknown; target: string; met: boolean }>;
  };
  expect(line).toMatchObject({ bench: 'load', seconds: 5, clients: 50, streams: 4 });
  for (const k of ['errors', 'lost_events', 'peak_rss_mb', 'small_call_p95_ms', 'authz_overhead_ratio']) {
    expect(typeof line[k]).toBe('number');
    expect(line.targets[k]).toEqual({ value: line[k], target: expect.any(String), met: expect.any(Boolean) });
  }
}, 180_000);
