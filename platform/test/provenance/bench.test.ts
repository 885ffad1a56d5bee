import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, targetProblems } from '@genesis-lab/test-support';

/** The provenance benchmark in smoke mode: it runs, and its last line is the JSON with every target. */
describe('bench/provenance.js (GENESIS_BENCH_SMOKE=1)', () => {
  it('ends with one JSON line giving value, target and met for every target', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bench/provenance.js')], {
      env: { ...process.env, GENESIS_BENCH_SMOKE: '1' },
      maxBuffer: 1 << 24
    });
    const lines = stdout.trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1]!) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(last).toMatchObject({ bench: 'provenance', smoke: true });
    expect(targetProblems(last, ['capture_overhead_p95_ms', 'lineage_query_ms', 'reproduce_vs_plain_execute'])).toEqual(
      []
    );
    for (const k of ['capture_overhead_p95_ms', 'lineage_query_ms', 'reproduce_vs_plain_execute']) {
      expect(last.targets[k].value).toBe(last[k]);
      expect(last[k]).toBeGreaterThan(0);
    }
    // RUNNER's figures: a reproduce (a real local job, tslab) and the runner alone, each against jupyter execute.
    expect(last.runner_vs_plain_execute).toBeGreaterThan(0);
    expect(last.reproduce_cells).toBe(10);
    expect(last.store_executions).toBeGreaterThan(100);
    expect(last.lineage_graph_nodes).toBeGreaterThan(25 * 2);
    expect(last.export_crate_bytes).toBeGreaterThan(0);
  }, 300000);
});
