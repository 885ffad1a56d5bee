#!/usr/bin/env node
/**
 * npm run bench:extension — what the Genesis Lab JupyterLab extension costs and how fast it is.
 *
 *  1. Builds the extension (tsc + the labextension build) and measures the JavaScript it ships
 *     (genesis_lab/labextension/static, KB) and the part a browser loads at startup.
 *  2. Starts two JupyterLab servers from the project's Python environment, identical except that
 *     one has the extension, against one real platform seeded with the example catalog, and
 *     measures in Debian's Chromium the time to a usable page (launcher shown, splash gone) in
 *     alternating cold runs: median with / median without = lab_ready_ratio (target < 1.10).
 *  3. Search-as-you-type: types queries into the catalog panel and measures, in the page, the
 *     time from the last keystroke to the rendered results of that query (target <= 150 ms).
 *
 * Ends with one JSON line: extension_js_kb, extension_startup_js_kb, lab_ready_ratio, ...,
 * search_update_ms. GENESIS_BENCH_SMOKE=1 (< 30 s): no rebuild when a build exists, a one-record
 * catalog instead of the examples, one cold run each without warm-up, one query.
 * Env: GENESIS_VENV (default .venv), CHROMIUM (default /usr/bin/chromium), GENESIS_BENCH_RUNS.
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { percentile } = require('./support/stats');

const ROOT = path.resolve(__dirname, '..');
const SMOKE = process.env.GENESIS_BENCH_SMOKE === '1';
const RUNS = Number(process.env.GENESIS_BENCH_RUNS || (SMOKE ? 1 : 7));
const VENV = process.env.GENESIS_VENV || path.join(ROOT, '.venv');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const LABEXT = path.join(ROOT, 'genesis_lab', 'labextension');
const QUERIES = SMOKE ? ['co2'] : ['co2', 'temperature', 'earthquake', 'weather', 'isotopes', 'electricity', 'flights'];
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];

const children = [];
const tmpDirs = [];

function log(msg) {
  process.stderr.write(`[bench:extension] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${r.status}):\n${(r.stderr || '').slice(-3000)}${(r.stdout || '').slice(-2000)}`
    );
  }
  return r.stdout;
}

function mkTemp(prefix) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

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
  run('flock', [lock, 'npm', 'run', '--silent', 'build:extension'], {
    env: { ...process.env, PATH: `${VENV}/bin:${process.env.PATH}` }
  });
  return (Date.now() - t0) / 1000;
}

function shippedJsKb() {
  const dir = path.join(LABEXT, 'static');
  let bytes = 0;
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.js')) bytes += fs.statSync(path.join(dir, f)).size;
  return bytes / 1024;
}

// ---------------------------------------------------------------------------- 2. servers

/** Every installed labextension except ours, as symlinks in one directory (+ ours when `withExt`). */
function labextensionsDir(withExt) {
  const dir = mkTemp(`genesis-bench-labext-${withExt ? 'with' : 'without'}-`);
  const py = path.join(VENV, 'bin', 'python');
  const paths = JSON.parse(
    run(py, [
      '-c',
      'import json; from jupyter_core.paths import jupyter_path; print(json.dumps(jupyter_path("labextensions")))'
    ])
  );
  for (const p of paths) {
    if (!fs.existsSync(p)) continue;
    for (const entry of fs.readdirSync(p)) {
      const names = entry.startsWith('@') ? fs.readdirSync(path.join(p, entry)).map((n) => `${entry}/${n}`) : [entry];
      for (const name of names) {
        if (name === 'genesis-lab') continue;
        const target = path.join(dir, name);
        if (fs.existsSync(target)) continue;
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.symlinkSync(path.join(p, name), target);
      }
    }
  }
  if (withExt) fs.symlinkSync(LABEXT, path.join(dir, 'genesis-lab'));
  return dir;
}

async function waitFor(check, timeoutMs, what) {
  const t0 = Date.now();
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Smoke: one small record (seeding the examples ingests a 3M-row file, too slow for a smoke run). */
function seedTiny(home) {
  const rows = 'month,value\n2020-01,413.4\n2020-02,414.1\n';
  for (const [id, title] of [['bench/co2-sample', 'CO2 sample (bench smoke data)']]) {
    const csv = path.join(home, `${id.split('/')[1]}.csv`);
    const meta = path.join(home, `${id.split('/')[1]}.json`);
    fs.writeFileSync(csv, rows);
    fs.writeFileSync(meta, JSON.stringify({ title, license: 'CC0-1.0', description: `${title}.` }));
    run('node', ['platform/bin/genesis.js', 'ingest', csv, '--id', id, '--meta', meta, '--home', home]);
  }
}

async function startPlatform(home) {
  if (SMOKE) {
    log('smoke: a one-record catalog');
    seedTiny(home);
  } else {
    log('seeding the example catalog…');
    run('node', ['platform/bin/genesis.js', 'seed', 'examples', '--home', home]);
  }
  const child = spawn('node', ['platform/bin/genesis.js', 'serve', '--port', '0', '--home', home], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  await waitFor(() => /listening on (http:\/\/\S+)/.test(out), 30000, 'the platform to listen');
  return out.match(/listening on (http:\/\/\S+)/)[1];
}

async function startLab(name, labextDir, home) {
  const port = await freePort();
  const dir = mkTemp(`genesis-bench-${name}-`);
  for (const d of ['config', 'runtime', 'root', 'settings', 'workspaces']) fs.mkdirSync(path.join(dir, d));
  const env = {
    ...process.env,
    PATH: `${VENV}/bin:${process.env.PATH}`,
    // The server extension finds our platform through GENESIS_HOME's discovery file.
    PYTHONPATH: [ROOT, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
    GENESIS_HOME: home,
    GENESIS_LAB_MANAGE_PLATFORM: '0',
    JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
    JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime')
  };
  const args = [
    'lab',
    '--no-browser',
    '--allow-root',
    `--port=${port}`,
    '--ServerApp.ip=127.0.0.1',
    '--IdentityProvider.token=',
    '--ServerApp.password=',
    `--ServerApp.root_dir=${path.join(dir, 'root')}`,
    // Server extensions that only slow the servers' start (same for both labs): language servers,
    // terminals, the classic-notebook shim.
    "--ServerApp.jpserver_extensions={'genesis_lab': True, 'jupyter_lsp': False, 'jupyter_server_terminals': False, 'notebook_shim': False}",
    `--LabApp.labextensions_path=${labextDir}`,
    `--LabApp.user_settings_dir=${path.join(dir, 'settings')}`,
    `--LabApp.workspaces_dir=${path.join(dir, 'workspaces')}`,
    '--LabApp.news_url=None',
    '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'
  ];
  const child = spawn(path.join(VENV, 'bin', 'jupyter'), args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => (await fetch(`${url}/api/status`)).ok,
    60000,
    `JupyterLab (${name}) to answer; its log:\n${out.slice(-2000)}`
  );
  return { url, log: () => out };
}

// ---------------------------------------------------------------------------- browser

function loadPlaywright() {
  try {
    return require('playwright-core');
  } catch {
    return require(path.join(ROOT, 'node_modules', 'playwright-core'));
  }
}

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
    log(`search "${q}": ${round(done - last)} ms after the last keystroke (${shown.trim()})`);
  }
  return samples;
}

// ---------------------------------------------------------------------------- main

async function main() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/provision-system`);
  if (!fs.existsSync(path.join(VENV, 'bin', 'jupyter'))) throw new Error(`No JupyterLab in ${VENV}: run scripts/setup`);
  const buildSeconds = build();
  const jsKb = shippedJsKb();
  log(`shipped JavaScript: ${round(jsKb)} KB`);

  const home = mkTemp('genesis-bench-home-');
  // The labs find the platform through the discovery file when first asked: start all at once.
  const [platformUrl, withLab, withoutLab] = await Promise.all([
    startPlatform(home),
    startLab('with', labextensionsDir(true), home),
    startLab('without', labextensionsDir(false), home)
  ]);
  log(`platform at ${platformUrl}; labs at ${withLab.url} (with) and ${withoutLab.url} (without)`);
  const { chromium } = loadPlaywright();
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
        log(`run ${i + 1} ${lab === withLab ? 'with' : 'without'} the extension: ready in ${round(r.ms)} ms`);
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
      build_seconds: round(buildSeconds),
      extension_js_kb: round(jsKb),
      extension_startup_js_kb: round(startupBytes / 1024),
      lab_ready_ms_with: round(median(withMs)),
      lab_ready_ms_without: round(median(withoutMs)),
      lab_ready_ratio: round(ratio, 3),
      lab_ready_target_ratio: 1.1,
      search_update_ms: round(median(search)),
      search_update_p95_ms: round(percentile(search, 95)),
      search_update_max_ms: round(Math.max(...search)),
      search_update_target_ms: 150,
      search_samples: search.length
    };
    log(
      `ready: with ${result.lab_ready_ms_with} ms, without ${result.lab_ready_ms_without} ms, ratio ${result.lab_ready_ratio}; ` +
        `search update median ${result.search_update_ms} ms (p95 ${result.search_update_p95_ms} ms)`
    );
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await browser.close();
  }
}

async function cleanup() {
  // All at once: each Jupyter server stops its kernels and extensions on SIGTERM.
  await Promise.all(
    children.map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      c.kill('SIGTERM');
      await Promise.race([new Promise((r) => c.once('exit', r)), new Promise((r) => setTimeout(r, 8000))]);
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    })
  );
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
}

main().then(
  () => cleanup(),
  async (err) => {
    log(`FAILED: ${err && err.stack ? err.stack : err}`);
    await cleanup();
    process.exit(1);
  }
);
