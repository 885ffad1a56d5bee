'use strict';
/**
 * The naive scan of bench/search.js in a worker thread: its million prepared records live in
 * their own heap, so their garbage collections never pause the engine being measured beside it.
 * Messages: in { query, principal, k }, out { ms, result }; first out { ready, prepareMs }.
 */
const path = require('node:path');
const { parentPort, workerData } = require('node:worker_threads');
const { ROOT } = require('./run');
const { createNaiveSearch } = require('./naive-search');

const dist = (p) => require(path.join(ROOT, p));
const { SearchQuery, FACETS } = dist('contract/dist/index.js');
const { openDatabase } = dist('platform/dist/db/database.js');
const naive = createNaiveSearch({
  ...dist('platform/dist/catalog/search/bm25.js'),
  ...dist('platform/dist/catalog/search/search-document.js'),
  ...dist('platform/dist/catalog/search/match-expression.js'),
  ...dist('platform/dist/catalog/access.js'),
  ...dist('platform/dist/catalog/record-rows.js'),
  FACETS
});

const t0 = process.hrtime.bigint();
const db = openDatabase(workerData.dbPath, []);
const catalog = naive.load(db);
db.close();
parentPort.postMessage({ ready: true, prepareMs: Number(process.hrtime.bigint() - t0) / 1e6 });
parentPort.on('message', ({ query, principal, k }) => {
  const q = SearchQuery.parse(query);
  const t = process.hrtime.bigint();
  const result = naive.search(catalog, q, principal, k);
  parentPort.postMessage({ ms: Number(process.hrtime.bigint() - t) / 1e6, result });
});
