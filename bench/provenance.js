#!/usr/bin/env node
'use strict';
/**
 * npm run bench:provenance — the provenance store against a real platform process (`genesis
 * serve`, its home on disk: every acknowledged batch is fsynced, synchronous=FULL).
 *
 *  1. capture_overhead_p95_ms: record ONE cell execution (POST /api/provenance/executions, a
 *     typical capture: code, two outputs, a dataset use), round trip from a keep-alive client,
 *     p95. Baseline in the same run, alternating request by request: GET /api/health, the same
 *     HTTP + auth path doing no work; and the floor durability sets: one fsynced SQLite commit
 *     (WAL, synchronous=FULL, as the platform) of one row on the same disk, in this process.
 *     The value is the round trip itself (it includes HTTP); `capture_overhead_minus_http_p95_ms`
 *     is the difference of the p95s; `capture_store_cpu_p95_ms` is the platform's own work for one
 *     execution in this process (zod validation + the store's transaction, disk sync off). The browser side is measured by the extension's bench later.
 *  2. lineage_query_ms: a store of 10,000 executions (100 runs x 100 cells, a dataset use every
 *     10th cell, a job in every run), "what produced this?" for the last output of a random run
 *     (the whole run's kernel order is upstream: ~100 executions, their code, data and job),
 *     p95 over alternating queries; baseline: GET /api/health again.
 *  3. export_500_cells_ms (reported): the RO-Crate zip of a 500-cell run with its dataset data;
 *     baseline in the same run, alternating: GET of the same run as JSON (the same rows read).
 *  4. reproduce_vs_plain_execute: `genesis reproduce` of a recorded 50-cell tslab notebook (a
 *     job on the local facility: pinned, re-executed, recorded, compared) against a plain
 *     `jupyter execute` of it, alternating; and runner_vs_plain_execute, the runner alone against
 *     the same (bench/support/reproduce.js).
 *
 * Ends with ONE JSON line whose `targets` gives value, target and met for every target.
 * GENESIS_BENCH_SMOKE=1: small sizes (seconds); the figures are then not the real ones.
 */
const { execFileSync } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, logger, requireBuilt } = require('./support/run');
const { startPlatformProcess } = require(path.join(ROOT, 'test-support/dist/index.js'));
const { reproduceFigures } = require('./support/reproduce');
const { median, percentile, round } = require('./support/stats');
const { target } = require('./support/targets');

requireBuilt('provenance', [
  'contract/dist/index.js',
  'platform/dist/index.js',
  'cli/dist/main.js',
  'runner/dist/index.js'
]);
const { LINEAGE_MIME_TYPE, captureOutputs, sha256Hex } = require(path.join(ROOT, 'contract/dist/index.js'));

const Database = require(path.join(ROOT, 'node_modules/better-sqlite3'));
const { Home, openProvenance } = require(path.join(ROOT, 'platform/dist/index.js'));
const { ExecutionBatch } = require(path.join(ROOT, 'contract/dist/index.js'));

const SMOKE = process.env.GENESIS_BENCH_SMOKE === '1';
const CAPTURES = SMOKE ? 40 : 1000;
const RUNS = SMOKE ? 4 : 100;
const CELLS = SMOKE ? 25 : 100;
const QUERIES = SMOKE ? 20 : 300;
const EXPORT_CELLS = SMOKE ? 50 : 500;
const EXPORTS = SMOKE ? 2 : 7;
const REPRODUCE_CELLS = SMOKE ? 10 : 50;
const REPRODUCE_ROUNDS = SMOKE ? 1 : 5;
const log = logger('provenance');

let clock = Date.parse('2026-12-01T10:00:00.000Z');
function capture(runId, notebookId, cellIndex, count, dataset) {
  const code = `const r${cellIndex} = await step(${cellIndex}); // ${runId.slice(0, 8)}`;
  const lineage = dataset
    ? [
        {
          schemaVersion: 1,
          at: new Date(clock).toISOString(),
          kind: 'dataset',
          ref: dataset.id,
          ...dataset,
          rowCount: 3,
          mode: 'table'
        }
      ]
    : [];
  const outputs = [
    {
      output_type: 'stream',
      name: 'stdout',
      text: `step ${cellIndex} of run ${runId}: ${(cellIndex * 1.5).toFixed(3)}\n`
    },
    {
      output_type: 'display_data',
      data: { 'text/html': `<b>${cellIndex}</b> ${runId}`, 'text/plain': `${cellIndex}` },
      metadata: {}
    },
    ...lineage.map((r) => ({
      output_type: 'display_data',
      data: { [LINEAGE_MIME_TYPE]: r, 'text/plain': 'lineage' },
      metadata: {}
    }))
  ];
  const start = new Date((clock += 1000)).toISOString();
  const end = new Date((clock += 120)).toISOString();
  return {
    schemaVersion: 1,
    executionId: randomUUID(),
    runId,
    notebook: { id: notebookId, path: 'bench.ipynb' },
    cellId: `cell-${cellIndex}`,
    cellIndex,
    code,
    codeSha256: sha256Hex(code),
    executionCount: count,
    startedAt: start,
    endedAt: end,
    success: true,
    outputs: captureOutputs(outputs),
    environment: {
      kernel: { name: 'tslab', displayName: 'TypeScript', language: 'typescript', version: '1.0.22' },
      helperVersion: '0.1.0',
      client: { name: 'runner', version: '0.1.0' }
    },
    user: 'bench',
    lineage
  };
}

function runOf(n, dataset) {
  const runId = randomUUID();
  const notebookId = randomUUID();
  return Array.from({ length: n }, (_, i) => capture(runId, notebookId, i, i + 1, i % 10 === 0 ? dataset : undefined));
}

async function main() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-bench-prov-'));
  const csv = path.join(home, 'co2.csv');
  fs.writeFileSync(csv, 'year,ppm\n2020,412.1\n2021,414.7\n2022,417.1\n');
  const meta = path.join(home, 'meta.json');
  fs.writeFileSync(meta, JSON.stringify({ title: 'Bench CO2', description: 'Three rows', license: 'CC0-1.0' }));
  const out = execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'cli/bin/genesis.js'),
      'ingest',
      csv,
      '--id',
      'bench/co2',
      '--meta',
      meta,
      '--home',
      home,
      '--json'
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, GENESIS_URL: '', GENESIS_TOKEN: '' }
    }
  );
  const v = JSON.parse(out).version;
  const dataset = { id: 'bench/co2', version: v.version, sha256: v.sha256 };
  const platform = await startPlatformProcess({ home });
  const auth = { authorization: `Bearer ${platform.token}` };
  const post = async (body) => {
    const r = await fetch(`${platform.url}/api/provenance/executions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body)
    });
    if (r.status !== 200) throw new Error(`record answered ${r.status}: ${await r.text()}`);
    return r.json();
  };
  const get = async (p) => {
    const r = await fetch(`${platform.url}${p}`, { headers: auth });
    if (r.status !== 200) throw new Error(`GET ${p} answered ${r.status}: ${await r.text()}`);
    return Buffer.from(await r.arrayBuffer());
  };
  const timed = async (fn) => {
    const t0 = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const result = { bench: 'provenance', smoke: SMOKE };
  try {
    // 1. Capture overhead: one execution per request, alternating with the baseline.
    const bodies = Array.from({ length: CAPTURES + 10 }, () => ({
      executions: [capture(randomUUID(), randomUUID(), 0, 1, dataset)]
    }));
    const record = [];
    const health = [];
    const commit = [];
    const floor = new Database(path.join(home, 'fsync-floor.db'));
    floor.pragma('journal_mode = WAL');
    floor.pragma('synchronous = FULL');
    floor.exec('CREATE TABLE t (v TEXT)');
    const insert = floor.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < bodies.length; i++) {
      const r = await timed(() => post(bodies[i]));
      const h = await timed(() => get('/api/health'));
      const c = await timed(async () => floor.transaction(() => insert.run(JSON.stringify(bodies[i]))).immediate());
      // The first ten warm the JIT and the connection.
      if (i >= 10) {
        record.push(r);
        health.push(h);
        commit.push(c);
      }
    }
    floor.close();
    // The platform's own work per execution, without HTTP and fsync: validate + record in-process.
    const cpuHome = new Home(fs.mkdtempSync(path.join(home, 'cpu-')));
    const { store, close } = openProvenance(cpuHome);
    store.db.pragma('synchronous = OFF');
    const cpu = [];
    for (let i = 0; i < bodies.length; i++) {
      const body = { executions: [capture(randomUUID(), randomUUID(), 0, 1, dataset)] };
      const t = await timed(async () =>
        store.recordExecutions(ExecutionBatch.parse(JSON.parse(JSON.stringify(body))).executions)
      );
      if (i >= 10) cpu.push(t);
    }
    close();
    result.capture_store_cpu_p50_ms = round(median(cpu), 3);
    result.capture_store_cpu_p95_ms = round(percentile(cpu, 95), 3);
    result.capture_fsync_commit_p95_ms = round(percentile(commit, 95), 3);
    result.capture_fsync_commit_p50_ms = round(median(commit), 3);
    result.capture_record_p50_ms = round(median(record), 3);
    result.capture_overhead_p95_ms = round(percentile(record, 95), 3);
    result.capture_http_baseline_p50_ms = round(median(health), 3);
    result.capture_http_baseline_p95_ms = round(percentile(health, 95), 3);
    result.capture_overhead_minus_http_p95_ms = round(percentile(record, 95) - percentile(health, 95), 3);
    result.captures = record.length;
    log(
      `record one execution: p50 ${result.capture_record_p50_ms} ms, p95 ${result.capture_overhead_p95_ms} ms; GET /api/health p95 ${result.capture_http_baseline_p95_ms} ms`
    );

    // 2. Lineage in a store of RUNS x CELLS executions.
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      const cells = runOf(CELLS, dataset);
      for (let i = 0; i < cells.length; i += 500) await post({ executions: cells.slice(i, i + 500) });
      runs.push(cells);
    }
    result.store_executions = RUNS * CELLS + record.length + 10;
    log(`store filled: ${result.store_executions} executions`);
    const lineage = [];
    const base = [];
    let nodes = 0;
    for (let q = 0; q < QUERIES + 5; q++) {
      const cells = runs[q % runs.length];
      const last = cells[cells.length - 1];
      let body;
      const t = await timed(
        async () => (body = await get(`/api/provenance/lineage?output=${last.outputs[0].sha256}&maxNodes=20000`))
      );
      const h = await timed(() => get('/api/health'));
      if (q >= 5) {
        lineage.push(t);
        base.push(h);
      }
      nodes = JSON.parse(body).nodes.length;
    }
    result.lineage_query_p50_ms = round(median(lineage), 2);
    result.lineage_query_ms = round(percentile(lineage, 95), 2);
    result.lineage_http_baseline_p95_ms = round(percentile(base, 95), 3);
    result.lineage_graph_nodes = nodes;
    log(
      `lineage of an output: p50 ${result.lineage_query_p50_ms} ms, p95 ${result.lineage_query_ms} ms, ${nodes} nodes`
    );

    // 3. Export of a 500-cell run, alternating with reading the same run as JSON.
    const big = runOf(EXPORT_CELLS, dataset);
    for (let i = 0; i < big.length; i += 500) await post({ executions: big.slice(i, i + 500) });
    const runId = big[0].runId;
    const exports = [];
    const reads = [];
    let crateBytes = 0;
    for (let i = 0; i < EXPORTS + 1; i++) {
      let zip;
      const e = await timed(async () => (zip = await get(`/api/provenance/runs/${runId}/crate`)));
      const r = await timed(() => get(`/api/provenance/runs/${runId}`));
      if (i >= 1) {
        exports.push(e);
        reads.push(r);
      }
      crateBytes = zip.length;
    }
    result.export_500_cells_ms = round(median(exports), 1);
    result.export_500_cells_spread_ms = [round(Math.min(...exports), 1), round(Math.max(...exports), 1)];
    result.export_baseline_run_json_ms = round(median(reads), 1);
    result.export_crate_bytes = crateBytes;
    result.export_cells = EXPORT_CELLS;
    log(
      `crate of ${EXPORT_CELLS} cells: median ${result.export_500_cells_ms} ms (${crateBytes} bytes); the run as JSON ${result.export_baseline_run_json_ms} ms`
    );

    Object.assign(
      result,
      await reproduceFigures({
        url: platform.url,
        token: platform.token,
        cells: REPRODUCE_CELLS,
        rounds: REPRODUCE_ROUNDS,
        log
      })
    );
    log(
      `reproduce of ${REPRODUCE_CELLS} cells: median ${result.reproduce_ms} ms vs jupyter execute ${result.plain_execute_ms} ms (x${result.reproduce_vs_plain_execute}); the runner alone ${result.runner_ms} ms (x${result.runner_vs_plain_execute})`
    );
  } finally {
    await platform.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
  result.targets = {
    capture_overhead_p95_ms: target(result.capture_overhead_p95_ms, '<=', 2),
    lineage_query_ms: target(result.lineage_query_ms, '<=', 50),
    reproduce_vs_plain_execute: target(result.reproduce_vs_plain_execute, '<=', 1.3)
  };
  const ok = (name, t) =>
    `${t.met === null ? 'n/a ' : t.met ? 'met ' : 'MISS'}  ${name}: ${t.value} (target ${t.target})`;
  console.log(
    [
      `Provenance store${SMOKE ? ' (SMOKE sizes: not the real figures)' : ''}`,
      `  record one execution  p95 ${result.capture_overhead_p95_ms} ms (GET /api/health p95 ${result.capture_http_baseline_p95_ms} ms: ${result.capture_overhead_minus_http_p95_ms} ms above HTTP; one fsynced commit p95 ${result.capture_fsync_commit_p95_ms} ms; in-process validate + store p95 ${result.capture_store_cpu_p95_ms} ms)`,
      `  lineage of an output  p95 ${result.lineage_query_ms} ms in ${result.store_executions} executions (${result.lineage_graph_nodes} nodes)`,
      `  crate of ${result.export_cells} cells   ${result.export_500_cells_ms} ms (run as JSON: ${result.export_baseline_run_json_ms} ms)`,
      `  reproduce ${result.reproduce_cells} cells  ${result.reproduce_ms} ms ${JSON.stringify(result.reproduce_spread_ms)} vs jupyter execute ${result.plain_execute_ms} ms ${JSON.stringify(result.plain_execute_spread_ms)}; runner alone ${result.runner_ms} ms ${JSON.stringify(result.runner_spread_ms)}`,
      ...Object.entries(result.targets).map(([k, t]) => ok(k, t))
    ].join('\n')
  );
  // The very last output: nothing comes after it.
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench:provenance failed: ${err.stack || err}`);
    process.exit(1);
  }
);
