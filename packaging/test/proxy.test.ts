import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { ErrorBody, Health } from '@genesis-lab/contract';
import { startPlatformProcess } from '../../platform/test/support/process';
import {
  GENESIS_BIN,
  isAlive,
  readDiscovery,
  startJupyter,
  removeTempDirs,
  tempDir,
  waitUntil,
  type JupyterServer
} from './support/jupyter';

// Real Jupyter servers (the installed genesis-lab server extension) and real platform processes.
jest.setTimeout(120000);

const running: JupyterServer[] = [];
async function jupyter(...args: Parameters<typeof startJupyter>): Promise<JupyterServer> {
  const s = await startJupyter(...args);
  running.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(removeTempDirs);

async function health(s: JupyterServer): Promise<Response> {
  return s.fetch('/genesis/api/health');
}

async function expectUnavailable(s: JupyterServer, pattern: RegExp): Promise<void> {
  const r = await health(s);
  expect(r.status).toBe(503);
  expect(r.headers.get('x-genesis-proxy')).toBe('platform-unavailable');
  const body = ErrorBody.parse(await r.json());
  expect(body.error.code).toBe('unavailable');
  expect(`${body.error.message}\n${body.error.hint ?? ''}`).toMatch(pattern);
}

function connectSocket(
  s: JupyterServer,
  transport: 'websocket' | 'polling',
  jupyterToken?: string,
  tokenIn: 'header' | 'query' = 'header'
): Promise<Socket> {
  const socket = io(s.url, {
    path: '/genesis/socket.io',
    transports: [transport],
    reconnection: false,
    timeout: 10000,
    extraHeaders: jupyterToken && tokenIn === 'header' ? { authorization: `token ${jupyterToken}` } : {},
    query: jupyterToken && tokenIn === 'query' ? { token: jupyterToken } : {}
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

describe('managed platform (the default)', () => {
  it('starts with the Jupyter server and is reached through /genesis/ without knowing its token', async () => {
    const s = await jupyter();
    const status = await s.waitFor((st) => st.state === 'running');
    expect(status).toMatchObject({ mode: 'managed', owned: true, home: fs.realpathSync(s.home) });

    // Kernels find it through the discovery file, before any browser asked for it.
    const discovery = readDiscovery(s.home)!;
    expect(discovery.pid).toBe(status.pid);

    const r = await health(s);
    expect(r.status).toBe(200);
    expect(Health.parse(await r.json()).status).toBe('ok');

    // An authenticated platform route: the proxy adds the bearer token ...
    const api = await s.fetch('/genesis/api/openapi.json');
    expect(api.status).toBe(200);
    expect(((await api.json()) as { openapi: string }).openapi).toBe('3.1.0');
    // ... which the platform itself requires.
    expect((await fetch(`${discovery.url}/api/openapi.json`)).status).toBe(401);

    // Bodies pass too (the platform's own JSON 404 answers a POST to an unknown route).
    const post = await s.fetch('/genesis/api/no-such-route', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 })
    });
    expect(post.status).toBe(404);
    expect(ErrorBody.parse(await post.json()).error.message).toMatch(/POST \/api\/no-such-route/);
  });

  it('keeps Jupyter authentication in front of the platform', async () => {
    const s = await jupyter();
    await s.waitFor((st) => st.state === 'running');
    const anonymous = await fetch(`${s.url}/genesis/api/health`, { redirect: 'manual' });
    expect([302, 403]).toContain(anonymous.status);
    const anonymousPost = await fetch(`${s.url}/genesis/api/health`, { method: 'POST' });
    expect(anonymousPost.status).toBe(403);
    await expect(connectSocket(s, 'websocket')).rejects.toThrow();
  });

  it('passes socket.io through, over websocket and over long-polling', async () => {
    const s = await jupyter();
    await s.waitFor((st) => st.state === 'running');
    for (const transport of ['websocket', 'polling'] as const) {
      const socket = await connectSocket(s, transport, s.token);
      expect(socket.connected).toBe(true);
      socket.close();
    }
    // As JupyterLab's extension connects: the Jupyter token in the handshake's query.
    const socket = await connectSocket(s, 'websocket', s.token, 'query');
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it('stops the platform it started when the server stops', async () => {
    const s = await jupyter();
    const { pid } = await s.waitFor((st) => st.state === 'running');
    await s.stop();
    await waitUntil('the platform exits', () => !isAlive(pid!), 15000);
    expect(readDiscovery(s.home)).toBeUndefined();
  });

  it('restarts a platform that died, at the same address with the same token', async () => {
    const s = await jupyter();
    const before = await s.waitFor((st) => st.state === 'running');
    const token = readDiscovery(s.home)!.token;
    process.kill(before.pid!, 'SIGKILL');
    const after = await s.waitFor((st) => st.state === 'running' && st.pid !== before.pid);
    expect(after.url).toBe(before.url);
    expect(after.restarts).toBe(1);
    expect(readDiscovery(s.home)!.token).toBe(token);
    expect((await health(s)).status).toBe(200);
    expect(s.log()).toMatch(/the platform \(pid \d+\) is gone.*restarting it/);
  });

  it('lets the user stop and start it; while stopped the proxy says so plainly', async () => {
    const s = await jupyter();
    const first = await s.waitFor((st) => st.state === 'running');
    const stop = await s.fetch('/genesis-lab/platform', { method: 'POST', body: JSON.stringify({ action: 'stop' }) });
    expect(stop.status).toBe(200);
    await waitUntil('the platform exits', () => !isAlive(first.pid!));
    await expectUnavailable(s, /stopped from JupyterLab/);
    const start = await s.fetch('/genesis-lab/platform', { method: 'POST', body: JSON.stringify({ action: 'start' }) });
    expect(start.status).toBe(200);
    expect((await health(s)).status).toBe(200);
    const bad = await s.fetch('/genesis-lab/platform', { method: 'POST', body: JSON.stringify({ action: 'explode' }) });
    expect(bad.status).toBe(400);
  });

  it('keeps the platform stopped until asked when autostart is off', async () => {
    const s = await jupyter({ env: { GENESIS_LAB_AUTOSTART: '0' } });
    expect((await s.status()).state).toBe('stopped');
    await expectUnavailable(s, /stopped/);
    expect(readDiscovery(s.home)).toBeUndefined();
  });
});

describe('one platform per GENESIS_HOME', () => {
  it('a second Jupyter server on the same home uses the running platform', async () => {
    const a = await jupyter();
    const first = await a.waitFor((st) => st.state === 'running');
    const b = await jupyter({ home: a.home });
    const second = await b.waitFor((st) => st.state === 'running');
    expect(second).toMatchObject({ pid: first.pid, url: first.url, owned: false });
    expect((await health(b)).status).toBe(200);
    await b.stop();
    expect(isAlive(first.pid!)).toBe(true);
  });

  it('uses a platform started from the CLI, and takes over when it goes away', async () => {
    const cli = await startPlatformProcess();
    try {
      const s = await jupyter({ home: cli.home });
      const adopted = await s.waitFor((st) => st.state === 'running');
      expect(adopted).toMatchObject({ pid: cli.proc.pid, owned: false, url: cli.url });
      expect((await health(s)).status).toBe(200);
      await cli.stop();
      const own = await s.waitFor((st) => st.state === 'running' && st.pid !== cli.proc.pid);
      // Same address and token as the one it replaced: kernels holding them keep working.
      expect(own).toMatchObject({ owned: true, url: cli.url });
      expect(readDiscovery(cli.home)!.token).toBe(cli.token);
    } finally {
      await cli.stop();
    }
  });
});

describe('when the platform cannot run', () => {
  it('names a missing executable in the proxy answer and the Jupyter log', async () => {
    const s = await jupyter({ env: { GENESIS_PLATFORM_BIN: '/nonexistent/genesis' } });
    await expectUnavailable(s, /GENESIS_PLATFORM_BIN=\/nonexistent\/genesis is not a file/);
    expect(s.log()).toMatch(/the platform is unavailable: GENESIS_PLATFORM_BIN/);
  });

  it('passes on the reason a platform exited while starting', async () => {
    const s = await jupyter({
      args: ['--GenesisLab.platform_args=--log-level', '--GenesisLab.platform_args=nonsense']
    });
    await expectUnavailable(s, /exited while starting \(code 2\): Invalid --log-level: /);
    expect(s.log()).toMatch(/Invalid --log-level: /);
  });

  it('answers 503 while the platform is down, then recovers (external mode)', async () => {
    const home = tempDir('genesis-ext-');
    const s = await jupyter({ home, env: { GENESIS_LAB_MANAGE_PLATFORM: '0' } });
    await expectUnavailable(s, /No Genesis platform is running for .*genesis serve --home/s);

    const p1 = await startPlatformProcess({ home });
    await waitUntil('the proxy reaches the new platform', async () => (await health(s)).status === 200);
    expect((await s.fetch('/genesis/api/openapi.json')).status).toBe(200);
    await p1.kill();
    await waitUntil('the proxy notices', async () => (await health(s)).status === 503);

    // A new platform has a new token: the proxy follows the discovery file.
    const p2 = await startPlatformProcess({ home });
    try {
      expect(p2.token).not.toBe(p1.token);
      await waitUntil('the proxy reaches the second platform', async () => (await health(s)).status === 200);
      expect((await s.fetch('/genesis/api/openapi.json')).status).toBe(200);
      expect((await s.status()).pid).toBe(p2.proc.pid);
    } finally {
      await p2.stop();
    }
  });
});

describe('remote platform', () => {
  it('proxies a platform at a configured URL and starts nothing locally', async () => {
    const remote = await startPlatformProcess();
    try {
      const s = await jupyter({ env: { GENESIS_URL: remote.url, GENESIS_TOKEN: remote.token } });
      const status = await s.waitFor((st) => st.state === 'running');
      expect(status).toMatchObject({ mode: 'remote', url: remote.url });
      expect((await health(s)).status).toBe(200);
      expect((await s.fetch('/genesis/api/openapi.json')).status).toBe(200);
      expect(fs.existsSync(path.join(s.home, 'run', 'platform.json'))).toBe(false);
    } finally {
      await remote.stop();
    }
  });

  it('says which URL does not answer', async () => {
    const s = await jupyter({ env: { GENESIS_URL: 'http://127.0.0.1:9', GENESIS_TOKEN: 'x'.repeat(20) } });
    await expectUnavailable(s, /remote Genesis platform at http:\/\/127\.0\.0\.1:9 does not answer/);
  });
});

describe('the genesis CLI the server extension runs', () => {
  it('is the checkout platform/bin/genesis.js, run by the wrapper scripts/setup puts into the environment', async () => {
    const link = path.join(process.env.GENESIS_VENV || path.join(__dirname, '../../.venv'), 'bin', 'genesis');
    const exec = /^exec "([^"]+)" "([^"]+)" "\$@"$/m.exec(fs.readFileSync(link, 'utf8'));
    expect(exec).not.toBeNull();
    expect(fs.realpathSync(exec![2]!)).toBe(fs.realpathSync(GENESIS_BIN));
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(link, ['--version'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      p.stdout.on('data', (d: Buffer) => (text += d.toString()));
      p.once('error', reject);
      p.once('exit', () => resolve(text));
    });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
