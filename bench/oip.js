#!/usr/bin/env node
'use strict';
/**
 * npm run bench:oip — the platform's predict against Seldon MLServer's own JSON REST path, from
 * the same client (this Node process, fetch), on the same fitted model: a seeded scikit-learn
 * Ridge (platform/test/models/support/train_oip_model.py) served by a real MLServer from its
 * joblib file, and registered in a real platform process (`genesis serve`) from its ONNX export.
 *
 * Arms, alternated call by call (A B C A B C ...), ROWS rows per call, REPS calls per arm:
 *   mlserver_json     POST MLServer /v2/models/plane/infer, JSON tensors (the baseline)
 *   platform_predict  POST the platform's /api/models/.../predict, Arrow IPC in and out
 *   platform_v2_json  POST the platform's own /v2/models/test~plane/infer, the same JSON body
 *                     as the MLServer arm (same protocol, so the fairest pair)
 * Every answer is checked against the first one's values (all arms compute the same plane), so a
 * fast wrong answer cannot win. Reports rows/s median and spread (min..max) per arm.
 *
 * Ends with ONE JSON line with `targets`: predict_vs_mlserver_json (platform_predict rows/s over
 * mlserver_json rows/s; the issue asks for it reported, target >= 1 recorded as aspiration) and
 * v2_json_vs_mlserver_json. GENESIS_BENCH_SMOKE=1: 2,000 rows, 3 calls per arm.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, logger, requireBuilt } = require('./support/run');
const { median, round } = require('./support/stats');

const SMOKE = process.env.GENESIS_BENCH_SMOKE === '1';
const DEFAULT_ROWS = Number(process.env.GENESIS_BENCH_OIP_ROWS || (SMOKE ? 2000 : 100_000));
const DEFAULT_REPS = Number(process.env.GENESIS_BENCH_OIP_REPS || (SMOKE ? 3 : 9));
requireBuilt('oip', ['contract/dist/index.js', 'test-support/dist/index.js']);
const ts = require(path.join(ROOT, 'test-support/dist/index.js'));
const arrow = require('apache-arrow');

const log = logger('oip');

function rowsOf(n) {
  // Deterministic inputs spread over the training range.
  const x0 = new Float64Array(n);
  const x1 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x0[i] = ((i * 7919) % 2001) / 100 - 10;
    x1[i] = ((i * 104729) % 2001) / 100 - 10;
  }
  return { x0, x1 };
}

function jsonBody({ x0, x1 }) {
  const data = new Array(x0.length * 2);
  for (let i = 0; i < x0.length; i++) {
    data[2 * i] = x0[i];
    data[2 * i + 1] = x1[i];
  }
  return JSON.stringify({ inputs: [{ name: 'x', shape: [x0.length, 2], datatype: 'FP64', data }] });
}

function arrowBody({ x0, x1 }) {
  const table = new arrow.Table({ x0: arrow.makeVector(x0), x1: arrow.makeVector(x1) });
  return arrow.tableToIPC(table, 'stream');
}

async function timed(fn) {
  const t0 = performance.now();
  const values = await fn();
  return { ms: performance.now() - t0, values };
}

function sameValues(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 1e-9 * Math.max(1, Math.abs(a[i]))) return false;
  return true;
}

/**
 * Run the three arms and answer the result object (the JSON line). bench/models.js calls this too,
 * for its predict_vs_mlserver_json figure; `npm run bench:oip` prints it.
 */
async function measureOip({ rows: ROWS, reps: REPS } = { rows: DEFAULT_ROWS, reps: DEFAULT_REPS }) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-bench-oip-'));
  const stops = [];
  try {
    log(`training the model (seed 7) in ${work}`);
    const model = ts.trainPlaneModel(work);
    const mls = await ts.startMlserver([
      {
        name: 'plane',
        joblibPath: model.joblibPath,
        inputs: [{ name: 'x', datatype: 'FP64', shape: [-1, 2] }],
        outputs: [{ name: 'predict', datatype: 'FP64', shape: [-1, 1] }]
      }
    ]);
    stops.push(() => mls.stop());
    log(`MLServer at ${mls.url}`);
    const platform = await ts.startPlatformProcess({ echoStderr: true });
    stops.push(() => platform.stop());
    await ts.publishPlaneModel(platform, model);
    const served = {
      id: 'test/plane',
      oipName: 'test~plane',
      predictPath: '/api/models/test/plane/versions/latest/predict'
    };
    log(`platform at ${platform.url} serving ${served.id}`);

    const input = rowsOf(ROWS);
    const json = jsonBody(input);
    const ipc = arrowBody(input);
    const auth = { authorization: `Bearer ${platform.token}` };
    const arms = {
      mlserver_json: async () => {
        const r = await fetch(`${mls.url}/v2/models/plane/infer`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: json
        });
        if (!r.ok) throw new Error(`MLServer infer: ${r.status} ${await r.text()}`);
        return (await r.json()).outputs[0].data.flat();
      },
      platform_predict: async () => {
        const r = await fetch(`${platform.url}${served.predictPath}`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/vnd.apache.arrow.stream' },
          body: ipc
        });
        if (!r.ok) throw new Error(`platform predict: ${r.status} ${await r.text()}`);
        const t = arrow.tableFromIPC(new Uint8Array(await r.arrayBuffer()));
        return Array.from(t.getChildAt(0).toArray());
      },
      platform_v2_json: async () => {
        const r = await fetch(`${platform.url}/v2/models/${served.oipName}/infer`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: json
        });
        if (!r.ok) throw new Error(`platform /v2 infer: ${r.status} ${await r.text()}`);
        return (await r.json()).outputs[0].data.flat();
      }
    };
    // One warm-up call per arm (model load, JIT), not measured; its answer is the reference. An arm
    // that fails here is reported as null with its error, never dropped silently.
    const broken = {};
    let reference;
    for (const n of Object.keys(arms)) {
      let v;
      try {
        v = await arms[n]();
      } catch (err) {
        broken[n] = `${err.message}${err.cause ? ` (${err.cause.message})` : ''}`;
        log(`${n} fails: ${broken[n]}`);
        continue;
      }
      reference ??= v;
      if (!sameValues(reference, v)) throw new Error(`${n} answers other values than the first arm`);
    }
    const names = Object.keys(arms).filter((n) => !(n in broken));
    const ms = Object.fromEntries(names.map((n) => [n, []]));
    for (let rep = 0; rep < REPS; rep++) {
      for (const n of names) {
        const { ms: t, values } = await timed(arms[n]);
        if (!sameValues(reference, values)) throw new Error(`${n} answered other values in call ${rep}`);
        ms[n].push(t);
      }
      log(`call ${rep + 1}/${REPS}: ${names.map((n) => `${n} ${ms[n][rep].toFixed(0)} ms`).join(', ')}`);
    }
    const rate = (n) => (n in broken ? null : ROWS / (median(ms[n]) / 1000));
    const figures = Object.fromEntries(
      Object.keys(arms).map((n) => [
        n,
        n in broken
          ? { rows_per_s: null, error: broken[n] }
          : {
              rows_per_s: round(rate(n), 0),
              ms_median: round(median(ms[n]), 1),
              ms_min: round(Math.min(...ms[n]), 1),
              ms_max: round(Math.max(...ms[n]), 1)
            }
      ])
    );
    const ratio = (n) => (rate(n) === null ? null : rate(n) / rate('mlserver_json'));
    const predictRatio = ratio('platform_predict');
    const v2Ratio = ratio('platform_v2_json');
    const result = {
      bench: 'oip',
      rows_per_call: ROWS,
      calls_per_arm: REPS,
      arms: figures,
      targets: {
        predict_vs_mlserver_json: {
          value: round(predictRatio, 2),
          target: '>= 1 (reported)',
          met: predictRatio !== null && predictRatio >= 1
        },
        v2_json_vs_mlserver_json: {
          value: round(v2Ratio, 2),
          target: '>= 1 (reported)',
          met: v2Ratio !== null && v2Ratio >= 1
        }
      }
    };
    return result;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    fs.rmSync(work, { recursive: true, force: true });
    ts.removeTempDirs();
  }
}

module.exports = { measureOip };

if (require.main === module)
  measureOip().then(
    (result) => console.log(JSON.stringify(result)),
    (err) => {
      console.error(err);
      process.exit(1);
    }
  );
