import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Discovery, LAB_PLATFORM_PATH, ManagedPlatformStatus, parseOrThrow } from '@genesis-lab/contract';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export { GENESIS_BIN } from '@genesis-lab/test-support';
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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface JupyterServer {
  url: string;
  token: string;
  home: string;
  proc: ChildProcess;
  /** Everything the server logged so far. */
  log(): string;
  /** fetch with the Jupyter token (as JupyterLab's ServerConnection sends it). */
  fetch(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  status(): Promise<ManagedPlatformStatus>;
  /** Poll the status until `accept` holds (or fail with the last status and the log). */
  waitFor(accept: (s: ManagedPlatformStatus) => boolean, timeoutMs?: number): Promise<ManagedPlatformStatus>;
  /** SIGTERM (Jupyter's clean shutdown) and wait for the exit. */
  stop(): Promise<void>;
}

export interface JupyterOptions {
  venv?: string;
  home?: string;
  env?: Record<string, string>;
  args?: string[];
  timeoutMs?: number;
}

/**
 * Start a real `jupyter server` from a Python environment, with its own config, data and
 * runtime directories (nothing from the user's ~/.jupyter), on a free loopback port.
 */
export async function startJupyter(opts: JupyterOptions = {}): Promise<JupyterServer> {
  const venv = opts.venv ?? VENV;
  requireVenv(venv);
  const dir = tempDir('genesis-jupyter-');
  const home = opts.home ?? path.join(dir, 'genesis-home');
  const port = await freePort();
  const token = `t${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const args = [
    'server',
    '--no-browser',
    `--port=${port}`,
    '--port-retries=0',
    '--ip=127.0.0.1',
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${dir}`,
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
    ...(opts.args ?? [])
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${path.join(venv, 'bin')}:${process.env.PATH}`,
    JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
    JUPYTER_DATA_DIR: path.join(dir, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
    GENESIS_HOME: home,
    GENESIS_URL: '',
    GENESIS_TOKEN: '',
    ...opts.env
  };
  const proc = spawn(path.join(venv, 'bin', 'jupyter'), args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const authed = (p: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('authorization')) headers.set('authorization', `token ${token}`);
    return fetch(url + p, { ...init, headers });
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 60000);
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jupyter server exited with ${proc.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`jupyter server did not answer in time:\n${out}`);
    }
    try {
      if ((await authed('/api/status')).ok) break;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }

  const server: JupyterServer = {
    url,
    token,
    home,
    proc,
    log: () => out,
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
      throw new Error(`platform status never matched; last ${JSON.stringify(last)}\n--- jupyter log ---\n${out}`);
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    }
  };
  return server;
}

export function readDiscovery(home: string): Discovery | undefined {
  try {
    return Discovery.parse(JSON.parse(fs.readFileSync(path.join(home, 'run', 'platform.json'), 'utf8')));
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20000
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting until ${what}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
