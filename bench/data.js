#!/usr/bin/env node
'use strict';
/**
 * npm run bench:data — the Arrow data path, end to end, against a real platform process
 * (`genesis serve` on its own temp home), through the kernel helpers (built dist).
 *
 * Datasets are published through the catalog's own API (SqliteCatalog.publish with generated
 * record batches): `bench/rows`, 10 million rows of four float64 columns (Arrow's best case: the
 * server sends the stored bytes unchanged); `bench/mixed`, 2 million rows with an int32, a
 * float64 with 10% nulls, a string column with nulls and a dictionary-encoded column (not its
 * best case); and `bench/big`, 2 GiB of the first shape for the memory figures.
 *
 * Arms, run in ROUNDS rounds whose order rotates every round (so every arm sees the same load):
 *  - Arrow `.table()` and `.batches()` of bench/rows;
 *  - the loopback LIMIT: the same byte count sent by another process over plain TCP and received
 *    with `onread` into one reused 8 MiB buffer (the Arrow client's own technique, minus its
 *    parsing and its fresh memory): no HTTP, no IPC, no decoding, so no client can beat it;
 *  - non-best cases: a projection (2 of 4 columns), a filter keeping a scattered 10% of
 *    bench/mixed, and the whole bench/mixed table;
 *  - text baselines (the first TEXT_ROUNDS rounds): JSON (line batches through JSON.parse into
 *    typed columns), CSV with a plain split-and-Number parser, CSV with csv-parse, and JSON of
 *    bench/mixed.
 * Then the first batch's latency, and the 2 GiB `.batches()` stream in a child process, with the
 * child's and the platform's peak RSS (VmHWM, reset before the stream through clear_refs).
 *
 * Every figure is a median with its spread (n, IQR, range). Ends with ONE JSON line whose
 * `targets` gives value, target and met. GENESIS_BENCH_SMOKE=1: tiny sizes, same code paths.
 */
const { spawn, fork } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { StringDecoder } = require('node:string_decoder');

const { ROOT, logger, requireBuilt } = require('./support/run');
const { median, round, spread, spreadText } = require('./support/stats');
const { target, targetLines } = require('./support/targets');

const SMOKE = process.env.GENESIS_BENCH_SMOKE === '1';
const ROWS = Number(process.env.GENESIS_BENCH_ROWS || (SMOKE ? 200_000 : 10_000_000));
const MIXED_ROWS = Number(process.env.GENESIS_BENCH_MIXED_ROWS || (SMOKE ? 100_000 : 2_000_000));
const BIG_ROWS = Number(process.env.GENESIS_BENCH_BIG_ROWS || (SMOKE ? 2_000_000 : 2 ** 26)); // 2^26 x 32 B = 2 GiB
const ROUNDS = Number(process.env.GENESIS_BENCH_ROUNDS || (SMOKE ? 2 : 11));
const TEXT_ROUNDS = Math.min(ROUNDS, Number(process.env.GENESIS_BENCH_TEXT_ROUNDS ?? (SMOKE ? 1 : 3)));
const FIRST_BATCH_RUNS = SMOKE ? 3 : 9;
const COLUMNS = 4;
const BATCH_ROWS = 65_536;
/** The loopback receiver's read size: the Arrow client's largest direct read (client/src/node/raw-http.ts). */
const LOOPBACK_READ = 8 * 1024 * 1024;
const SITES = ['north', 'south', 'east', 'west', 'alpha', 'bravo', 'charlie', 'delta'];

requireBuilt('data', [
  'platform/dist/catalog/sqlite-catalog.js',
  'kernel-helpers/dist/index.js',
  'test-support/dist/index.js',
  'contract/dist/index.js'
]);
const { startPlatformProcess } = require(path.join(ROOT, 'test-support/dist/index.js'));

const log = logger('data');
const now = () => Number(process.hrtime.bigint()) / 1e6;

if (process.argv[2] === '--rss-child') return rssChild();
if (process.argv[2] === '--loopback-sender') return sendLoopback(Number(process.argv[3]));

/** The value of bench/rows' column c in row i (multiples of 1/8: short decimals, kind to JSON and CSV). */
const value = (i, c) => (i * (c + 3)) / 8 + c;

/** Generated float64 batches, one at a time (never the whole table in memory). */
function* floatBatches(arrow, schema, rows) {
  for (let start = 0; start < rows; start += BATCH_ROWS) {
    const n = Math.min(BATCH_ROWS, rows - start);
    const children = [];
    for (let c = 0; c < COLUMNS; c++) {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = value(start + i, c);
      children.push(arrow.makeData({ type: new arrow.Float64(), length: n, nullCount: 0, data: a }));
    }
    yield new arrow.RecordBatch(
      schema,
      arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children })
    );
  }
}

/** bench/mixed's `bucket`: a scattered 0..99, so `bucket < 10` keeps 10% of rows spread over every batch. */
const bucket = (i) => (i * 7919) % 100;

/** bench/mixed's `label` of row r: a short varying string, null in 5% of rows. */
const labelOf = (r) => (r % 20 === 7 ? null : `sample ${r} of ${SITES[r % SITES.length]}`);

function mixedSchema(arrow) {
  const site = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32(), 0, false);
  return new arrow.Schema([
    new arrow.Field('id', new arrow.Int32(), false),
    new arrow.Field('bucket', new arrow.Int32(), false),
    new arrow.Field('reading', new arrow.Float64(), true),
    new arrow.Field('label', new arrow.Utf8(), true),
    new arrow.Field('site', site, false)
  ]);
}

/** bench/mixed: int32s, a float64 with 10% nulls, strings with 5% nulls, one dictionary column. */
function* mixedBatches(arrow, schema, rows) {
  const siteType = schema.fields[4].type;
  const dictionary = arrow.vectorFromArray(SITES, new arrow.Utf8());
  for (let start = 0; start < rows; start += BATCH_ROWS) {
    const n = Math.min(BATCH_ROWS, rows - start);
    const id = new Int32Array(n);
    const bk = new Int32Array(n);
    const reading = new Float64Array(n);
    const valid = new Uint8Array((n + 7) >> 3);
    const labels = new Array(n);
    const sites = new Int32Array(n);
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      const r = start + i;
      id[i] = r;
      bk[i] = bucket(r);
      if (r % 10 === 3) nulls++;
      else {
        valid[i >> 3] |= 1 << (i & 7);
        reading[i] = r / 4 - 1000;
      }
      labels[i] = labelOf(r);
      sites[i] = (r * 31) % SITES.length;
    }
    const children = [
      arrow.makeData({ type: new arrow.Int32(), length: n, nullCount: 0, data: id }),
      arrow.makeData({ type: new arrow.Int32(), length: n, nullCount: 0, data: bk }),
      arrow.makeData({ type: new arrow.Float64(), length: n, nullCount: nulls, nullBitmap: valid, data: reading }),
      arrow.vectorFromArray(labels, new arrow.Utf8()).data[0],
      arrow.makeData({ type: siteType, length: n, nullCount: 0, data: sites, dictionary })
    ];
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
  const floats = new arrow.Schema(
    Array.from({ length: COLUMNS }, (_, c) => new arrow.Field(`x${c}`, new arrow.Float64(), false))
  );
  const mixed = mixedSchema(arrow);
  const catalog = SqliteCatalog.open(new Home(home));
  try {
    for (const [id, schema, batches] of [
      ['bench/rows', floats, floatBatches(arrow, floats, ROWS)],
      ['bench/mixed', mixed, mixedBatches(arrow, mixed, MIXED_ROWS)],
      ['bench/big', floats, floatBatches(arrow, floats, BIG_ROWS)]
    ]) {
      const t = now();
      const r = await catalog.publish({
        id,
        version: '1',
        metadata: { title: `Benchmark table ${id}`, license: 'CC0-1.0' },
        sourceFormat: 'arrow',
        schema,
        batches
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
  /** Room for one more row; returns its index. */
  row() {
    if (this.rows === this.cols[0].length)
      this.cols = this.cols.map((c) => {
        const d = new Float64Array(c.length * 2);
        d.set(c);
        return d;
      });
    return this.rows++;
  }
}

/** Complete lines of a text body as they arrive: `take(text)` gets whole lines only. */
async function lines(res, take) {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let bytes = 0;
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
  return bytes;
}

/** The JSON export's row objects, a batch of lines per JSON.parse call. */
function jsonRows(text, each) {
  const objs = [];
  for (const line of text.split('\n'))
    if (line.startsWith('{')) objs.push(line.endsWith(',') ? line.slice(0, -1) : line);
  if (objs.length) for (const o of JSON.parse(`[${objs.join(',')}]`)) each(o);
}

/** JSON of bench/rows into float64 columns. */
async function pullJson(platform) {
  const res = await get(platform, '/api/datasets/bench/rows/versions/1/json');
  const out = new Columns(COLUMNS);
  const keys = Array.from({ length: COLUMNS }, (_, c) => `x${c}`);
  const bytes = await lines(res, (text) =>
    jsonRows(text, (o) => {
      const r = out.row();
      for (let c = 0; c < COLUMNS; c++) out.cols[c][r] = o[keys[c]];
    })
  );
  return { rows: out.rows, bytes, check: out.cols[COLUMNS - 1][out.rows - 1] };
}

/** JSON of bench/mixed into columns: typed arrays for numbers (NaN for null), arrays for strings. */
async function pullJsonMixed(platform) {
  const res = await get(platform, '/api/datasets/bench/mixed/versions/1/json');
  const id = new Columns(3);
  const label = [];
  const site = [];
  const bytes = await lines(res, (text) =>
    jsonRows(text, (o) => {
      const r = id.row();
      id.cols[0][r] = o.id;
      id.cols[1][r] = o.bucket;
      id.cols[2][r] = o.reading ?? NaN;
      label.push(o.label);
      site.push(o.site);
    })
  );
  return { rows: id.rows, bytes, check: label[label.length - 1] };
}

/** CSV of bench/rows with the plainest competent parser for known numeric columns: split and Number. */
async function pullCsvSplit(platform) {
  const res = await get(platform, '/api/datasets/bench/rows/versions/1/csv');
  const out = new Columns(COLUMNS);
  let header = true;
  const bytes = await lines(res, (text) => {
    for (const line of text.split('\n')) {
      if (header) {
        header = false;
        continue;
      }
      if (!line) continue;
      const cells = line.split(',');
      const r = out.row();
      for (let c = 0; c < COLUMNS; c++) out.cols[c][r] = Number(cells[c]);
    }
  });
  return { rows: out.rows, bytes, check: out.cols[COLUMNS - 1][out.rows - 1] };
}

/** CSV of bench/rows through csv-parse (the general parser a careful client would reach for). */
async function pullCsvParse(platform) {
  const { parse } = require(path.join(ROOT, 'node_modules/csv-parse'));
  const res = await get(platform, '/api/datasets/bench/rows/versions/1/csv');
  let bytes = 0;
  res.on('data', (c) => (bytes += c.length));
  const out = new Columns(COLUMNS);
  const parser = res.pipe(parse({ from_line: 2, cast: (v) => Number(v) }));
  for await (const record of parser) {
    const r = out.row();
    for (let c = 0; c < COLUMNS; c++) out.cols[c][r] = record[c];
  }
  return { rows: out.rows, bytes, check: out.cols[COLUMNS - 1][out.rows - 1] };
}

/** The byte count of a dataset's Arrow response (what the loopback limit then carries). */
async function arrowBytes(platform, ref) {
  const res = await get(platform, `/api/datasets/${ref}/versions/1/arrow`);
  let n = 0;
  for await (const c of res) n += c.length;
  return n;
}

/** Child: a plain TCP server that sends N bytes from one buffer to whoever connects. */
function sendLoopback(bytes) {
  if (!(bytes > 0)) throw new Error('loopback sender: byte count missing');
  const chunk = Buffer.alloc(2 << 20, 0x5a);
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

/**
 * A sender process like the platform; `receive()` times one transfer of `bytes` into this
 * process, read with `onread` into one reused buffer of the Arrow client's largest read: no
 * allocation per read, no copy, nothing parsed. This is the ceiling the data path is held to.
 */
async function startLoopbackSender(bytes) {
  const child = fork(__filename, ['--loopback-sender', String(bytes)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc']
  });
  const port = await new Promise((r) => child.once('message', r));
  const sink = Buffer.allocUnsafe(LOOPBACK_READ);
  return {
    async receive() {
      const t = now();
      const got = await new Promise((resolve, reject) => {
        let n = 0;
        const s = net.connect({
          port,
          host: '127.0.0.1',
          onread: {
            buffer: sink,
            callback: (k) => {
              n += k;
              return true;
            }
          }
        });
        s.on('end', () => resolve(n));
        s.on('error', reject);
      });
      if (got !== bytes) throw new Error(`loopback got ${got} of ${bytes} bytes`);
      return now() - t;
    },
    pid: child.pid,
    stop: () => child.disconnect()
  };
}

/** This process's CPU time (user + system) in ms. */
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Another process's CPU time (utime + stime from /proc) in ms; 0 off Linux. */
function cpuMsOf(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
/** USER_HZ: /proc's clock ticks per second (100 on every Linux we run on). */
const CLOCK_TICKS = 100;

/** Child: iterate `.batches()` over the big table, reading every 64th value of a column, and report its peak RSS. */
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

/** A process's VmRSS and VmHWM in MB (null off Linux). */
function memoryOf(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(s)?.[1]) / 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * The platform's peak RSS while `work` runs: its VmHWM reset first (clear_refs "5", allowed for
 * our own process), and VmRSS sampled every 20 ms in case the reset is refused.
 */
async function platformPeak(pid, work) {
  let reset = true;
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    reset = false;
  }
  let sampled = memoryOf(pid)?.rss ?? 0;
  const timer = setInterval(() => (sampled = Math.max(sampled, memoryOf(pid)?.rss ?? 0)), 20);
  try {
    const result = await work();
    const m = memoryOf(pid);
    return { result, peakMb: reset && m ? Math.max(m.hwm, sampled) : sampled, hwmReset: reset };
  } finally {
    clearInterval(timer);
  }
}

async function main() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-bench-data-'));
  log(
    `home ${home}; ${ROWS.toLocaleString()} rows x ${COLUMNS} float64, ${MIXED_ROWS.toLocaleString()} mixed rows (+ ${BIG_ROWS.toLocaleString()} rows for memory); ${ROUNDS} rounds, text in ${TEXT_ROUNDS}${SMOKE ? ' [smoke]' : ''}`
  );
  await publishDatasets(home);
  const platform = await startPlatformProcess({ home, echoStderr: true, timeoutMs: 30_000 });
  const env = { ...process.env, GENESIS_HOME: home, GENESIS_URL: '', GENESIS_TOKEN: '', GENESIS_RUNTIME_DIR: '' };
  Object.assign(process.env, { GENESIS_HOME: home, GENESIS_URL: '', GENESIS_TOKEN: '', GENESIS_RUNTIME_DIR: '' });
  const load = [os.loadavg()[0]];
  let summary;
  let result;
  try {
    const { Genesis } = require(path.join(ROOT, 'kernel-helpers/dist/index.js'));
    const g = new Genesis().configure({ display: false, progress: false });
    const ds = g.dataset('bench/rows');
    const mixed = g.dataset('bench/mixed');
    const last = value(ROWS - 1, COLUMNS - 1);
    const tenth = { op: '<', args: [{ property: 'bucket' }, 10] };
    const expectTenth = Array.from({ length: MIXED_ROWS }, (_, i) => bucket(i)).filter((b) => b < 10).length;
    const lastLabel = labelOf(MIXED_ROWS - 1);

    const bytes = await arrowBytes(platform, 'bench/rows');
    const mixedBytes = await arrowBytes(platform, 'bench/mixed');
    const sender = await startLoopbackSender(bytes);
    const times = {};
    const cpu = {};
    const sizes = {};
    // Wall time, and the CPU both ends spent (this process, and the platform or the loopback
    // sender): under load the wall time mostly measures waiting for a core, the CPU does not.
    const timed = async (name, fn) => {
      const senderPid = name === 'loopback' ? sender.pid : platform.proc.pid;
      const c0 = cpuMs();
      const s0 = cpuMsOf(senderPid);
      const t = now();
      const out = await fn();
      (times[name] ??= []).push(now() - t);
      (cpu[name] ??= []).push(cpuMs() - c0 + (cpuMsOf(senderPid) - s0));
      return out;
    };
    const arms = {
      table: async () => {
        const table = await ds.table();
        if (table.numRows !== ROWS || table.getChildAt(COLUMNS - 1).get(ROWS - 1) !== last)
          throw new Error('Arrow .table() returned wrong values');
      },
      batches: async () => {
        let streamed = 0;
        let tail;
        for await (const b of ds.batches()) {
          streamed += b.numRows;
          tail = b;
        }
        if (streamed !== ROWS || tail.getChildAt(COLUMNS - 1).get(tail.numRows - 1) !== last)
          throw new Error('Arrow .batches() returned wrong values');
      },
      loopback: () => sender.receive(),
      projection: async () => {
        const t = await ds.table({ columns: ['x1', 'x3'] });
        if (t.numCols !== 2 || t.getChildAt(1).get(ROWS - 1) !== last) throw new Error('projection: wrong values');
      },
      filter_10pct: async () => {
        const t = await mixed.table({ filter: tenth });
        if (t.numRows !== expectTenth) throw new Error(`filter: ${t.numRows} rows, expected ${expectTenth}`);
      },
      mixed_table: async () => {
        const t = await mixed.table();
        if (t.numRows !== MIXED_ROWS || t.getChild('label').get(MIXED_ROWS - 1) !== lastLabel)
          throw new Error('mixed table: wrong values');
      }
    };
    const textArms = {
      json: () => pullJson(platform),
      csv_split: () => pullCsvSplit(platform),
      csv_parse: () => pullCsvParse(platform),
      json_mixed: () => pullJsonMixed(platform)
    };
    try {
      await ds.table({ limit: 1000 }); // warm up: connection, JIT, page cache
      for (const name of ['table', 'batches', 'loopback', 'projection', 'filter_10pct', 'mixed_table'])
        await arms[name]();
      for (let k = 0; k < ROUNDS; k++) {
        const names = Object.keys(arms);
        if (k < TEXT_ROUNDS) names.push(...Object.keys(textArms));
        // Rotate the order each round, so no arm always runs first, or always after the same one.
        const order = names.map((_, i) => names[(i + k) % names.length]);
        for (const name of order) {
          if (arms[name]) await timed(name, arms[name]);
          else {
            const out = await timed(name, textArms[name]);
            const rows = name === 'json_mixed' ? MIXED_ROWS : ROWS;
            if (out.rows !== rows) throw new Error(`${name} returned ${out.rows} rows`);
            if (name === 'json_mixed' ? out.check !== lastLabel : out.check !== last)
              throw new Error(`${name} returned wrong values (${out.check})`);
            sizes[name] = out.bytes;
          }
        }
        log(
          `round ${k + 1}/${ROUNDS}: ${order.map((n) => `${n} ${times[n][times[n].length - 1].toFixed(0)}`).join(', ')} ms`
        );
        load.push(os.loadavg()[0]);
      }
    } finally {
      sender.stop();
    }
    const s = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, spread(v)]));
    const sCpu = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, spread(v)]));
    const mCpu = (k) => (cpu[k] ? median(cpu[k]) : null);
    // Arms that did not run (GENESIS_BENCH_TEXT_ROUNDS=0, for profiling) give null figures.
    const m = (k) => (times[k] ? median(times[k]) : null);
    // Each round's own ratio too: its spread says how much one run can be trusted.
    const perRound = (a, b) => times[a].map((x, i) => times[b][i] / x);

    const firstTimes = [];
    for (let k = 0; k < FIRST_BATCH_RUNS; k++) {
      const t = now();
      const it = ds.batches()[Symbol.asyncIterator]();
      const first = await it.next();
      firstTimes.push(now() - t);
      if (first.done || first.value.numRows === 0) throw new Error('no first batch');
      await it.return();
    }
    const first = spread(firstTimes, 1);
    log(`first batch: ${spreadText(first)}`);

    const platformPid = platform.proc.pid;
    const {
      result: rss,
      peakMb: platformPeakMb,
      hwmReset
    } = await platformPeak(
      platformPid,
      () =>
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, [__filename, '--rss-child'], {
            env,
            stdio: ['ignore', 'pipe', 'inherit']
          });
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.on('exit', (code) =>
            code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`rss child exited ${code}`))
          );
        })
    );
    if (rss.rows !== BIG_ROWS) throw new Error(`.batches() returned ${rss.rows} rows`);
    const bigBytes = BIG_ROWS * COLUMNS * 8;
    const peakMb = rss.maxRssKb / 1024;
    log(
      `batches: ${rss.rows.toLocaleString()} rows (${(bigBytes / 2 ** 30).toFixed(2)} GiB) in ${rss.seconds.toFixed(1)} s, client peak RSS ${peakMb.toFixed(0)} MB (array buffers at most ${rss.maxArrayBuffersMb} MB), platform peak RSS ${platformPeakMb.toFixed(0)} MB${hwmReset ? '' : ' (sampled: VmHWM could not be reset)'}`
    );
    load.push(os.loadavg()[0]);

    const loopRate = bytes / m('loopback'); // bytes per ms of the limit
    const ofLimit = (name, n) => round(n / m(name) / loopRate);
    const ratio = (a, b) => (m(a) === null || m(b) === null ? null : round(m(a) / m(b)));
    const ratioSpread = (a, b) => spread(perRound(a, b), 2);
    const projectionBytes = ROWS * 2 * 8;
    result = {
      bench: 'data',
      smoke: SMOKE,
      rows: ROWS,
      columns: COLUMNS,
      mixed_rows: MIXED_ROWS,
      rounds: ROUNDS,
      text_rounds: TEXT_ROUNDS,
      // The headline ratios, each a ratio of medians; *_per_round: the same ratio in each round.
      arrow_vs_loopback: ratio('loopback', 'batches'),
      arrow_table_vs_loopback: ratio('loopback', 'table'),
      arrow_vs_loopback_per_round: ratioSpread('batches', 'loopback'),
      arrow_table_vs_loopback_per_round: ratioSpread('table', 'loopback'),
      arrow_vs_json: ratio('json', 'table'),
      arrow_vs_csv_split: ratio('csv_split', 'table'),
      arrow_vs_csv: ratio('csv_parse', 'table'),
      arrow_vs_json_mixed: ratio('json_mixed', 'mixed_table'),
      // Non-best cases: their Arrow bytes per ms as a fraction of the limit's.
      projection_vs_loopback: ofLimit('projection', projectionBytes),
      mixed_table_vs_loopback: ofLimit('mixed_table', mixedBytes),
      filter_10pct_ms: round(m('filter_10pct'), 0),
      filter_10pct_vs_full_mixed: ratio('filter_10pct', 'mixed_table'),
      first_batch_ms: first.median,
      batches_peak_rss_mb: round(peakMb, 0),
      platform_peak_rss_mb: round(platformPeakMb, 0),
      platform_peak_rss_from: hwmReset ? 'VmHWM reset before the stream' : 'VmRSS sampled every 20 ms',
      // The same ratios in CPU time (both ends): what they would be with a core to spare for each end.
      arrow_table_vs_loopback_cpu: round(mCpu('loopback') / mCpu('table')),
      arrow_vs_loopback_cpu: round(mCpu('loopback') / mCpu('batches')),
      ms: s,
      cpu_ms: sCpu,
      first_batch: first,
      arrow_bytes: bytes,
      mixed_arrow_bytes: mixedBytes,
      text_bytes: sizes,
      arrow_mb_per_s: round(bytes / 1e3 / m('table'), 0),
      arrow_stream_mb_per_s: round(bytes / 1e3 / m('batches'), 0),
      loopback_mb_per_s: round(bytes / 1e3 / m('loopback'), 0),
      batches_dataset_bytes: bigBytes,
      batches_rows: rss.rows,
      batches_s: round(rss.seconds, 1),
      load_average: load.map((l) => round(l, 1)),
      cores: os.cpus().length
    };
    result.targets = {
      arrow_table_vs_loopback: target(result.arrow_table_vs_loopback, '>=', 0.6),
      arrow_vs_loopback: target(result.arrow_vs_loopback, '>=', 0.6),
      arrow_vs_json: target(result.arrow_vs_json, '>=', 15),
      first_batch_ms: target(result.first_batch_ms, '<=', 50),
      batches_peak_rss_mb: target(result.batches_peak_rss_mb, '<=', 256),
      platform_peak_rss_mb: target(result.platform_peak_rss_mb, '<=', 512)
    };
    const row = (label, name, extra = '') =>
      s[name]
        ? `  ${label.padEnd(22)} ${spreadText(s[name])}, CPU ${sCpu[name].median} ms${extra}`
        : `  ${label.padEnd(22)} not run`;
    summary = [
      `Arrow data path, ${ROWS.toLocaleString()} rows x ${COLUMNS} float64 (${(bytes / 1e6).toFixed(0)} MB Arrow) through the kernel helpers, ${ROUNDS} rotating rounds${SMOKE ? ' (SMOKE sizes: not the real figures)' : ''}`,
      row('loopback limit', 'loopback', `  ${result.loopback_mb_per_s} MB/s (onread, 8 MiB reads, nothing parsed)`),
      row(
        'Arrow .table()',
        'table',
        `  ${result.arrow_mb_per_s} MB/s -> ${result.arrow_table_vs_loopback} of the limit`
      ),
      row(
        'Arrow .batches()',
        'batches',
        `  ${result.arrow_stream_mb_per_s} MB/s -> ${result.arrow_vs_loopback} of the limit`
      ),
      row(
        'JSON',
        'json',
        `  ${((sizes.json ?? 0) / 1e6).toFixed(0)} MB -> Arrow .table() is ${result.arrow_vs_json}x faster`
      ),
      row('CSV, split + Number', 'csv_split', ` -> ${result.arrow_vs_csv_split}x`),
      row('CSV, csv-parse', 'csv_parse', ` -> ${result.arrow_vs_csv}x`),
      row('projection 2 of 4', 'projection', `  ${result.projection_vs_loopback} of the limit`),
      row(
        'mixed table',
        'mixed_table',
        `  ${(mixedBytes / 1e6).toFixed(0)} MB, ${result.mixed_table_vs_loopback} of the limit`
      ),
      row('mixed as JSON', 'json_mixed', ` -> Arrow is ${result.arrow_vs_json_mixed}x faster`),
      row(
        'filter keeping 10%',
        'filter_10pct',
        `  (${result.filter_10pct_vs_full_mixed} of the whole mixed table's time)`
      ),
      `  in CPU time (client + sender): .table() ${result.arrow_table_vs_loopback_cpu}, .batches() ${result.arrow_vs_loopback_cpu} of the limit`,
      `  first batch ${spreadText(first)}`,
      `  .batches() over ${(bigBytes / 2 ** 30).toFixed(2)} GiB: client peak RSS ${result.batches_peak_rss_mb} MB, platform peak RSS ${result.platform_peak_rss_mb} MB`,
      `  machine: ${os.cpus().length} cores, load average ${result.load_average.join(' -> ')}`,
      ...targetLines(result.targets)
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
