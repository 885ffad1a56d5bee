import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  Discovery,
  LAB_PLATFORM_PATH,
  ManagedPlatformStatus,
  discoveryFilePath,
  parseOrThrow
} from '@genesis-lab/contract';
import { REPO_ROOT } from './platform-process';
import { freePort, isAlive } from './processes';
import { sleep } from './wait';

/** The Python environment scripts/setup prepared (scripts/test exports GENESIS_VENV). */
export const VENV = process.env.GENESIS_VENV || path.join(REPO_ROOT, '.venv');

export const run = promisify(execFile);

/** Fail loudly (never skip) when the environment the tests need was not set up. */
export function requireVenv(venv = VENV): void {
  if (!fs.existsSync(path.join(venv, 'bin', 'jupyter'))) {
    throw new Error(`No Jupyter in ${venv}: run \`bash scripts/setup\` first (npm test does)`);
  }
}

const tempDirs: string[] = [];

/** A temporary directory, removed by `removeTempDirs()` (each test file's afterAll). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** The platform the discovery file of `home` names, if it is a valid one. */
export function readDiscovery(home: string): Discovery | undefined {
  try {
    return Discovery.parse(
      JSON.parse(fs.readFileSync(discoveryFilePath({ GENESIS_HOME: home }, os.homedir()), 'utf8'))
    );
  } catch {
    return undefined;
  }
}

export interface JupyterOptions {
  /** `server` (`jupyter server`, the packaging tests) or `lab` (`jupyter lab`, the UI tests and bench). */
  app?: 'server' | 'lab';
  venv?: string;
  /** GENESIS_HOME of the platform the server runs (default: a new directory under `dir`). */
  home?: string;
  /** This run's directory (Jupyter's config, data and runtime dirs; the log). Default: a temp dir. */
  dir?: string;
  /** The server's root directory and working directory (default `dir`). */
  root?: string;
  /** The Jupyter token; `null`: none (a config file such as Galata's turns authentication off). */
  token?: string | null;
  port?: number;
  env?: NodeJS.ProcessEnv;
  args?: string[];
  /** Append the server's output to this file (default: kept in memory, `log()`). */
  logFile?: string;
  /** Also wait until the Jupyter server reports its platform running. */
  waitForPlatform?: boolean;
  /** The home is this run's alone: `stop()` also stops a platform left running on it (default: when `home` was not given). */
  ownHome?: boolean;
  timeoutMs?: number;
}

export interface JupyterServer {
  url: string;
  token: string | null;
  port: number;
  home: string;
  dir: string;
  proc: ChildProcess;
  pid: number;
  /** Everything the server logged so far. */
  log(): string;
  /** fetch with the Jupyter token (as JupyterLab's ServerConnection sends it). */
  fetch(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  status(): Promise<ManagedPlatformStatus>;
  /** Poll the status until `accept` holds (or fail with the last status and the log). */
  waitFor(accept: (s: ManagedPlatformStatus) => boolean, timeoutMs?: number): Promise<ManagedPlatformStatus>;
  /**
   * SIGTERM (Jupyter's clean shutdown stops the platform it started) and wait for the exit,
   * SIGKILL after 20 s; then a platform that outlived its server on this home is stopped too.
   */
  stop(): Promise<void>;
}

/**
 * Start a real Jupyter server from a Python environment, with its own config, data and runtime
 * directories (nothing from the user's ~/.jupyter), on a free loopback port, and wait until it
 * answers (and, asked, until its platform runs). The one launcher of the packaging tests, the UI
 * tests' harness and the extension benchmark.
 */
export async function startJupyter(opts: JupyterOptions = {}): Promise<JupyterServer> {
  const venv = opts.venv ?? VENV;
  requireVenv(venv);
  const dir = opts.dir ?? tempDir('genesis-jupyter-');
  const root = opts.root ?? dir;
  const home = opts.home ?? path.join(dir, 'genesis-home');
  const port = opts.port ?? (await freePort());
  const token =
    opts.token === null
      ? null
      : (opts.token ?? `t${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`);
  const args = [
    opts.app ?? 'server',
    '--no-browser',
    `--port=${port}`,
    '--port-retries=0',
    '--ip=127.0.0.1',
    ...(token === null ? [] : [`--IdentityProvider.token=${token}`]),
    `--ServerApp.root_dir=${root}`,
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
    ...(opts.args ?? [])
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${path.join(venv, 'bin')}:${process.env.PATH}`,
    JUPYTER_CONFIG_DIR: path.join(dir, 'jupyter', 'config'),
    JUPYTER_DATA_DIR: path.join(dir, 'jupyter', 'data'),
    JUPYTER_RUNTIME_DIR: path.join(dir, 'jupyter', 'runtime'),
    GENESIS_HOME: home,
    GENESIS_URL: '',
    GENESIS_TOKEN: '',
    ...opts.env
  };
  let out = '';
  let proc: ChildProcess;
  if (opts.logFile) {
    const fd = fs.openSync(opts.logFile, 'a');
    proc = spawn(path.join(venv, 'bin', 'jupyter'), args, { cwd: root, env, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
  } else {
    proc = spawn(path.join(venv, 'bin', 'jupyter'), args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  }
  const log = () => (opts.logFile ? fs.readFileSync(opts.logFile, 'utf8') : out);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const authed = (p: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (token !== null && !headers.has('authorization')) headers.set('authorization', `token ${token}`);
    return fetch(url + p, { ...init, headers });
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 60000);
  const waitUntilReady = async (what: string, ready: () => Promise<boolean>) => {
    for (;;) {
      if (proc.exitCode !== null)
        throw new Error(`jupyter ${args[0]} exited with ${proc.exitCode} before ${what}:\n${tail(log())}`);
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`timed out waiting until ${what}:\n${tail(log())}`);
      }
      try {
        if (await ready()) return;
      } catch {
        /* not listening yet */
      }
      await sleep(100);
    }
  };
  await waitUntilReady('Jupyter answers', async () => (await authed('/api/status')).ok);

  const server: JupyterServer = {
    url,
    token,
    port,
    home,
    dir,
    proc,
    pid: proc.pid!,
    log,
    fetch: authed,
    async status() {
      const r = await authed(`/${LAB_PLATFORM_PATH}`);
      if (!r.ok) throw new Error(`GET /${LAB_PLATFORM_PATH}: ${r.status} ${await r.text()}`);
      // The contract's schema, as the extension reads it: a drift between genesis_lab/supervisor.py
      // and the contract fails here, naming the path (e.g. "Invalid status at status.restarts").
      return parseOrThrow(ManagedPlatformStatus, await r.json(), 'status');
    },
    async waitFor(accept, timeoutMs = 30000) {
      const until = Date.now() + timeoutMs;
      let last: ManagedPlatformStatus | undefined;
      while (Date.now() < until) {
        last = await server.status();
        if (accept(last)) return last;
        await sleep(100);
      }
      throw new Error(`platform status never matched; last ${JSON.stringify(last)}\n--- jupyter log ---\n${log()}`);
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const late = await Promise.race([exited.then(() => false), sleep(20000).then(() => true)]);
        if (late) {
          proc.kill('SIGKILL');
          await exited;
        }
      }
      // A platform that outlived its server (this home is this run's alone): stop it too.
      const leftover = readDiscovery(home);
      if ((opts.ownHome ?? opts.home === undefined) && leftover && isAlive(leftover.pid)) {
        process.kill(leftover.pid, 'SIGTERM');
        for (let i = 0; i < 50 && isAlive(leftover.pid); i++) await sleep(100);
        if (isAlive(leftover.pid)) process.kill(leftover.pid, 'SIGKILL');
      }
    }
  };
  if (opts.waitForPlatform)
    await waitUntilReady('the platform runs', async () => (await server.status()).state === 'running');
  return server;
}

function tail(text: string): string {
  return text.split('\n').slice(-60).join('\n');
}
