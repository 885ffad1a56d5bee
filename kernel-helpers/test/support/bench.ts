import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * Run `bench/NAME.js` with GENESIS_BENCH_SMOKE=1, stdout and stderr into one file in the order they
 * were written (as in a terminal or CI log); the final JSON line is parsed (undefined if it is not JSON).
 */
export function runBenchSmoke(
  name: string,
  timeoutMs: number
): { status: number | null; output: string; result: Record<string, unknown> | undefined } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `genesis-bench-${name}-test-`));
  const logFile = path.join(dir, 'out.log');
  const fd = fs.openSync(logFile, 'w');
  let status: number | null;
  try {
    status = spawnSync(process.execPath, [path.join(ROOT, 'bench', `${name}.js`)], {
      env: { ...process.env, GENESIS_BENCH_SMOKE: '1' },
      stdio: ['ignore', fd, fd],
      timeout: timeoutMs
    }).status;
  } finally {
    fs.closeSync(fd);
  }
  const output = fs.readFileSync(logFile, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  const last = output.trim().split('\n').at(-1) ?? '';
  let result: Record<string, unknown> | undefined;
  try {
    result = JSON.parse(last) as Record<string, unknown>;
  } catch {
    result = undefined;
  }
  return { status, output, result };
}
