#!/usr/bin/env node
'use strict';
/**
 * npm run bench:data — the Arrow data path, end to end, against a real platform process
 * (`genesis serve` on its own temp home), through the kernel helpers (built dist).
 *
 * Datasets are published through the catalog's own API (CatalogService.publish with generated
 * record batches): a 10-million-row table of four float64 columns, and a ~2 GB table of the same
 * shape for the memory figure.
 *
 *  1. Arrow: `genesis.dataset(..).table()` of the 10M rows (median of runs).
 *  2. JSON baseline: the same rows from the JSON export, parsed as they stream (line batches
 *     through JSON.parse) into float64 columns: the best a JSON client can do.
 *  3. CSV: the same rows from the CSV export, parsed with csv-parse into float64 columns.
 *  4. Loopback limit: the Arrow response's byte count sent over a plain TCP socket by another
 *     process (like the platform) and discarded by this one.
 *  5. First batch: from calling `.batches()` to holding the first record batch (median).
 *  6. Peak RSS of a child process iterating `.batches()` over the ~2 GB table (the kernel's VmHWM).
 *
 * Targets: arrow_vs_json >= 15, arrow_vs_loopback >= 0.6, first_batch_ms <= 50,
 * batches_peak_rss_mb <= 256. Prints a summary, then ONE final JSON line.
 * GENESIS_BENCH_SMOKE=1: tiny sizes (seconds), same code paths.
 */
const { spawn, fork } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { StringDecoder } = require('node:string_decoder');

const { ROOT, logger, requireBuilt } = require('./support/run');
const { round } = require('./support/stats');

const SMOKE = process.env.GENESIS_BENCH_SMOKE === '1';
const ROWS = Number(process.env.GENESIS_BENCH_ROWS || (SMOKE ? 200_000 : 10_000_000));
const BIG_ROWS = Number(process.env.GENESIS_BENCH_BIG_ROWS || (SMOKE ? 2_000_000 : 2 ** 26)); // 2^26 x 32 B = 2 GiB
const COLUMNS = 4;
const RUNS = SMOKE ? 1 : 5;
const FIRST_BATCH_RUNS = SMOKE ? 3 : 9;
const BATCH_ROWS = 65_536;

requireBuilt('data', [
  'platform/dist/catalog/sqlite-catalog.js',
  'kernel-helpers/dist/index.js',
  'test-support/dist/index.js',
  'contract/dist/index.js'
]);
const { startPlatformProcess } = require(path.join(ROOT, 'test-support/dist/index.js'));

const log = logger('data');
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

if (process.argv[2] === '--rss-child') return rssChild();
if (process.argv[2] === '--loopback-sender') return sendLoopback(Number(process.argv[3]));

/** Generated float64 batches, one at a time (never the whole table in memory). */
function* batches(arrow, schema, rows) {
  for (let start = 0; start < rows; start += BATCH_ROWS) {
    const n = Math.min(BATCH_ROWS, rows - start);
    const children = [];
    for (let c = 0; c < COLUMNS; c++) {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = ((start + i) * (c + 3)) / 8 + c;
      children.push(arrow.makeData({ type: new arrow.Float64(), length: n, nullCount: 0, data: a }));
    }
    yield new arrow.RecordBatch(
      schema,
      arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children })
    );
  }
}

async function publishDatasets(home) {
  const arrow = require(path.join(ROOT, 'node_modules/apache-arrow'));
  const { SqliteCatalog } = require(path.join(ROOT, 'platform/dist/catalog/sqlite-catalog.js'));
  const { Home } = require(path.join(ROOT, 'platform/dist/home.js'));
  const schema = new arrow.Schema(
    Array.from({ length: COLUMNS }, (_, c) => new arrow.Field(`x${c}`, new arrow.Float64(), false))
  );
  const catalog = SqliteCatalog.open(new Home(home));
  try {
    for (const [id, rows] of [
      ['bench/rows', ROWS],
      ['bench/big', BIG_ROWS]
    ]) {
      const t = now();
      const r = await catalog.publish({
        id,
        version: '1',
        metadata: { title: `Benchmark table ${id}`, license: 'CC0-1.0' },
        sourceFormat: 'arrow',
        schema,
        batches: batches(arrow, schema, rows)
      });
      log(
        `published ${id}: ${r.version.rowCount.toLocaleString()} rows, ${(r.version.sizeBytes / 1e6).toFixed(0)} MB in ${((now() - t) / 1000).toFixed(1)} s`
      );
    }
  } finally {
    catalog.close();
  }
}

const agent = new http.Agent({ keepAlive: true });
function get(platform, pathAndQuery) {
  return new Promise((resolve, reject) => {
    http
      .get(
        `${platform.url}${pathAndQuery}`,
        { agent, headers: { authorization: `Bearer ${platform.token}`, 'accept-encoding': 'identity' } },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`${pathAndQuery}: HTTP ${res.statusCode}`));
          else resolve(res);
        }
      )
      .on('error', reject);
  });
}

/** Growable float64 columns, what a client needs to compute with the rows. */
class Columns {
  constructor(n) {
    this.cols = Array.from({ length: n }, () => new Float64Array(1 << 16));
    this.rows = 0;
  }
  push(values) {
    if (this.rows === this.cols[0].length)
      this.cols = this.cols.map((c) => {
        const d = new Float64Array(c.length * 2);
        d.set(c);
        return d;
      });
    for (let c = 0; c < values.length; c++) this.cols[c][this.rows] = values[c];
    this.rows++;
  }
}

async function pullJson(platform) {
  const res = await get(platform, '/api/datasets/bench/rows/versions/1/json');
  const decoder = new StringDecoder('utf8');
  const out = new Columns(COLUMNS);
  const keys = Array.from({ length: COLUMNS }, (_, c) => `x${c}`);
  let rest = '';
  let bytes = 0;
  const take = (text) => {
    const objs = [];
    for (const line of text.split('\n'))
      if (line.startsWith('{')) objs.push(line.endsWith(',') ? line.slice(0, -1) : line);
    if (!objs.length) return;
    for (const o of JSON.parse(`[${objs.join(',')}]`)) out.push(keys.map((k) => o[k]));
  };
  for await (const chunk of res) {
    bytes += chunk.length;
    const text = rest + decoder.write(chunk);
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      rest = text;
      continue;
    }
    rest = text.slice(cut + 1);
    take(text.slice(0, cut));
  }
  take(rest + decoder.end());
  return { rows: out.rows, bytes, check: out.cols[COLUMNS - 1][out.rows - 1] };
}

async function pullCsv(platform) {
  const { parse } = require(path.join(ROOT, 'node_modules/csv-parse'));
  const res = await get(platform, '/api/datasets/bench/rows/versions/1/csv');
  let bytes = 0;
  res.on('data', (c) => (bytes += c.length));
  const out = new Columns(COLUMNS);
  const parser = res.pipe(parse({ from_line: 2 }));
  for await (const record of parser) out.push(record.map(Number));
  return { rows: out.rows, bytes, check: out.cols[COLUMNS - 1][out.rows - 1] };
}

async function arrowBytes(platform) {
  const res = await get(platform, '/api/datasets/bench/rows/versions/1/arrow');
  let n = 0;
  for await (const c of res) n += c.length;
  return n;
}

/** Child: a plain TCP server that sends N bytes to whoever connects. */
function sendLoopback(bytes) {
  if (!(bytes > 0)) throw new Error('loopback sender: byte count missing');
  const chunk = Buffer.alloc(1 << 20, 0x5a);
  const server = net.createServer((socket) => {
    let left = bytes;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return socket.once('drain', pump);
      }
      socket.end();
    };
    pump();
  });
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
  process.on('disconnect', () => process.exit(0));
}

/** A sender process like the platform; `receive()` times one transfer of `bytes` into this process. */
async function startLoopbackSender(bytes) {
  const child = fork(__filename, ['--loopback-sender', String(bytes)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc']
  });
  const port = await new Promise((r) => child.once('message', r));
  return {
    async receive() {
      const t = now();
      const got = await new Promise((resolve, reject) => {
        let n = 0;
        const s = net.connect(port, '127.0.0.1');
        s.on('data', (d) => (n += d.length));
        s.on('end', () => resolve(n));
        s.on('error', reject);
      });
      if (got !== bytes) throw new Error(`loopback got ${got} of ${bytes} bytes`);
      return now() - t;
    },
    stop: () => child.disconnect()
  };
}

/** Child: iterate `.batches()` over the big table, touching every value, and report getrusage's peak RSS. */
async function rssChild() {
  const { Genesis } = require(path.join(ROOT, 'kernel-helpers/dist/index.js'));
  const g = new Genesis().configure({ display: false, progress: false });
  const t = now();
  let rows = 0;
  let sum = 0;
  let maxArrayBuffers = 0;
  for await (const batch of g.dataset('bench/big').batches()) {
    rows += batch.numRows;
    const x = batch.getChildAt(0).data[0].values;
    for (let i = 0; i < x.length; i += 64) sum += x[i];
    if (rows % (1 << 22) === 0) maxArrayBuffers = Math.max(maxArrayBuffers, process.memoryUsage().arrayBuffers);
  }
  // VmHWM: the kernel's peak RSS of this process image. (getrusage's maxrss would also count the
  // parent's pages this child had between fork and exec.)
  const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  process.stdout.write(
    JSON.stringify({
      rows,
      seconds: (now() - t) / 1000,
      maxRssKb: hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS,
      maxArrayBuffersMb: Math.round(maxArrayBuffers / 2 ** 20),
      sum
    }) + '\n'
  );
}

async function main() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-bench-data-'));
  log(
    `home ${home}; ${ROWS.toLocaleString()} rows x ${COLUMNS} float64 (+ ${BIG_ROWS.toLocaleString()} rows for memory)${SMOKE ? ' [smoke]' : ''}`
  );
  await publishDatasets(home);
  const platform = await startPlatformProcess({ home, echoStderr: true, timeoutMs: 30_000 });
  const env = { ...process.env, GENESIS_HOME: home, GENESIS_URL: '', GENESIS_TOKEN: '', GENESIS_RUNTIME_DIR: '' };
  Object.assign(process.env, { GENESIS_HOME: home, GENESIS_URL: '', GENESIS_TOKEN: '', GENESIS_RUNTIME_DIR: '' });
  let summary;
  let result;
  try {
    const { Genesis } = require(path.join(ROOT, 'kernel-helpers/dist/index.js'));
    const g = new Genesis().configure({ display: false, progress: false });
    const ds = g.dataset('bench/rows');
    await g.dataset('bench/rows').table({ limit: 1000 }); // warm up: connection, JIT

    // Arrow and the loopback limit alternate, run by run, so both see the same machine load.
    const bytes = await arrowBytes(platform);
    const sender = await startLoopbackSender(bytes);
    const arrowTimes = [];
    const streamTimes = [];
    const loopTimes = [];
    let arrowRows = 0;
    const last = ((ROWS - 1) * (COLUMNS - 1 + 3)) / 8 + COLUMNS - 1;
    try {
      for (let k = 0; k < RUNS; k++) {
        // A table in memory (what the JSON and CSV baselines also build)...
        let t = now();
        const table = await ds.table();
        arrowTimes.push(now() - t);
        arrowRows = table.numRows;
        if (table.getChildAt(COLUMNS - 1).get(arrowRows - 1) !== last)
          throw new Error('Arrow pull returned wrong values');
        // ...and the stream consumed as it arrives (what the loopback receiver also does).
        t = now();
        let streamed = 0;
        let tail;
        for await (const b of ds.batches()) {
          streamed += b.numRows;
          tail = b;
        }
        streamTimes.push(now() - t);
        if (streamed !== ROWS || tail.getChildAt(COLUMNS - 1).get(tail.numRows - 1) !== last)
          throw new Error('Arrow stream returned wrong values');
        loopTimes.push(await sender.receive());
      }
    } finally {
      sender.stop();
    }
    const arrowMs = median(arrowTimes);
    const streamMs = median(streamTimes);
    const loopMs = median(loopTimes);
    log(
      `arrow: ${arrowRows.toLocaleString()} rows, ${(bytes / 1e6).toFixed(0)} MB in ${arrowMs.toFixed(0)} ms (runs ${arrowTimes.map((x) => x.toFixed(0)).join(', ')})`
    );
    log(
      `arrow stream (.batches()): ${streamMs.toFixed(0)} ms (runs ${streamTimes.map((x) => x.toFixed(0)).join(', ')})`
    );
    log(
      `loopback: ${(bytes / 1e6).toFixed(0)} MB over TCP in ${loopMs.toFixed(0)} ms (runs ${loopTimes.map((x) => x.toFixed(0)).join(', ')})`
    );

    const firstTimes = [];
    for (let k = 0; k < FIRST_BATCH_RUNS; k++) {
      const t = now();
      const it = ds.batches()[Symbol.asyncIterator]();
      const first = await it.next();
      firstTimes.push(now() - t);
      if (first.done || first.value.numRows === 0) throw new Error('no first batch');
      await it.return();
    }
    const firstMs = median(firstTimes);
    log(`first batch: ${firstMs.toFixed(1)} ms (runs ${firstTimes.map((x) => x.toFixed(1)).join(', ')})`);

    let t = now();
    const json = await pullJson(platform);
    const jsonMs = now() - t;
    if (json.rows !== ROWS) throw new Error(`JSON returned ${json.rows} rows`);
    log(`json: ${json.rows.toLocaleString()} rows, ${(json.bytes / 1e6).toFixed(0)} MB in ${jsonMs.toFixed(0)} ms`);

    t = now();
    const csv = await pullCsv(platform);
    const csvMs = now() - t;
    if (csv.rows !== ROWS) throw new Error(`CSV returned ${csv.rows} rows`);
    log(`csv: ${csv.rows.toLocaleString()} rows, ${(csv.bytes / 1e6).toFixed(0)} MB in ${csvMs.toFixed(0)} ms`);

    const rss = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [__filename, '--rss-child'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (code) =>
        code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`rss child exited ${code}`))
      );
    });
    if (rss.rows !== BIG_ROWS) throw new Error(`.batches() returned ${rss.rows} rows`);
    const bigBytes = BIG_ROWS * COLUMNS * 8;
    const peakMb = rss.maxRssKb / 1024;
    log(
      `batches: ${rss.rows.toLocaleString()} rows (${(bigBytes / 2 ** 30).toFixed(2)} GiB) in ${rss.seconds.toFixed(1)} s, peak RSS ${peakMb.toFixed(0)} MB (array buffers at most ${rss.maxArrayBuffersMb} MB)`
    );

    result = {
      bench: 'data',
      smoke: SMOKE,
      arrow_vs_json: round(jsonMs / arrowMs),
      arrow_vs_csv: round(csvMs / arrowMs),
      // Both sides consume the bytes as they arrive: .batches() decodes every batch, the loopback receiver discards.
      arrow_vs_loopback: round(loopMs / streamMs),
      arrow_table_vs_loopback: round(loopMs / arrowMs),
      first_batch_ms: round(firstMs, 1),
      batches_peak_rss_mb: round(peakMb, 0),
      rows: ROWS,
      columns: COLUMNS,
      arrow_ms: round(arrowMs, 0),
      arrow_stream_ms: round(streamMs, 0),
      json_ms: round(jsonMs, 0),
      csv_ms: round(csvMs, 0),
      loopback_ms: round(loopMs, 0),
      arrow_bytes: bytes,
      json_bytes: json.bytes,
      csv_bytes: csv.bytes,
      arrow_mb_per_s: round(bytes / 1e3 / arrowMs, 0),
      arrow_stream_mb_per_s: round(bytes / 1e3 / streamMs, 0),
      loopback_mb_per_s: round(bytes / 1e3 / loopMs, 0),
      batches_dataset_bytes: bigBytes,
      batches_rows: rss.rows,
      batches_s: round(rss.seconds, 1),
      targets: {
        arrow_vs_json: 15,
        arrow_vs_loopback: 0.6,
        first_batch_ms: 50,
        batches_peak_rss_mb: 256
      }
    };
    const ok = (name, good) => `${good ? 'met ' : 'MISS'}  ${name}`;
    summary = [
      `Arrow data path, ${ROWS.toLocaleString()} rows x ${COLUMNS} float64 through the kernel helpers${SMOKE ? ' (SMOKE sizes: not the real figures)' : ''}`,
      `  Arrow     ${String(result.arrow_ms).padStart(7)} ms  ${(bytes / 1e6).toFixed(0).padStart(5)} MB  ${result.arrow_mb_per_s} MB/s as a Table (.table())`,
      `  Arrow     ${String(result.arrow_stream_ms).padStart(7)} ms  ${(bytes / 1e6).toFixed(0).padStart(5)} MB  ${result.arrow_stream_mb_per_s} MB/s streamed (.batches())`,
      `  JSON      ${String(result.json_ms).padStart(7)} ms  ${(json.bytes / 1e6).toFixed(0).padStart(5)} MB  -> Arrow is ${result.arrow_vs_json}x faster`,
      `  CSV       ${String(result.csv_ms).padStart(7)} ms  ${(csv.bytes / 1e6).toFixed(0).padStart(5)} MB  -> Arrow is ${result.arrow_vs_csv}x faster`,
      `  loopback  ${String(result.loopback_ms).padStart(7)} ms  (plain TCP, same bytes) -> the Arrow stream reaches ${result.arrow_vs_loopback} of it (a Table: ${result.arrow_table_vs_loopback})`,
      `  first batch ${result.first_batch_ms} ms; .batches() over ${(bigBytes / 2 ** 30).toFixed(2)} GiB peaked at ${result.batches_peak_rss_mb} MB RSS`,
      ok('arrow_vs_json >= 15', result.arrow_vs_json >= 15),
      ok('arrow_vs_loopback >= 0.6', result.arrow_vs_loopback >= 0.6),
      ok('first_batch_ms <= 50', result.first_batch_ms <= 50),
      ok('batches_peak_rss_mb <= 256', result.batches_peak_rss_mb <= 256)
    ].join('\n');
  } finally {
    await platform.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
  // Printed after the platform stopped, so nothing (its shutdown output) follows the JSON line.
  console.log(summary);
  console.log(JSON.stringify(result));
}

main().catch((err) => {
  console.error(`bench:data failed: ${err.stack || err}`);
  process.exit(1);
});
