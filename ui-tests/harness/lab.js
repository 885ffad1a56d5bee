// @ts-check
'use strict';
/**
 * Start and stop a real JupyterLab for the UI tests (global setup) and for bench/ (plain Node):
 * the project's Python environment, Galata's server configuration, a temporary GENESIS_HOME seeded
 * with the example catalog, a temporary copy of examples/ as the notebook root (kernels there
 * resolve @genesis-lab/kernel), and the tslab kernel. Nothing of the user's ~/.jupyter is used.
 * Starting, waiting for and stopping the server is the tests' one Jupyter launcher
 * (@genesis-lab/test-support `startJupyter`, built by `npm run build:packages`); this file adds
 * what only a lab for the UI needs (notebooks, catalog, labextensions, Chromium).
 *
 * Options that matter to tests and benchmarks:
 * - `extension: false`: the same lab WITHOUT Genesis Lab (its labextension left out of the lab's
 *   labextensions path, its server extension off), for with/without comparisons.
 * - `labextension`: serve this build of the labextension (e.g. a fresh genesis_lab/labextension)
 *   instead of the installed one.
 * - `catalog: 'tiny'`: one small record instead of the example catalog, for quick runs.
 * - `platform: 'stopped'`: the Jupyter server keeps the platform down until a user (or a test)
 *   starts it: the "platform unreachable" scenario.
 */
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '../..');
/** @type {typeof import('../../test-support/src')} */
const support = require(path.join(REPO_ROOT, 'test-support/dist/index.js'));
const UI_TESTS = path.resolve(__dirname, '..');
const VENV = support.VENV;
const GENESIS_BIN = path.join(REPO_ROOT, 'cli/bin/genesis.js');
const CHROMIUM = process.env.GENESIS_CHROMIUM || '/usr/bin/chromium';

/**
 * Flags for Debian's Chromium on a closed network, as root, in a container.
 * @type {string[]}
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage'
];

/**
 * A free TCP port on loopback, found synchronously (Playwright's config file cannot await).
 * @returns {number}
 */
function freePortSync() {
  const script =
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script]).toString());
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
function runOrThrow(cmd, args, env) {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${[cmd, ...args].join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/**
 * One small record (`genesis ingest` of a two-row CSV): seeding the examples ingests a 3M-row
 * file, too slow for a smoke run.
 * @param {string} home
 * @param {string} dir  where the CSV and its metadata are written
 * @param {NodeJS.ProcessEnv} env
 */
function seedTinyCatalog(home, dir, env) {
  const csv = path.join(dir, 'co2-sample.csv');
  const meta = path.join(dir, 'co2-sample.json');
  fs.writeFileSync(csv, 'month,value\n2020-01,413.4\n2020-02,414.1\n');
  const title = 'CO2 sample (a one-record catalog for quick runs)';
  fs.writeFileSync(meta, JSON.stringify({ title, license: 'CC0-1.0', description: `${title}.` }));
  runOrThrow(process.execPath, [GENESIS_BIN, 'ingest', csv, '--id', 'sample/co2', '--meta', meta, '--home', home], env);
}

/**
 * A labextensions directory for one run: links to every installed labextension except
 * genesis-lab, and to `genesisLab` as genesis-lab when given. Disabling is not enough for a lab
 * "without" it: JupyterLab still loads a disabled federated extension's JavaScript (its remote
 * entry and plugin module), it only skips activating the plugins.
 * @param {string} dir
 * @param {NodeJS.ProcessEnv} env  the lab's environment (its Jupyter paths)
 * @param {string} [genesisLab]
 */
function labextensionsDir(dir, env, genesisLab) {
  const python = path.join(VENV, 'bin', 'python');
  const script =
    'import json; from jupyter_core.paths import jupyter_path; print(json.dumps(jupyter_path("labextensions")))';
  /** @type {string[]} */
  const installed = JSON.parse(runOrThrow(python, ['-c', script], env));
  fs.mkdirSync(dir, { recursive: true });
  for (const root of installed.filter((p) => fs.existsSync(p))) {
    for (const entry of fs.readdirSync(root)) {
      const names = entry.startsWith('@')
        ? fs.readdirSync(path.join(root, entry)).map((n) => `${entry}/${n}`)
        : [entry];
      for (const name of names) {
        const link = path.join(dir, name);
        // The first directory of jupyter_path wins, as in JupyterLab's own lookup.
        if (name === 'genesis-lab' || fs.existsSync(link)) continue;
        fs.mkdirSync(path.dirname(link), { recursive: true });
        fs.symlinkSync(path.join(root, name), link);
      }
    }
  }
  if (genesisLab) fs.symlinkSync(path.resolve(genesisLab), path.join(dir, 'genesis-lab'));
  return dir;
}

/**
 * @typedef {object} LabOptions
 * @property {boolean} [extension]  Genesis Lab enabled (default true)
 * @property {string} [labextension]  the genesis-lab labextension to serve (a built
 *   genesis_lab/labextension); default: the installed one
 * @property {'managed' | 'stopped'} [platform]  'stopped': the platform stays down until started
 * @property {'examples' | 'tiny' | 'none'} [catalog]  what the platform's home holds: the example
 *   catalog (default), one small record (seedTinyCatalog), nothing
 * @property {number} [port]  default: a free port
 * @property {string} [runDir]  default: a new temporary directory
 * @property {number} [timeoutMs]  for the lab (and the platform) to answer, default 120000
 * @property {NodeJS.ProcessEnv} [env]  extra environment for the Jupyter server
 */

/**
 * @typedef {object} Lab
 * @property {string} url  e.g. http://127.0.0.1:PORT (no token: Galata's test configuration)
 * @property {number} port
 * @property {string} runDir  this run's home, Jupyter dirs and jupyter.log
 * @property {string} notebooks  the notebook root: a copy of examples/ under ui-tests/.jupyter-test/
 * @property {string} home  GENESIS_HOME of the platform
 * @property {string} logFile  the Jupyter server's output
 * @property {number} pid  the Jupyter server's pid
 * @property {boolean} extension
 * @property {(opts?: { keepFiles?: boolean }) => Promise<void>} stop  stop the server (and its
 *   platform), kill leftovers, and remove the run directory unless `keepFiles`
 */

/**
 * @param {LabOptions} [opts]
 * @returns {Promise<Lab>}
 */
async function startLab(opts = {}) {
  const extension = opts.extension ?? true;
  support.requireVenv(VENV);
  const runDir = opts.runDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-ui-'));
  const home = path.join(runDir, 'genesis-home');
  // Inside the checkout (git-ignored), so kernels started there resolve @genesis-lab/kernel and
  // its dependencies through the real node_modules: through a symlink TypeScript sees their real
  // paths outside the notebook's tree and tslab rejects inferred types as "not portable" (TS2742).
  const jupyterTest = path.join(UI_TESTS, '.jupyter-test');
  fs.mkdirSync(jupyterTest, { recursive: true });
  const notebooks = path.join(fs.mkdtempSync(path.join(jupyterTest, 'run-')), 'notebooks');
  const logFile = path.join(runDir, 'jupyter.log');
  const port = opts.port ?? (await support.freePort());

  // The notebooks: a copy of examples/ (tests may write).
  fs.cpSync(path.join(REPO_ROOT, 'examples'), notebooks, { recursive: true });

  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    PATH: `${path.join(VENV, 'bin')}:${process.env.PATH}`,
    JUPYTER_CONFIG_DIR: path.join(runDir, 'jupyter', 'config'),
    JUPYTER_DATA_DIR: path.join(runDir, 'jupyter', 'data'),
    JUPYTER_RUNTIME_DIR: path.join(runDir, 'jupyter', 'runtime'),
    JUPYTERLAB_GALATA_ROOT_DIR: notebooks,
    GENESIS_UI_PORT: String(port),
    GENESIS_HOME: home,
    GENESIS_URL: '',
    GENESIS_TOKEN: '',
    GENESIS_LAB_AUTOSTART: opts.platform === 'stopped' ? '0' : '1',
    ...opts.env
  };

  const catalog = opts.catalog ?? 'examples';
  if (catalog === 'examples') runOrThrow(process.execPath, [GENESIS_BIN, 'seed', 'examples', '--home', home], env);
  if (catalog === 'tiny') seedTinyCatalog(home, runDir, env);
  const args = [`--config=${path.join(UI_TESTS, 'jupyter_server_test_config.py')}`];
  // Only for this run, on the command line (in a virtualenv the environment's config outranks the
  // user's); the installed package stays untouched.
  if (!extension || opts.labextension) {
    const dir = labextensionsDir(path.join(runDir, 'labextensions'), env, extension ? opts.labextension : undefined);
    args.push(`--LabApp.labextensions_path=${dir}`);
  }
  if (!extension) args.push(`--ServerApp.jpserver_extensions={'genesis_lab': False}`);
  const server = await support.startJupyter({
    app: 'lab',
    token: null, // Galata's configuration: no token, no XSRF check
    venv: VENV,
    dir: runDir,
    root: notebooks,
    home,
    port,
    env,
    args,
    logFile,
    waitForPlatform: extension && opts.platform !== 'stopped',
    ownHome: true,
    timeoutMs: opts.timeoutMs ?? 120000
  });

  return {
    url: server.url,
    port,
    runDir,
    home,
    notebooks,
    logFile,
    pid: server.pid,
    extension,
    async stop({ keepFiles = false } = {}) {
      await server.stop();
      if (!keepFiles) {
        fs.rmSync(runDir, { recursive: true, force: true });
        fs.rmSync(path.dirname(notebooks), { recursive: true, force: true });
      }
    }
  };
}

module.exports = {
  startLab,
  freePortSync,
  readDiscovery: support.readDiscovery,
  REPO_ROOT,
  VENV,
  CHROMIUM,
  CHROMIUM_ARGS
};
