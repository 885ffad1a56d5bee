import { targetProblems } from '@genesis-lab/test-support';
import { runBenchSmoke } from './support/bench';

/** `npm run bench:tutorials` in smoke mode: it runs end to end and ends with its JSON line (figures not checked). */
it('bench/tutorials.js runs (GENESIS_BENCH_SMOKE=1) and prints one final JSON line with value, target and met per target', () => {
  const { status, output, result } = runBenchSmoke('tutorials', 400_000);
  expect(output).not.toMatch(/bench:tutorials failed/);
  expect(status).toBe(0);
  expect(result).toMatchObject({ bench: 'tutorials', smoke: true, kernels: ['tslab'], plot_rows: 200_000 });
  for (const key of ['all_kernels_s', 'pull_ms', 'plot_ms', 'plot_vs_pull', 'first_plot_ms'])
    expect(typeof result![key]).toBe('number');
  expect(Object.keys(result!.targets as object).sort()).toEqual(['all_kernels_s', 'plot_vs_pull']);
  expect(targetProblems(result, ['all_kernels_s', 'plot_vs_pull'])).toEqual([]);
  expect(Object.keys(result!.committed_notebook_bytes as object)).toEqual([
    '01-find-and-pull-data.ipynb',
    '02-run-jobs-on-facilities.ipynb',
    '03-call-a-model.ipynb',
    '04-paper-co2-growth.ipynb'
  ]);
}, 450_000);
