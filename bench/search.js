#!/usr/bin/env node
'use strict';
/**
 * Catalog search benchmark at three scales in one run: 100,000, 300,000 and 1,000,000
 * synthetic but realistic dataset records (vocabulary in bench/search-vocabulary.json), grown in
 * one catalog through the harvester import (SqliteCatalog.importRecords). At each size:
 *
 * - import rate of that increment, and how long a fresh index takes to load the catalog;
 * - in-process latency, three arms alternating query by query: COLD (a fresh sample of distinct
 *   queries, every cache emptied before each query: the headline), WARM (the realistic mix, with
 *   its repeats, against an engine whose result cache runs as in the server; its hit rate is
 *   reported) and the NAIVE scan (bench/support/naive-search.js: records prepared once, a pass
 *   over all of them per query, top-k selection; in a worker thread, so its heap's garbage
 *   collections never pause the engine) on a fixed sample of the cold queries, which also
 *   checks that both give the same totals, facet counts and first pages;
 * - the same over HTTP against a real platform process (`genesis serve` on the catalog): the
 *   service latency a panel sees, cold (queries that server never saw) and warm, in alternating
 *   blocks; the platform's peak RSS.
 *
 * Query mix: single words, word + place, prefixes while typing, facet filters, `-updated` sorts,
 * filter-only browsing, publisher or project + word, 10 % second pages (timed as their own
 * request), 30 % by a principal cleared for open data only (in-process; over HTTP every query
 * runs as the platform's one token). Latencies: p50/p95/p99 per round, medians of ROUNDS rounds
 * with the spread of p95 across rounds. Prints a summary, progress on stderr, then ONE final JSON
 * line whose `targets` object says what was met.
 *
 * Runs against the built packages (npm run build:packages). GENESIS_BENCH_SMOKE=1: 2,000
 * records, few queries (seconds). GENESIS_BENCH_SIZES=100000,300000 chooses the sizes.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { median, percentile, round } = require('./support/stats');
const { ROOT, requireBuilt, logger } = require('./support/run');
const { startPlatformProcess } = require(path.join(ROOT, 'test-support/dist/index.js'));
const { Worker } = require('node:worker_threads');
const { generator, makeRecord, V, DOMAIN_NAMES, ALL_VARIABLES } = require('./support/catalog-records');

requireBuilt('search', ['platform/dist/catalog/sqlite-catalog.js', 'contract/dist/index.js']);
const dist = (p) => require(path.join(ROOT, p));
const { SqliteCatalog } = dist('platform/dist/catalog/sqlite-catalog.js');
const { Home } = dist('platform/dist/home.js');
const { SearchQuery, OWNER } = dist('contract/dist/index.js');

/** The naive scan (support/naive-worker.js) on its own thread and heap; resolves once it prepared its records. */
async function naiveScan(dbPath) {
  const worker = new Worker(path.join(__dirname, 'support/naive-worker.js'), { workerData: { dbPath } });
  // One answer at a time: each message settles the oldest waiting request; an error fails them all.
  const waiting = [];
  worker.on('message', (m) => waiting.shift()?.resolve(m));
  worker.on('error', (err) => waiting.splice(0).forEach((w) => w.reject(err)));
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  const { prepareMs } = await next();
  return {
    prepareMs,
    search: (query, principal, k) => {
      const answer = next();
      worker.postMessage({ query, principal, k });
      return answer;
    },
    close: () => worker.terminate()
  };
}

const SMOKE = process.env.GENESIS_BENCH_SMOKE === '1';
const SIZES = (process.env.GENESIS_BENCH_SIZES || (SMOKE ? '2000' : '100000,300000,1000000')).split(',').map(Number);
const QUERIES = SMOKE ? 60 : 600;
const ROUNDS = SMOKE ? 1 : 3;
/** The naive scan runs on the first queries of the cold sample only (it takes seconds per query at 1M). */
const naiveQueries = (size) => (SMOKE ? 20 : size <= 100_000 ? 100 : size <= 300_000 ? 40 : 20);
const HTTP_BLOCK = SMOKE ? 10 : 50;
const PUBLIC = { user: 'guest', clearances: ['open'], projects: {}, scopes: ['read'], admin: false };
const log = logger('search');

/** `n` queries of the mix; `distinct`: no query twice (a cold sample: no cache can have seen it). */
function makeQueries(n, rand, { distinct = false, principals = true } = {}) {
  const pick = (arr, skew = 1.2) => arr[Math.min(arr.length - 1, Math.floor(arr.length * Math.pow(rand(), skew)))];
  const out = [];
  const seen = new Set();
  for (let attempts = 0; out.length < n && attempts < n * 50; attempts++) {
    const r = rand();
    const principal = principals && rand() < 0.3 ? PUBLIC : OWNER;
    let q;
    if (r < 0.35) q = { q: pick(ALL_VARIABLES, 1.2) };
    else if (r < 0.55) q = { q: `${pick(ALL_VARIABLES, 1.2)} ${pick(V.places, 1.3)}` };
    else if (r < 0.65) {
      const w = pick(ALL_VARIABLES, 1.2);
      q = { q: w.slice(0, 2 + Math.floor(rand() * Math.max(1, w.length - 2))) }; // typing
    } else if (r < 0.75) q = { q: pick(ALL_VARIABLES), filter: [`domain:${pick(DOMAIN_NAMES)}`] };
    else if (r < 0.82)
      q = { q: `${pick(ALL_VARIABLES)} ${pick(V.instruments)}`, filter: [`license:${pick(V.licenses)}`] };
    else if (r < 0.87) q = { q: pick(V.places), sort: '-updated' };
    else if (r < 0.92) q = { q: '', filter: [`domain:${pick(DOMAIN_NAMES)}`, `format:${pick(['csv', 'parquet'])}`] };
    else if (r < 0.96) q = { q: '' };
    else if (r < 0.98) q = { q: `${pick(V.publishers)} ${pick(ALL_VARIABLES)}` };
    else q = { q: `${pick(V.projects)} ${pick(ALL_VARIABLES)}` };
    const query = { limit: 20, ...q };
    const key = JSON.stringify([query, principal.user]);
    if (distinct && seen.has(key)) continue;
    seen.add(key);
    out.push({ query, principal, second: rand() < 0.1 });
  }
  return out;
}

// ---- measuring -----------------------------------------------------------------------------
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (x) => (x === null || x === undefined ? '-' : x.toFixed(2));

/** p50/p95/p99 of each round, summarised as medians with the spread of p95 across rounds. */
function summary(rounds) {
  const per = rounds
    .filter((xs) => xs.length)
    .map((xs) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99) }));
  if (!per.length) return { n: 0 };
  const p95s = per.map((p) => p.p95);
  return {
    n: rounds.reduce((a, xs) => a + xs.length, 0),
    rounds: per.length,
    p50: round(median(per.map((p) => p.p50))),
    p95: round(median(p95s)),
    p99: round(median(per.map((p) => p.p99))),
    p95_spread: [round(Math.min(...p95s)), round(Math.max(...p95s))]
  };
}

const line = (name, s, extra = '') =>
  `    ${name.padEnd(22)} p50 ${fmt(s.p50).padStart(7)}  p95 ${fmt(s.p95).padStart(7)}  p99 ${fmt(s.p99).padStart(8)} ms` +
  (s.rounds > 1 ? `  (p95 ${fmt(s.p95_spread[0])}..${fmt(s.p95_spread[1])} over ${s.rounds} rounds)` : '') +
  extra;

/**
 * Search, and its second page when the query asks for one: each request timed on its own, in
 * wall time and in this process's CPU time (on a machine others share, wall time also counts
 * waiting for a core; CPU time is the work itself).
 */
function timedSearch(catalog, { query, principal, second }, times, beforeFirst, cpuTimes) {
  beforeFirst?.();
  const one = (q) => {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const r = catalog.search(SearchQuery.parse(q), principal);
    times.push(ms(t0));
    const c = process.cpuUsage(c0);
    cpuTimes?.push((c.user + c.system) / 1000);
    return r;
  };
  const r = one(query);
  if (second && r.nextCursor) one({ ...query, cursor: r.nextCursor });
  return r;
}

function sameResult(a, b) {
  return (
    a.total === b.total &&
    JSON.stringify(a.facets) === JSON.stringify(b.facets) &&
    JSON.stringify(a.hits.map((h) => [h.id, h.score])) === JSON.stringify(b.hits.map((h) => [h.id, h.score]))
  );
}

async function inProcess(home, size, queries) {
  // Two engines on the one database, each with its own index: one queried cold, one warm.
  const cold = SqliteCatalog.open(home);
  const warm = SqliteCatalog.open(home);
  try {
    const t0 = process.hrtime.bigint();
    cold.warmSearch();
    const loadMs = ms(t0);
    warm.warmSearch();
    log(`${size}: index loaded in ${fmt(loadMs / 1000)} s (${JSON.stringify(cold.searchIndexStats)})`);
    const scan = await naiveScan(home.dbPath);
    const naiveLoadMs = scan.prepareMs;
    log(`${size}: naive scan prepared its records in ${fmt(naiveLoadMs / 1000)} s (in a worker thread)`);
    // JIT and page cache: a few queries of another sample on every arm, not measured.
    for (const q of makeQueries(30, generator(size + 7))) {
      cold.search(SearchQuery.parse(q.query), q.principal);
      warm.search(SearchQuery.parse(q.query), q.principal);
    }
    await scan.search({ q: 'ozone' }, OWNER, 21);

    const K = Math.min(naiveQueries(size), queries.cold.length);
    const coldTimes = [];
    const coldCpu = [];
    const warmTimes = [];
    const naiveTimes = [];
    const engineTimesOnNaiveSample = [];
    let hits = 0;
    let lookups = 0;
    let agree = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const ct = [];
      const cc = [];
      const wt = [];
      warm.clearSearchCache();
      const before = warm.searchCacheStats;
      for (let i = 0; i < queries.cold.length; i++) {
        // Arms alternate, in a rotating order, so load on the machine falls on all of them alike.
        const arms = [
          async () => {
            const start = ct.length;
            const res = timedSearch(cold, queries.cold[i], ct, () => cold.clearSearchCache(), cc);
            if (r === 0 && i < K) {
              engineTimesOnNaiveSample.push(ct[start]);
              const q = SearchQuery.parse(queries.cold[i].query);
              const want = await scan.search(queries.cold[i].query, queries.cold[i].principal, q.limit);
              naiveTimes.push(want.ms);
              if (sameResult(res, want.result)) agree++;
            }
          },
          async () => timedSearch(warm, queries.warm[i], wt)
        ];
        const order = i % 2 ? [1, 0] : [0, 1];
        for (const a of order) await arms[a]();
      }
      const after = warm.searchCacheStats;
      hits += after.hits - before.hits;
      lookups += after.hits - before.hits + after.misses - before.misses;
      coldTimes.push(ct);
      coldCpu.push(cc);
      warmTimes.push(wt);
      log(`${size}: in-process round ${r + 1}/${ROUNDS} done`);
    }
    await scan.close();
    const naiveSummary = summary([naiveTimes]);
    const engineOnSample = summary([engineTimesOnNaiveSample]);
    return {
      index_load_ms: Math.round(loadMs),
      index: cold.searchIndexStats,
      cold: summary(coldTimes),
      cold_cpu: summary(coldCpu),
      warm: { ...summary(warmTimes), hit_rate: round(hits / Math.max(1, lookups), 3) },
      naive: {
        queries: K,
        prepare_ms: Math.round(naiveLoadMs),
        ...naiveSummary,
        search_cold_p95_on_same_queries: engineOnSample.p95,
        search_vs_scan_p95: round(naiveSummary.p95 / engineOnSample.p95, 1),
        results_agree: round(agree / Math.max(1, K), 3)
      }
    };
  } finally {
    cold.close();
    warm.close();
  }
}

async function overHttp(dir, size, queries) {
  const t0 = process.hrtime.bigint();
  const platform = await startPlatformProcess({ home: dir, timeoutMs: 600_000 });
  const startMs = ms(t0);
  log(`${size}: platform up in ${fmt(startMs / 1000)} s`);
  const headers = { authorization: `Bearer ${platform.token}` };
  const request = async (query) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) for (const x of [v].flat()) p.append(k, String(x));
    const t = process.hrtime.bigint();
    const res = await fetch(`${platform.url}/api/catalog/search?${p}`, { headers });
    const body = await res.json();
    const took = ms(t);
    if (!res.ok) throw new Error(`search ${p}: ${res.status} ${JSON.stringify(body)}`);
    return { body, took };
  };
  const timed = async ({ query, second }, times) => {
    const first = await request(query);
    times.push(first.took);
    if (second && first.body.nextCursor) times.push((await request({ ...query, cursor: first.body.nextCursor })).took);
  };
  const cacheStats = async () =>
    (await (await fetch(`${platform.url}/api/health`)).json()).searchCache ?? { hits: 0, misses: 0 };
  try {
    for (const q of makeQueries(30, generator(size + 11), { principals: false })) await request(q.query);
    const cold = [];
    const warm = [];
    let hits = 0;
    let lookups = 0;
    // Alternating blocks: the server's cache statistics are read around each warm block.
    for (let b = 0; b * HTTP_BLOCK < queries.httpCold.length; b++) {
      for (const q of queries.httpCold.slice(b * HTTP_BLOCK, (b + 1) * HTTP_BLOCK)) await timed(q, cold);
      const before = await cacheStats();
      for (const q of queries.httpWarm.slice(b * HTTP_BLOCK, (b + 1) * HTTP_BLOCK)) await timed(q, warm);
      const after = await cacheStats();
      hits += after.hits - before.hits;
      lookups += after.hits - before.hits + after.misses - before.misses;
    }
    const status = fs.readFileSync(`/proc/${platform.proc.pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return {
      platform_start_ms: Math.round(startMs),
      cold: summary([cold]),
      warm: { ...summary([warm]), hit_rate: round(hits / Math.max(1, lookups), 3) },
      platform_rss_mb: round(kb('VmRSS') / 1024, 0),
      platform_peak_rss_mb: round(kb('VmHWM') / 1024, 0)
    };
  } finally {
    await platform.stop();
  }
}

async function main() {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-bench-search-'));
  const home = new Home(dir);
  const writer = SqliteCatalog.open(home);
  const results = {};
  const load = [os.loadavg()[0]];
  let imported = 0;
  let importMsTotal = 0;
  try {
    console.log(
      `catalog search benchmark: ${SIZES.map((n) => n.toLocaleString('en-US')).join(', ')} records${SMOKE ? ' (smoke)' : ''}; ${QUERIES} queries x ${ROUNDS} rounds; home ${dir}`
    );
    const rand = generator(0x9e3779b9);
    for (const size of SIZES) {
      const from = imported;
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      writer.importRecords(
        (function* () {
          for (let i = from; i < size; i++) yield makeRecord(i, rand);
        })(),
        { onProgress: (n) => n % 100_000 === 0 && log(`${size}: imported ${(from + n).toLocaleString('en-US')}`) }
      );
      const importMs = ms(t0);
      const importCpu = process.cpuUsage(c0);
      const cpuRate = (size - from) / ((importCpu.user + importCpu.system) / 1e6);
      imported = size;
      importMsTotal += importMs;
      const rate = (size - from) / (importMs / 1000);
      log(`${size}: ${size - from} records imported in ${fmt(importMs / 1000)} s (${Math.round(rate)} records/s)`);
      const queries = {
        cold: makeQueries(QUERIES, generator(size * 3 + 1), { distinct: true }),
        warm: makeQueries(QUERIES, generator(size * 3 + 2)),
        httpCold: makeQueries(QUERIES, generator(size * 3 + 3), { distinct: true, principals: false }),
        httpWarm: makeQueries(QUERIES, generator(size * 3 + 2), { principals: false })
      };
      const local = await inProcess(home, size, queries);
      const http = await overHttp(dir, size, queries);
      results[size] = {
        import: {
          records: size - from,
          ms: Math.round(importMs),
          records_per_s: Math.round(rate),
          records_per_cpu_s: Math.round(cpuRate)
        },
        ...local,
        http
      };
      load.push(os.loadavg()[0]);
      const r = results[size];
      console.log(`  ${size.toLocaleString('en-US')} records`);
      console.log(
        `    import ${(size - from).toLocaleString('en-US')} records: ${Math.round(rate).toLocaleString('en-US')} records/s (${Math.round(cpuRate).toLocaleString('en-US')} per CPU second); a fresh index loads the catalog in ${fmt(r.index_load_ms / 1000)} s`
      );
      console.log(line('cold, in-process', r.cold, '  <- headline'));
      console.log(line('... its CPU time', r.cold_cpu, '  (the work alone, without waiting for a core)'));
      console.log(line('warm, in-process', r.warm, `  (result cache hit rate ${Math.round(r.warm.hit_rate * 100)}%)`));
      console.log(
        line(
          'naive scan',
          r.naive,
          `  (${r.naive.queries} of the cold queries: search ${r.naive.search_vs_scan_p95}x faster at p95; same results for ${Math.round(r.naive.results_agree * 100)}%)`
        )
      );
      console.log(line('cold, over HTTP', r.http.cold));
      console.log(line('warm, over HTTP', r.http.warm, `  (hit rate ${Math.round(r.http.warm.hit_rate * 100)}%)`));
      console.log(
        `    platform: up in ${fmt(r.http.platform_start_ms / 1000)} s, RSS ${r.http.platform_rss_mb} MB, peak ${r.http.platform_peak_rss_mb} MB`
      );
    }
  } finally {
    writer.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const first = results[SIZES[0]];
  const last = results[SIZES[SIZES.length - 1]];
  const importRate = Math.round(imported / (importMsTotal / 1000));
  const agree = Math.min(...SIZES.map((n) => results[n].naive.results_agree));
  const target = (value, op, limit) => ({
    value,
    target: `${op} ${limit}`,
    met: value !== null && value !== undefined && (op === '<=' ? value <= limit : value >= limit)
  });
  const top = SIZES[SIZES.length - 1];
  const targets = {
    [`cold_p95_ms_${top}`]: target(last.cold.p95, '<=', 20),
    [`http_cold_p95_ms_${top}`]: target(last.http.cold.p95, '<=', 30),
    [`scale_ratio_${top}_vs_${SIZES[0]}`]: target(round(last.cold.p95 / first.cold.p95), '<=', 1.5),
    import_records_per_s: target(importRate, '>=', 15000),
    [`platform_peak_rss_mb_${top}`]: target(last.http.platform_peak_rss_mb, '<=', 1536),
    results_agree: target(agree, '>=', 1)
  };
  const elapsed = Math.round((Date.now() - started) / 1000);
  console.log(
    `  targets: ${Object.entries(targets)
      .map(([k, t]) => `${k} ${t.value} (${t.target}) ${t.met ? 'met' : 'NOT met'}`)
      .join('; ')}`
  );
  console.log(
    `  machine: ${os.cpus().length} cores, load average ${load.map((l) => l.toFixed(1)).join(' -> ')} during the run; ${elapsed} s in all`
  );
  console.log(
    JSON.stringify({
      bench: 'search',
      smoke: SMOKE,
      sizes: SIZES,
      queries: QUERIES,
      rounds: ROUNDS,
      results,
      targets,
      load_average: load.map((l) => round(l)),
      elapsed_s: elapsed
    })
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
