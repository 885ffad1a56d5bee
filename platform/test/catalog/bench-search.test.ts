import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT, targetProblems } from '@genesis-lab/test-support';

interface Arm {
  p95: number;
}
interface SizeResult {
  cold: Arm;
  warm: Arm;
  naive: Arm & { results_agree: number };
  http: { cold: Arm; warm: Arm; platform_peak_rss_mb: number };
}

// Proves bench/search.js works (smoke size: in-process, naive scan, a real platform over HTTP);
// the figures themselves come from `npm run bench:search`.
describe('bench/search.js (smoke)', () => {
  it('runs every arm and ends with one JSON line whose targets say what was met', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bench/search.js')], {
      env: { ...process.env, GENESIS_BENCH_SMOKE: '1' },
      encoding: 'utf8',
      timeout: 120000
    });
    expect(r.status).toBe(0);
    // stderr carries progress lines only.
    for (const l of r.stderr.trim().split('\n')) expect(l).toMatch(/^\[bench:search \+[\d.]+s\] /);
    const lines = r.stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]!) as {
      bench: string;
      smoke: boolean;
      sizes: number[];
      results: Record<string, SizeResult>;
      targets: Record<string, { value: number; target: string; met: boolean }>;
    };
    expect(result).toMatchObject({ bench: 'search', smoke: true, sizes: [2000] });
    const at = result.results['2000']!;
    for (const arm of [at.cold, at.warm, at.naive, at.http.cold, at.http.warm]) expect(arm.p95).toBeGreaterThan(0);
    expect(at.naive.results_agree).toBe(1);
    expect(at.http.platform_peak_rss_mb).toBeGreaterThan(0);
    expect(Object.keys(result.targets).sort()).toEqual(
      [
        'cold_p95_ms_2000',
        'http_cold_p95_ms_2000',
        'import_records_per_s',
        'platform_peak_rss_mb_2000',
        'results_agree',
        'scale_ratio_2000_vs_2000'
      ].sort()
    );
    expect(targetProblems(result, [])).toEqual([]);
    expect(result.targets.results_agree!.met).toBe(true);
  });
});
