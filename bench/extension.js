#!/usr/bin/env node
/**
 * npm run bench:extension — what the Genesis Lab JupyterLab extension costs and how fast it is.
 *
 *  1. Builds the extension (tsc + the labextension build) and measures the JavaScript it ships
 *     (genesis_lab/labextension/static, KB) and the part a browser loads at startup.
 *  2. Starts two JupyterLab servers with the UI tests' harness (ui-tests/harness/lab.js), identical
 *     except that one has Genesis Lab (this build of the extension, its platform seeded with the
 *     example catalog) and the other has none of it, and measures in Debian's Chromium the time
 *     to a usable page in rotating cold runs, from one saved workspace whose left sidebar shows the
 *     Catalog: with Genesis Lab "ready" is the launcher shown, the splash gone AND the Catalog's
 *     first results rendered (so its lazy chunks, zod and the first search are inside the measured
 *     window); without it, the launcher shown and the splash gone. median with / median without =
 *     lab_ready_ratio (target < 1.10). `/lab?reset` (no Genesis panel open) is measured beside it.
 *  3. Search-as-you-type on a 100,000-record catalog (bench/support/catalog-records.js, the
 *     records bench:search uses): each of QUERIES distinct queries typed once, timing in the page
 *     the last keystroke -> the rendered results of exactly that query (target <= 150 ms p50).
 *
 * Ends with one JSON line whose `targets` gives value, target and met.
 * GENESIS_BENCH_SMOKE=1: no rebuild when a build exists, 2,000 records, one cold run each without
 * warm-up, two queries.
 * Env: GENESIS_VENV (default .venv), GENESIS_CHROMIUM (default /usr/bin/chromium), GENESIS_BENCH_RUNS.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
// Hoisted from the UI tests' @playwright/test: the same Playwright drives the same Chromium.
const { chromium } = require('playwright-core');
const { startLab, CHROMIUM, CHROMIUM_ARGS, VENV } = require('../ui-tests/harness/lab.js');
const { ROOT, logger } = require('./support/run');
const { median, percentile, round, spread } = require('./support/stats');
const { target, targetLines } = require('./support/targets');
const { generator, makeRecord, ALL_VARIABLES, V } = require('./support/catalog-records');

const SMOKE = process.env.GENESIS_BENCH_SMOKE === '1';
const RUNS = Number(process.env.GENESIS_BENCH_RUNS || (SMOKE ? 1 : 7));
const LABEXT = path.join(ROOT, 'genesis_lab', 'labextension');
const RECORDS = Number(process.env.GENESIS_BENCH_RECORDS || (SMOKE ? 2000 : 100_000));
/** Distinct queries, each typed once: single variables, then a variable with a place. */
const QUERIES = (() => {
  const qs = [
    ...ALL_VARIABLES.slice(0, 12),
    ...ALL_VARIABLES.slice(12, 20).map((v, i) => `${v} ${V.places[i % V.places.length]}`)
  ];
  return SMOKE ? qs.slice(0, 2) : qs;
})();
const WORKSPACE = 'genesis-bench';
const log = logger('extension');

// ---------------------------------------------------------------------------- 1. build + size

function build() {
  const built = fs.existsSync(path.join(LABEXT, 'package.json'));
  if (SMOKE && built) {
    log('smoke: using the existing build in genesis_lab/labextension');
    return 0;
  }
  const t0 = Date.now();
  log('building the extension (npm run build:extension)…');
  // Under scripts/setup's lock: a setup running meanwhile would rebuild the same output dir.
  const lock = path.join(
    process.env.TMPDIR || '/tmp',
    `genesis-setup-${crypto.createHash('sha256').update(`${ROOT}\n`).digest('hex').slice(0, 12)}.lock`
  );
  const r = spawnSync('flock', [lock, 'npm', 'run', '--silent', 'build:extension'], {
    cwd: ROOT,
    env: { ...process.env, PATH: `${VENV}/bin:${process.env.PATH}` },
    encoding: 'utf8'
  });
  if (r.status !== 0)
    throw new Error(`npm run build:extension failed (${r.status}):\n${r.stderr.slice(-3000)}${r.stdout.slice(-2000)}`);
  return (Date.now() - t0) / 1000;
}

function shippedJsKb() {
  const dir = path.join(LABEXT, 'static');
  let bytes = 0;
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.js')) bytes += fs.statSync(path.join(dir, f)).size;
  return bytes / 1024;
}

// ---------------------------------------------------------------------------- 2. browser

/**
 * In the page: resolve with performance.now() once the launcher is shown, the splash is gone and,
 * when `extra` is a selector, an element matching it exists (the Catalog's first results).
 */
const READY_SCRIPT = (extra) => `
  window.__genesisReady = new Promise((resolve) => {
    const extra = ${JSON.stringify(extra)};
    const ready = () => document.querySelector('.jp-LauncherCard') && !document.querySelector('#jupyterlab-splash')
      && (!extra || document.querySelector(extra));
    const start = () => {
      if (ready()) return resolve(performance.now());
      const obs = new MutationObserver(() => { if (ready()) { obs.disconnect(); resolve(performance.now()); } });
      obs.observe(document.documentElement, { childList: true, subtree: true, attributes: true });
    };
    if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
  });
`;
/** The Catalog panel's results rendered: its summary names the (empty) query and nothing is loading. */
const CATALOG_SHOWN = '#genesis-catalog .jp-Genesis-resultSummary[data-query=""][data-loading="false"]';

/**
 * Save the workspace every "catalog" run loads: the left sidebar open on the Catalog (the
 * restorer's key). Put again before each run, so no run inherits what the previous one saved.
 */
async function putWorkspace(lab) {
  const body = {
    data: {
      'layout-restorer:data': {
        main: { dock: null, current: null },
        left: {
          collapsed: false,
          visible: true,
          current: 'genesis-catalog',
          widgets: ['filebrowser', 'genesis-catalog']
        },
        right: { collapsed: true, visible: true, widgets: [] }
      }
    },
    metadata: { id: WORKSPACE }
  };
  const res = await fetch(`${lab.url}/lab/api/workspaces/${WORKSPACE}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  });
  if (!res.ok) throw new Error(`saving the workspace failed: HTTP ${res.status} ${await res.text()}`);
}

/** One cold page load; `mode` 'catalog': the saved workspace with the Catalog open, 'reset': `/lab?reset`. */
async function measureReady(browser, lab, mode) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const withCatalog = mode === 'catalog' && lab.extension;
  await context.addInitScript(READY_SCRIPT(withCatalog ? CATALOG_SHOWN : null));
  const page = await context.newPage();
  if (mode === 'catalog') await putWorkspace(lab);
  await page.goto(mode === 'catalog' ? `${lab.url}/lab/workspaces/${WORKSPACE}` : `${lab.url}/lab?reset`, {
    waitUntil: 'commit'
  });
  const ms = await page.evaluate(() => window.__genesisReady);
  // The extension's JavaScript that arrived before the page was ready (its startup cost).
  const startupBytes = await page.evaluate(
    (ready) =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/extensions/genesis-lab/static/') && e.name.split('?')[0].endsWith('.js'))
        .filter((e) => e.responseEnd <= ready)
        .reduce((sum, e) => sum + (e.decodedBodySize || e.encodedBodySize || 0), 0),
    ms
  );
  const loaded = await page.evaluate(() =>
    JSON.parse(document.getElementById('jupyter-config-data').textContent).federated_extensions.some(
      (e) => e.name === 'genesis-lab'
    )
  );
  return { page, context, ms, startupBytes, loaded };
}

/**
 * Type each query and time, in the page, the last keystroke -> the rendered results of exactly
 * that query (the summary names the query its results are for, and whether a search is running).
 */
async function measureSearch(page) {
  // The workspace opened the Catalog already; clicking its tab again would close it.
  if (!(await page.locator('#genesis-catalog').isVisible()))
    await page.click('.lm-TabBar-tab[data-id="genesis-catalog"]');
  await page.waitForSelector('.jp-Genesis-result', { timeout: 30000 });
  const input = page.locator('.jp-Genesis-searchInput');
  const samples = [];
  for (const q of QUERIES) {
    await input.fill('');
    await page.waitForSelector('.jp-Genesis-resultSummary[data-query=""][data-loading="false"]');
    await page.waitForTimeout(100);
    await page.evaluate((query) => {
      const input = document.querySelector('.jp-Genesis-searchInput');
      const root = document.querySelector('.jp-Genesis-catalog');
      window.__genesisLastKey = 0;
      input.addEventListener('input', () => (window.__genesisLastKey = performance.now()));
      window.__genesisUpdated = new Promise((resolve) => {
        const obs = new MutationObserver(() => {
          const s = document.querySelector('.jp-Genesis-resultSummary');
          if (s && s.dataset.query === query && s.dataset.loading === 'false') {
            obs.disconnect();
            resolve(performance.now());
          }
        });
        obs.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
      });
    }, q);
    await input.pressSequentially(q, { delay: 35 });
    const { last, done } = await page.evaluate(async () => ({
      done: await window.__genesisUpdated,
      last: window.__genesisLastKey
    }));
    const shown = await page.locator('.jp-Genesis-resultSummary').textContent();
    samples.push(done - last);
    log(`search "${q}": ${round(done - last, 1)} ms after the last keystroke (${shown.trim()})`);
  }
  return samples;
}

// ---------------------------------------------------------------------------- main

/**
 * The two labs, side by side for the whole run so that each measurement sees the same processes
 * on the machine (one platform: the "with" lab's server extension runs it; the "without" lab has
 * no Genesis Lab, so nothing that would talk to it). The "without" lab starts first: its server
 * boots while the "with" lab's catalog is seeded.
 */
async function startLabs(labs) {
  const runDir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'genesis-ui-'));
  seedRecords(path.join(runDir, 'genesis-home'));
  const started = await Promise.allSettled([
    startLab({ extension: false, catalog: 'none' }),
    startLab({ labextension: LABEXT, catalog: 'none', runDir })
  ]);
  for (const r of started) if (r.status === 'fulfilled') labs.push(r.value);
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return { withoutLab: labs[0], withLab: labs[1] };
}

/** The with-lab's catalog: RECORDS records through the harvester import, before its platform starts. */
function seedRecords(home) {
  const { SqliteCatalog } = require(path.join(ROOT, 'platform/dist/catalog/sqlite-catalog.js'));
  const { Home } = require(path.join(ROOT, 'platform/dist/home.js'));
  fs.mkdirSync(home, { recursive: true });
  const t0 = Date.now();
  const catalog = SqliteCatalog.open(new Home(home));
  try {
    const rand = generator(0x9e3779b9);
    catalog.importRecords(
      (function* () {
        for (let i = 0; i < RECORDS; i++) yield makeRecord(i, rand);
      })()
    );
  } finally {
    catalog.close();
  }
  log(`seeded ${RECORDS.toLocaleString('en-US')} catalog records in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function main(labs) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/provision-system`);
  const buildSeconds = build();
  const jsKb = shippedJsKb();
  log(`shipped JavaScript: ${round(jsKb, 1)} KB`);

  log(`starting the labs (${RECORDS.toLocaleString('en-US')} catalog records)…`);
  const { withLab, withoutLab } = await startLabs(labs);
  log(`labs at ${withLab.url} (with) and ${withoutLab.url} (without)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    // Warm-up: the servers' first page render (template compilation) is not the extension's cost.
    if (!SMOKE) {
      for (const lab of [withLab, withoutLab]) {
        const r = await measureReady(browser, lab, 'catalog');
        await r.context.close();
      }
    }
    const arms = [
      ['with', 'catalog'],
      ['without', 'catalog'],
      ['with', 'reset'],
      ['without', 'reset']
    ];
    const times = Object.fromEntries(arms.map(([l, m]) => [`${l}_${m}`, []]));
    const startupBytes = { catalog: 0, reset: 0 };
    let searchPage = null;
    for (let i = 0; i < RUNS; i++) {
      // Rotate the order so drift on a shared machine hits every arm alike.
      for (let k = 0; k < arms.length; k++) {
        const [which, mode] = arms[(i + k) % arms.length];
        const lab = which === 'with' ? withLab : withoutLab;
        const r = await measureReady(browser, lab, mode);
        times[`${which}_${mode}`].push(r.ms);
        if (which === 'with') {
          startupBytes[mode] = r.startupBytes;
          if (!r.loaded || r.startupBytes === 0) throw new Error('the extension was not loaded in the "with" server');
        } else if (r.loaded) throw new Error('the extension was loaded in the "without" server');
        log(`run ${i + 1} ${which} the extension, ${mode}: ready in ${round(r.ms, 1)} ms`);
        // The last page with the Catalog open is kept for the search measurement.
        if (which === 'with' && mode === 'catalog' && i === RUNS - 1) {
          searchPage = r;
          continue;
        }
        await r.context.close();
      }
    }
    const search = await measureSearch(searchPage.page);
    await searchPage.context.close();

    const m = (k) => median(times[k]);
    const result = {
      bench: 'extension',
      smoke: SMOKE,
      runs: RUNS,
      catalog_records: RECORDS,
      build_seconds: round(buildSeconds, 1),
      extension_js_kb: round(jsKb, 1),
      // Loaded before "ready" with the Catalog open (its chunks) and with no Genesis panel open.
      extension_startup_js_kb: round(startupBytes.catalog / 1024, 1),
      extension_startup_js_kb_reset: round(startupBytes.reset / 1024, 1),
      lab_ready_ms_with: round(m('with_catalog'), 1),
      lab_ready_ms_without: round(m('without_catalog'), 1),
      lab_ready_ratio: round(m('with_catalog') / m('without_catalog'), 3),
      lab_ready_ratio_reset: round(m('with_reset') / m('without_reset'), 3),
      lab_ready_ms: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, spread(v, 1)])),
      search_update_ms: round(median(search), 1),
      search_update_p95_ms: round(percentile(search, 95), 1),
      search_update_max_ms: round(Math.max(...search), 1),
      search_samples: search.length,
      search_update_spread_ms: spread(search, 1)
    };
    result.targets = {
      lab_ready_ratio: target(result.lab_ready_ratio, '<=', 1.1),
      search_update_ms: target(result.search_update_ms, '<=', 150)
    };
    log(
      `ready with the Catalog open: with ${result.lab_ready_ms_with} ms, without ${result.lab_ready_ms_without} ms, ratio ${result.lab_ready_ratio} (?reset: ${result.lab_ready_ratio_reset}); ` +
        `search update on ${RECORDS} records median ${result.search_update_ms} ms (p95 ${result.search_update_p95_ms} ms)`
    );
    for (const line of targetLines(result.targets)) log(line);
    return result;
  } finally {
    await browser.close();
  }
}

/** Stop the labs (and the platform the "with" lab runs) however the run ends. */
async function stopLabs(labs) {
  await Promise.all(labs.splice(0).map((lab) => lab.stop()));
}

const labs = [];
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => stopLabs(labs).finally(() => process.exit(1)));
}
main(labs).then(
  async (result) => {
    await stopLabs(labs);
    // The very last output, once the labs are down: nothing comes after the JSON line.
    process.stdout.write(JSON.stringify(result) + '\n');
  },
  async (err) => {
    log(`FAILED: ${err && err.stack ? err.stack : err}`);
    await stopLabs(labs);
    process.exit(1);
  }
);
