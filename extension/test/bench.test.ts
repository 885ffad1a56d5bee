/**
 * @jest-environment node
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { targetProblems } from '@genesis-lab/test-support';

// Proves bench/extension.js works (smoke: tiny catalog, one run each); the figures themselves
// come from `npm run bench:extension`. It needs Debian's Chromium and the project's JupyterLab.
const ROOT = path.resolve(__dirname, '../..');
const CHROMIUM = process.env.GENESIS_CHROMIUM || '/usr/bin/chromium';
const missing = [
  fs.existsSync(CHROMIUM) ? null : `Chromium (${CHROMIUM}; scripts/provision-system installs it)`,
  fs.existsSync(path.join(ROOT, '.venv/bin/jupyter')) ? null : 'JupyterLab in .venv (scripts/setup creates it)',
  fs.existsSync(path.join(ROOT, 'genesis_lab/labextension/package.json')) ? null : 'the built labextension'
].filter((m): m is string => m !== null);
const required = process.env.GENESIS_REQUIRE_SERVICES === '1';

describe('bench/extension.js (smoke)', () => {
  if (missing.length && !required) {
    it.skip(`skipped: missing ${missing.join(', ')}`, () => undefined);
    return;
  }

  it('runs and ends with one JSON line naming its figures and its targets', () => {
    expect(missing).toEqual([]);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/extension.js')], {
      env: { ...process.env, GENESIS_BENCH_SMOKE: '1' },
      encoding: 'utf8',
      timeout: 120000
    });
    if (r.status !== 0)
      throw new Error(`bench/extension.js failed (${r.status ?? r.signal}):\n${r.stderr.slice(-4000)}`);
    const lines = r.stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    expect(result).toMatchObject({ bench: 'extension', smoke: true });
    for (const key of ['extension_js_kb', 'extension_startup_js_kb', 'lab_ready_ratio', 'search_update_ms']) {
      expect(typeof result[key]).toBe('number');
      expect(result[key] as number).toBeGreaterThan(0);
    }
    // The startup part is what JupyterLab loads before it is usable: a part of the whole; with the
    // Catalog open the lazy chunks are inside that window, so it is more than with no panel open.
    expect(result.extension_startup_js_kb as number).toBeLessThan(result.extension_js_kb as number);
    expect(result.extension_startup_js_kb as number).toBeGreaterThan(result.extension_startup_js_kb_reset as number);
    expect(result.search_samples).toBe(2); // each query typed once
    expect(targetProblems(result, ['lab_ready_ratio', 'search_update_ms'])).toEqual([]);
  }, 150000);
});
