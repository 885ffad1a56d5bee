import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** `npm run bench:data` in smoke mode: the benchmark runs end to end and ends with its JSON line. */
const ROOT = path.resolve(__dirname, '../..');

it('bench/data.js runs (GENESIS_BENCH_SMOKE=1) and prints one final JSON line with every figure', () => {
  // stdout and stderr into one file, in the order they were written (as in a terminal or CI log):
  // the JSON line must be the very last line of all of it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-bench-test-'));
  const logFile = path.join(dir, 'out.log');
  const fd = fs.openSync(logFile, 'w');
  let r;
  try {
    r = spawnSync(process.execPath, [path.join(ROOT, 'bench/data.js')], {
      env: { ...process.env, GENESIS_BENCH_SMOKE: '1' },
      stdio: ['ignore', fd, fd],
      timeout: 120_000
    });
  } finally {
    fs.closeSync(fd);
  }
  const output = fs.readFileSync(logFile, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  expect(output).not.toMatch(/bench:data failed/);
  expect(r.status).toBe(0);
  const lines = output.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
  for (const key of ['arrow_vs_json', 'arrow_vs_loopback', 'first_batch_ms', 'batches_peak_rss_mb', 'arrow_vs_csv'])
    expect(typeof result[key]).toBe('number');
  expect(result).toMatchObject({ bench: 'data', smoke: true, rows: 200_000, batches_rows: 2_000_000 });
  expect(output).toMatch(/Arrow data path/);
}, 150_000);
