#!/usr/bin/env node
/**
 * npm run bench:extension — what the Genesis Lab JupyterLab extension costs and how fast it is.
 *
 *  1. Builds the extension (tsc + the labextension build) and measures the JavaScript it ships
 *     (genesis_lab/labextension/static, KB) and the part a browser loads at startup.
 *  2. Starts two JupyterLab servers with the UI tests' harness (ui-tests/harness/lab.js), identical
 *     except that one has Genesis Lab (this build of the extension, its platform seeded with the
 *     example catalog) and the other has none of it, and measures in Debian's Chromium the time
 *     to a usable page (launcher shown, splash gone) in alternating cold runs:
 *     median with / median without = lab_ready_ratio (target < 1.10).
 *  3. Search-as-you-type: types queries into the catalog panel and measures, in the page, the
 *     time from the last keystroke to the rendered results of that query (target <= 150 ms).
 *
 * Ends with one JSON line: extension_js_kb, extension_startup_js_kb, lab_ready_ratio, ...,
 * search_update_ms. GENESIS_BENCH_SMOKE=1 (< 30 s): no rebuild when a build exists, a one-record
 * catalog instead of the examples, one cold run each without warm-up, one query.
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
const { median, percentile, round } = require('./support/stats');

const SMOKE = process.env.GENESIS_BENCH_SMOKE === '1';
const RUNS = Number(process.env.GENESIS_BENCH_RUNS || (SMOKE ? 1 : 7));
const LABEXT = path.join(ROOT, 'genesis_lab', 'labextension');
const QUERIES = SMOKE ? ['co2'] : ['co2', 'temperature', 'earthquake', 'weather', 'isotopes', 'electricity', 'flights'];
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

/** In the page: resolve with performance.now() once the launcher is shown and the splash is gone. */
const READY_SCRIPT = `
  window.__genesisReady = new Promise((resolve) => {
    const ready = () => document.querySelector('.jp-LauncherCard') && !document.querySelector('#jupyterlab-splash');
    const start = () => {
      if (ready()) return resolve(performance.now());
      const obs = new MutationObserver(() => { if (ready()) { obs.disconnect(); resolve(performance.now()); } });
      obs.observe(document.documentElement, { childList: true, subtree: true });
    };
    if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
  });
`;

async function measureReady(browser, lab) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(READY_SCRIPT);
  const page = await context.newPage();
  await page.goto(`${lab.url}/lab?reset`, { waitUntil: 'commit' });
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
  await page.click('.lm-TabBar-tab[data-id="genesis-catalog"]');
  await page.waitForSelector('.jp-Genesis-result', { timeout: 30000 });
  const input = page.locator('.jp-Genesis-searchInput');
  const samples = [];
  for (const q of [...QUERIES, ...QUERIES]) {
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
  const started = await Promise.allSettled([
    startLab({ extension: false, catalog: 'none' }),
    startLab({ labextension: LABEXT, catalog: SMOKE ? 'tiny' : 'examples' })
  ]);
  for (const r of started) if (r.status === 'fulfilled') labs.push(r.value);
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return { withoutLab: labs[0], withLab: labs[1] };
}

async function main(labs) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/provision-system`);
  const buildSeconds = build();
  const jsKb = shippedJsKb();
  log(`shipped JavaScript: ${round(jsKb, 1)} KB`);

  log(`starting the labs (${SMOKE ? 'a one-record catalog' : 'the example catalog'})…`);
  const { withLab, withoutLab } = await startLabs(labs);
  log(`labs at ${withLab.url} (with) and ${withoutLab.url} (without)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    // Warm-up: the servers' first page render (template compilation) is not the extension's cost.
    if (!SMOKE) {
      for (const lab of [withLab, withoutLab]) {
        const r = await measureReady(browser, lab);
        await r.context.close();
      }
    }
    const withMs = [];
    const withoutMs = [];
    let startupBytes = 0;
    let searchPage = null;
    for (let i = 0; i < RUNS; i++) {
      // Alternate the order so drift on a shared machine hits both sides alike.
      const order = i % 2 === 0 ? [withLab, withoutLab] : [withoutLab, withLab];
      for (const lab of order) {
        const r = await measureReady(browser, lab);
        if (lab === withLab) {
          withMs.push(r.ms);
          startupBytes = r.startupBytes;
          if (!r.loaded || r.startupBytes === 0) throw new Error('the extension was not loaded in the "with" server');
        } else {
          withoutMs.push(r.ms);
          if (r.loaded) throw new Error('the extension was loaded in the "without" server');
        }
        log(`run ${i + 1} ${lab === withLab ? 'with' : 'without'} the extension: ready in ${round(r.ms, 1)} ms`);
        // The last page with the extension is kept for the search measurement.
        if (lab === withLab && i === RUNS - 1) {
          searchPage = r;
          continue;
        }
        await r.context.close();
      }
    }
    const search = await measureSearch(searchPage.page);
    await searchPage.context.close();

    const ratio = median(withMs) / median(withoutMs);
    const result = {
      bench: 'extension',
      smoke: SMOKE,
      runs: RUNS,
      build_seconds: round(buildSeconds, 1),
      extension_js_kb: round(jsKb, 1),
      extension_startup_js_kb: round(startupBytes / 1024, 1),
      lab_ready_ms_with: round(median(withMs), 1),
      lab_ready_ms_without: round(median(withoutMs), 1),
      lab_ready_ratio: round(ratio, 3),
      lab_ready_target_ratio: 1.1,
      search_update_ms: round(median(search), 1),
      search_update_p95_ms: round(percentile(search, 95), 1),
      search_update_max_ms: round(Math.max(...search), 1),
      search_update_target_ms: 150,
      search_samples: search.length
    };
    log(
      `ready: with ${result.lab_ready_ms_with} ms, without ${result.lab_ready_ms_without} ms, ratio ${result.lab_ready_ratio}; ` +
        `search update median ${result.search_update_ms} ms (p95 ${result.search_update_p95_ms} ms)`
    );
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
