import { runBenchSmoke } from './support/bench';

/** `npm run bench:data` in smoke mode: the benchmark runs end to end and ends with its JSON line. */
it('bench/data.js runs (GENESIS_BENCH_SMOKE=1) and prints one final JSON line with every figure', () => {
  // The JSON line must be the very last line of everything it wrote.
  const { status, output, result } = runBenchSmoke('data', 120_000);
  expect(output).not.toMatch(/bench:data failed/);
  expect(status).toBe(0);
  for (const key of ['arrow_vs_json', 'arrow_vs_loopback', 'first_batch_ms', 'batches_peak_rss_mb', 'arrow_vs_csv'])
    expect(typeof result![key]).toBe('number');
  expect(result).toMatchObject({ bench: 'data', smoke: true, rows: 200_000, batches_rows: 2_000_000 });
  expect(output).toMatch(/Arrow data path/);
}, 150_000);
