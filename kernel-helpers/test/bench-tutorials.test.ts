import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** `npm run bench:tutorials` in smoke mode: it runs end to end and ends with its JSON line (figures not checked). */
const ROOT = path.resolve(__dirname, '../..');

it('bench/tutorials.js runs (GENESIS_BENCH_SMOKE=1) and prints one final JSON line with value, target and met per target', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-bench-tutorials-test-'));
  const logFile = path.join(dir, 'out.log');
  const fd = fs.openSync(logFile, 'w');
  let r;
  try {
    r = spawnSync(process.execPath, [path.join(ROOT, 'bench/tutorials.js')], {
      env: { ...process.env, GENESIS_BENCH_SMOKE: '1' },
      stdio: ['ignore', fd, fd],
      timeout: 400_000
    });
  } finally {
    fs.closeSync(fd);
  }
  const output = fs.readFileSync(logFile, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  expect(output).not.toMatch(/bench:tutorials failed/);
  expect(r.status).toBe(0);
  const lines = output.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
  expect(result).toMatchObject({ bench: 'tutorials', smoke: true, kernels: ['tslab'], plot_rows: 200_000 });
  for (const key of ['all_kernels_s', 'pull_ms', 'plot_ms', 'plot_vs_pull', 'first_plot_ms'])
    expect(typeof result[key]).toBe('number');
  const targets = result.targets as Record<string, { value: unknown; target: unknown; met: unknown }>;
  expect(Object.keys(targets).sort()).toEqual(['all_kernels_s', 'plot_vs_pull']);
  for (const t of Object.values(targets))
    expect(t).toEqual({ value: expect.any(Number), target: expect.any(String), met: expect.any(Boolean) });
  expect(Object.keys(result.committed_notebook_bytes as object)).toEqual([
    '01-find-and-pull-data.ipynb',
    '02-run-jobs-on-facilities.ipynb'
  ]);
}, 450_000);
