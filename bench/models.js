#!/usr/bin/env node
'use strict';
/**
 * npm run bench:models — the onnx runtime behind the platform's predict, against a real platform
 * process (`genesis serve`) holding the example model climate/co2-trend (platform/seed/models).
 *
 *  1. predict_vs_direct: rows per second for a 1M-row table through `genesis.model(...).predict`
 *     (the kernel helpers: Arrow IPC over HTTP, the platform's signature check and batching, the
 *     model in a worker thread) against calling onnxruntime-node directly in this process on the
 *     same rows (one InferenceSession, the same float64 [n, 2] tensor). Arms alternate, ROUNDS rounds.
 *  2. single_row_overhead_p95_ms: p95 latency of a 1-row predict through the platform minus the
 *     p95 of the same 1-row session.run done directly (the runtime's own time). Calls alternate.
 *  3. event_loop_delay_p99_ms: the platform process's own event-loop delay (perf_hooks'
 *     monitorEventLoopDelay, preloaded by bench/support/loop-delay.js) p99 while a large predict
 *     runs, beside the same figure over an idle stretch of the same length (reported). /api/health
 *     is also asked every 10 ms from here during both (health_*_p99_ms, reported): that response
 *     time adds this process's event loop, which decodes the answer, and the machine's scheduling.
 * `predict_vs_mlserver_json` comes from bench/oip.js (measureOip: the platform's predict against a real
 * MLServer's JSON REST path, same client, same fit, alternated calls); null with the reason when MLServer
 * is not installed (an error when GENESIS_REQUIRE_SERVICES=1).
 *
 * Ends with ONE JSON line with `targets`. GENESIS_BENCH_SMOKE=1: 20k rows, 1 round, 30 single calls.
 */
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT, logger, requireBuilt } = require('./support/run');
const { median, percentile, round } = require('./support/stats');

const SMOKE = process.env.GENESIS_BENCH_SMOKE === '1';
const ROWS = Number(process.env.GENESIS_BENCH_MODEL_ROWS || (SMOKE ? 20_000 : 1_000_000));
const ROUNDS = SMOKE ? 1 : 3;
const SINGLE = SMOKE ? 30 : 300;
requireBuilt('models', ['kernel-helpers/dist/index.js', 'test-support/dist/index.js', 'platform/dist/index.js']);
const { exampleIngestArgs, startPlatformProcess, tempHome } = require(path.join(ROOT, 'test-support/dist/index.js'));
const ort = require(require.resolve('onnxruntime-node', { paths: [path.join(ROOT, 'platform')] }));
const { tableFromArrays } = require('apache-arrow');

const log = logger('models');
const LOOP_DELAY_FILE = path.join(require('node:os').tmpdir(), `genesis-bench-models-loop-${process.pid}.json`);
const EXAMPLE = path.join(ROOT, 'platform/seed/models/co2-trend');
const GENESIS = path.join(ROOT, 'cli/bin/genesis.js');

function cli(args) {
  execFileSync(process.execPath, [GENESIS, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

function inputs(n) {
  const year = new Float64Array(n);
  const month = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    month[i] = (i % 12) + 1;
    year[i] = 1960 + (i % 720) / 12 + 0.5 / 12;
  }
  return { year, month };
}

async function direct(session, year, month) {
  const n = year.length;
  const x = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    x[2 * i] = year[i];
    x[2 * i + 1] = month[i];
  }
  const out = await session.run({ x: new ort.Tensor('float64', x, [n, 2]) });
  return out.variable.data;
}

async function main() {
  const home = tempHome('genesis-bench-models-');
  cli([...exampleIngestArgs(home, 'noaa-mauna-loa-co2'), '--progress', 'none']);
  cli([
    'models',
    'register',
    EXAMPLE,
    '--id',
    'climate/co2-trend',
    '--card',
    path.join(EXAMPLE, 'card.json'),
    '--home',
    home
  ]);
  const p = await startPlatformProcess({
    home,
    env: {
      GENESIS_LOOP_DELAY_FILE: LOOP_DELAY_FILE,
      NODE_OPTIONS:
        `${process.env.NODE_OPTIONS || ''} --require ${path.join(__dirname, 'support/loop-delay.js')}`.trim()
    }
  });
  // The platform's loop-delay histogram since the last call (and reset it).
  let loopSeq = 0;
  const loopDelay = async () => {
    process.kill(p.proc.pid, 'SIGUSR2');
    for (const until = Date.now() + 5000; Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 20));
      try {
        const d = JSON.parse(require('node:fs').readFileSync(LOOP_DELAY_FILE, 'utf8'));
        if (d.seq > loopSeq) return ((loopSeq = d.seq), d);
      } catch {
        /* not written yet */
      }
    }
    throw new Error('the platform did not report its event-loop delay (bench/support/loop-delay.js not preloaded?)');
  };
  try {
    const { Genesis } = require(path.join(ROOT, 'kernel-helpers/dist/index.js'));
    const g = new Genesis({ url: p.url, token: p.token }).configure({ notebook: false });
    const model = g.model('climate/co2-trend');
    const session = await ort.InferenceSession.create(path.join(EXAMPLE, 'model.onnx'), {
      executionMode: 'sequential'
    });
    const { year, month } = inputs(ROWS);
    const table = tableFromArrays({ decimal_year: year, month });

    // Warm both (session load in the platform's worker, JIT).
    await model.predict(table.slice(0, 1000));
    await direct(session, year.subarray(0, 1000), month.subarray(0, 1000));

    log(`1. ${ROWS.toLocaleString('en-US')} rows, ${ROUNDS} rounds, arms alternated`);
    const viaPlatform = [];
    const viaDirect = [];
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? ['platform', 'direct'] : ['direct', 'platform'];
      for (const arm of order) {
        const t0 = performance.now();
        if (arm === 'platform') {
          const out = await model.predict(table);
          if (out.numRows !== ROWS) throw new Error(`predict answered ${out.numRows} rows`);
          viaPlatform.push(ROWS / ((performance.now() - t0) / 1000));
        } else {
          const out = await direct(session, year, month);
          if (out.length !== ROWS) throw new Error(`direct answered ${out.length} rows`);
          viaDirect.push(ROWS / ((performance.now() - t0) / 1000));
        }
      }
      log(`  round ${r + 1}: platform ${round(viaPlatform[r], 0)} rows/s, direct ${round(viaDirect[r], 0)} rows/s`);
    }
    const ratios = viaPlatform.map((v, i) => v / viaDirect[i]);

    log(`2. ${SINGLE} single-row calls per arm, alternated`);
    const one = tableFromArrays({ decimal_year: Float64Array.of(2015.04), month: Float64Array.of(1) });
    const oneHttp = [];
    const oneDirect = [];
    for (let i = 0; i < SINGLE; i++) {
      let t0 = performance.now();
      await model.predict(one);
      oneHttp.push(performance.now() - t0);
      t0 = performance.now();
      await direct(session, Float64Array.of(2015.04), Float64Array.of(1));
      oneDirect.push(performance.now() - t0);
    }

    log('3. health probe every 10 ms, idle and during a large predict');
    const probe = async (whileRunning) => {
      const times = [];
      let running = true;
      const work = whileRunning ? whileRunning().finally(() => (running = false)) : null;
      const until = Date.now() + (SMOKE ? 500 : 3000);
      while (whileRunning ? running : Date.now() < until) {
        const t0 = performance.now();
        await fetch(`${p.url}/api/health`);
        times.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 10));
      }
      await work;
      return times;
    };
    await loopDelay();
    const idle = await probe();
    const loopIdle = await loopDelay();
    const busy = await probe(() => model.predict(table));
    const loopBusy = await loopDelay();
    const oip = await mlserverFigure();

    const result = {
      bench: 'models',
      smoke: SMOKE,
      rows: ROWS,
      rounds: ROUNDS,
      predict_rows_per_s: round(median(viaPlatform), 0),
      direct_rows_per_s: round(median(viaDirect), 0),
      predict_vs_direct: round(median(ratios), 3),
      predict_vs_direct_spread: [round(Math.min(...ratios), 3), round(Math.max(...ratios), 3)],
      predict_vs_mlserver_json: oip.ratio,
      ...(oip.why ? { predict_vs_mlserver_json_missing: oip.why } : { mlserver: oip.arms }),
      single_row_p95_ms: round(percentile(oneHttp, 95), 2),
      single_row_direct_p95_ms: round(percentile(oneDirect, 95), 3),
      single_row_overhead_p95_ms: round(percentile(oneHttp, 95) - percentile(oneDirect, 95), 2),
      single_row_median_ms: round(median(oneHttp), 2),
      event_loop_delay_p99_ms: loopBusy.p99,
      event_loop_delay_max_ms: loopBusy.max,
      event_loop_delay_idle_p99_ms: loopIdle.p99,
      health_during_predict_p99_ms: round(percentile(busy, 99), 1),
      health_probes_during_predict: busy.length,
      health_idle_p99_ms: round(percentile(idle, 99), 1)
    };
    const t = (value, target, ok) => ({ value, target, met: ok });
    result.targets = {
      predict_vs_direct: t(result.predict_vs_direct, '>= 0.8', result.predict_vs_direct >= 0.8),
      single_row_overhead_p95_ms: t(result.single_row_overhead_p95_ms, '<= 5', result.single_row_overhead_p95_ms <= 5),
      event_loop_delay_p99_ms: t(result.event_loop_delay_p99_ms, '<= 20', result.event_loop_delay_p99_ms <= 20),
      predict_vs_mlserver_json: t(result.predict_vs_mlserver_json, 'reported', result.predict_vs_mlserver_json !== null)
    };
    for (const [name, x] of Object.entries(result.targets))
      log(`${x.met ? 'met ' : 'MISS'}  ${name} = ${x.value} (target ${x.target})`);
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await p.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/** predict_vs_mlserver_json from bench/oip.js, or null with the reason MLServer is missing. */
async function mlserverFigure() {
  const ts = require(path.join(ROOT, 'test-support/dist/index.js'));
  const have = ts.mlserverInstalled();
  if (!have.ok) {
    if (process.env.GENESIS_REQUIRE_SERVICES === '1') throw new Error(`MLServer is required: ${have.why}`);
    return { ratio: null, why: have.why };
  }
  const r = await require('./oip').measureOip({ rows: SMOKE ? 2000 : 100_000, reps: SMOKE ? 3 : 9 });
  return { ratio: r.targets.predict_vs_mlserver_json.value, arms: r.arms };
}
