import { targetProblems } from '@genesis-lab/test-support';
import { runBenchSmoke } from './support/bench';

/** `npm run bench:data` in smoke mode: the benchmark runs end to end and ends with its JSON line. */
it('bench/data.js runs (GENESIS_BENCH_SMOKE=1) and prints one final JSON line with every figure and its targets', () => {
  // The JSON line must be the very last line of everything it wrote.
  const { status, output, result } = runBenchSmoke('data', 150_000);
  expect(output).not.toMatch(/bench:data failed/);
  expect(status).toBe(0);
  for (const key of [
    'arrow_vs_json',
    'arrow_vs_loopback',
    'arrow_table_vs_loopback',
    'arrow_vs_csv',
    'arrow_vs_csv_split',
    'arrow_vs_json_mixed',
    'projection_vs_loopback',
    'mixed_table_vs_loopback',
    'filter_10pct_ms',
    'first_batch_ms',
    'batches_peak_rss_mb',
    'platform_peak_rss_mb'
  ])
    expect(typeof result![key]).toBe('number');
  // Every arm ran in every round (text arms in the text rounds), each with its spread.
  const ms = result!.ms as Record<string, { n: number }>;
  for (const arm of ['table', 'batches', 'loopback', 'projection', 'filter_10pct', 'mixed_table'])
    expect(ms[arm]!.n).toBe(result!.rounds);
  for (const arm of ['json', 'csv_split', 'csv_parse', 'json_mixed']) expect(ms[arm]!.n).toBe(result!.text_rounds);
  expect(result).toMatchObject({ bench: 'data', smoke: true, rows: 200_000, batches_rows: 2_000_000 });
  expect(
    targetProblems(result, [
      'arrow_table_vs_loopback',
      'arrow_vs_loopback',
      'arrow_vs_json',
      'first_batch_ms',
      'batches_peak_rss_mb',
      'platform_peak_rss_mb'
    ])
  ).toEqual([]);
  expect(output).toMatch(/Arrow data path/);
}, 180_000);
