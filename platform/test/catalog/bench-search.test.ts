import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '@genesis-lab/test-support';

// Proves bench/search.js works (smoke size); the figures themselves come from `npm run bench:search`.
describe('bench/search.js (smoke)', () => {
  it('runs and ends with one JSON line naming its figures', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bench/search.js')], {
      env: { ...process.env, GENESIS_BENCH_SMOKE: '1' },
      encoding: 'utf8',
      timeout: 60000
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    expect(result).toMatchObject({ bench: 'search', smoke: true, records: 2000 });
    expect(typeof result.search_p95_ms).toBe('number');
    expect(typeof result.search_vs_scan).toBe('number');
    expect(result.totals_agree as number).toBeGreaterThan(0.9);
  });
});
