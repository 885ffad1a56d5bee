import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** `npm run bench:data` in smoke mode: the benchmark runs end to end and ends with its JSON line. */
const ROOT = path.resolve(__dirname, '../..');

it('bench/data.js runs (GENESIS_BENCH_SMOKE=1) and prints one final JSON line with every figure', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/data.js')], {
    env: { ...process.env, GENESIS_BENCH_SMOKE: '1' },
    encoding: 'utf8',
    timeout: 120_000
  });
  expect(r.stderr).not.toMatch(/failed/);
  expect(r.status).toBe(0);
  const lines = r.stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
  for (const key of ['arrow_vs_json', 'arrow_vs_loopback', 'first_batch_ms', 'batches_peak_rss_mb', 'arrow_vs_csv'])
    expect(typeof result[key]).toBe('number');
  expect(result).toMatchObject({ bench: 'data', smoke: true, rows: 200_000, batches_rows: 2_000_000 });
  expect(r.stdout).toMatch(/Arrow data path/);
}, 150_000);
