import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Discovery, discoveryFilePath } from '@genesis-lab/contract';

export const REPO_ROOT = path.resolve(__dirname, '../..');
/** The `genesis` command of this checkout (the cli workspace; runs its built dist). */
export const GENESIS_BIN = path.join(REPO_ROOT, 'cli/bin/genesis.js');

export interface PlatformProcess {
  url: string;
  token: string;
  home: string;
  proc: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL (a crash) and wait for exit. */
  kill(): Promise<void>;
}

export function tempHome(prefix = 'genesis-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The workspaces a platform, CLI or kernel process runs from their built `dist`. */
const BUILT_WORKSPACES = ['contract', 'client', 'platform', 'kernel-helpers', 'cli'];
let staleChecked: string[] | undefined;

/**
 * The workspaces whose sources changed since they were built: a process test would run
 * yesterday's code while in-process tests (jest's mapper reads src) run today's. TypeScript's
 * own up-to-date check (`tsc -b --dry`, by content: a touched but unchanged file is fresh) is
 * asked once per test process.
 */
export function staleBuilds(): string[] {
  if (staleChecked) return staleChecked;
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', '--dry', ...BUILT_WORKSPACES], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60000
  });
  if (r.status !== 0) throw new Error(`tsc -b --dry failed (${r.status ?? r.error?.message}):\n${r.stdout}${r.stderr}`);
  staleChecked = [...r.stdout.matchAll(/A non-dry build would build project '([^']+)'/g)].map((m) =>
    path.relative(REPO_ROOT, path.dirname(m[1]!))
  );
  return staleChecked;
}

/** Fail (never skip) when the packages a process test runs were not built, or were built before their sources changed. */
export function requireBuilt(): void {
  for (const f of ['cli/dist/main.js', 'platform/dist/index.js', 'client/dist/index.js'])
    if (!fs.existsSync(path.join(REPO_ROOT, f)))
      throw new Error(`${f} is missing: run \`npm run build:packages\` first`);
  const stale = staleBuilds();
  if (stale.length)
    throw new Error(
      `The built ${stale.join(', ')} ${stale.length > 1 ? 'are' : 'is'} older than ${stale.length > 1 ? 'their' : 'its'} sources: ` +
        'run `npm run build:packages` first, so process tests do not run stale code'
    );
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the built CLI (`genesis ...`) to completion. The caller's GENESIS_URL/TOKEN/HOME are
 * cleared so a developer's own platform is never touched; `env` sets what the test needs.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120000): CliResult {
  const r = spawnSync(process.execPath, [GENESIS_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GENESIS_URL: '', GENESIS_TOKEN: '', GENESIS_HOME: '', ...env },
    timeout: timeoutMs
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `runCli` that must succeed: a failure throws with the command and its stderr. */
export function runCliOk(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = runCli(args, env);
  if (r.status !== 0) throw new Error(`genesis ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r;
}

/**
 * Start a real platform process (the built CLI, `genesis serve`) on a free loopback port and
 * wait until its discovery file names it. Tests talk to it over HTTP like any client.
 */
export async function startPlatformProcess(
  opts: {
    home?: string;
    args?: string[];
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    /** Pass the platform's stderr on to ours as it comes (benchmarks show its warnings during the run). */
    echoStderr?: boolean;
  } = {}
): Promise<PlatformProcess> {
  requireBuilt();
  const home = opts.home ?? tempHome();
  const discoveryFile = discoveryFilePath({ GENESIS_HOME: home }, os.homedir());
  const proc = spawn(process.execPath, [GENESIS_BIN, 'serve', '--port', '0', '--home', home, ...(opts.args ?? [])], {
    env: { ...process.env, GENESIS_TOKEN: '', GENESIS_URL: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
    if (opts.echoStderr) process.stderr.write(d);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  // Its last stderr lines arrive before a caller prints what follows (bounded: a child that
  // inherited the pipe may hold it open).
  const drained = new Promise<void>((resolve) => proc.stderr!.once('close', () => resolve()));
  const deadline = Date.now() + (opts.timeoutMs ?? 20000);
  let discovery: Discovery | undefined;
  while (!discovery) {
    if (proc.exitCode !== null) throw new Error(`platform exited with ${proc.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`platform did not start in time:\n${out}`);
    }
    try {
      const d = Discovery.parse(JSON.parse(fs.readFileSync(discoveryFile, 'utf8')));
      if (d.pid === proc.pid) discovery = d;
    } catch {
      /* not written yet */
    }
    if (!discovery) await new Promise((r) => setTimeout(r, 50));
  }
  const wait = async (signal: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await exited;
    await Promise.race([drained, new Promise((r) => setTimeout(r, 2000).unref())]);
  };
  return {
    url: discovery.url,
    token: discovery.token,
    home,
    proc,
    output: () => out,
    stop: () => wait('SIGTERM'),
    kill: () => wait('SIGKILL')
  };
}

/** fetch against a test platform with its token. */
export function authedFetch(
  p: { url: string; token: string },
  pathAndQuery: string,
  init: RequestInit = {}
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${p.token}`);
  return fetch(p.url + pathAndQuery, { ...init, headers });
}
