import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ErrorBody, Health } from '@genesis-lab/contract';
import {
  authedFetch,
  GENESIS_BIN,
  type PlatformProcess,
  startPlatformProcess,
  tempHome
} from '@genesis-lab/test-support';

describe('platform process', () => {
  let p: PlatformProcess;
  beforeAll(async () => {
    p = await startPlatformProcess();
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('answers health without a token', async () => {
    const r = await fetch(`${p.url}/api/health`);
    expect(r.status).toBe(200);
    expect(Health.parse(await r.json()).status).toBe('ok');
  });

  it('refuses API calls without the token, in the one error shape', async () => {
    const r = await fetch(`${p.url}/api/openapi.json`);
    expect(r.status).toBe(401);
    const body = ErrorBody.parse(await r.json());
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.hint).toMatch(/Bearer/);
  });

  it('writes a discovery file readable only by its owner', () => {
    const st = fs.statSync(`${p.home}/run/platform.json`);
    expect(st.mode & 0o777).toBe(0o600);
  });

  it('serves an OpenAPI 3.1 document generated from the contract', async () => {
    const r = await authedFetch(p, '/api/openapi.json');
    const doc = (await r.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/catalog/search']));
  });

  it('answers unknown routes with a JSON 404', async () => {
    const r = await authedFetch(p, '/api/nope');
    expect(r.status).toBe(404);
    expect(ErrorBody.parse(await r.json()).error.code).toBe('not_found');
  });

  it('removes its discovery file on a clean stop', async () => {
    const q = await startPlatformProcess();
    await q.stop();
    expect(fs.existsSync(`${q.home}/run/platform.json`)).toBe(false);
  });
});

describe('one platform per home', () => {
  it('refuses a second platform on the same home, and takes over after a crash', async () => {
    const first = await startPlatformProcess();
    // The message names the running platform, read from its discovery file.
    await expect(startPlatformProcess({ home: first.home })).rejects.toThrow(
      `already running (pid ${first.proc.pid}, ${first.url})`
    );
    await first.kill();
    const second = await startPlatformProcess({ home: first.home });
    const r = await fetch(`${second.url}/api/health`);
    expect(r.status).toBe(200);
    await second.stop();
  });
});

describe('runtime directory', () => {
  it('writes the discovery file to GENESIS_RUNTIME_DIR when set, where the kernel helpers look', async () => {
    const runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-rt-'));
    const home = tempHome();
    const proc = spawn(process.execPath, [GENESIS_BIN, 'serve', '--port', '0', '--home', home], {
      env: { ...process.env, GENESIS_RUNTIME_DIR: runtime, GENESIS_TOKEN: '' },
      stdio: 'ignore'
    });
    try {
      const file = `${runtime}/platform.json`;
      for (let i = 0; i < 200 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
      const d = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number; home: string };
      expect(d.pid).toBe(proc.pid);
      expect(d.home).toBe(home);
      expect(fs.existsSync(`${home}/run/platform.json`)).toBe(false);
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
  });
});

describe('CORS for browser origins given with --cors-origin', () => {
  const allowed = 'http://app.example:8080';
  let p: PlatformProcess;
  beforeAll(async () => {
    p = await startPlatformProcess({ args: ['--cors-origin', allowed] });
  });
  afterAll(async () => {
    await p?.stop();
  });

  const preflight = (origin: string) =>
    fetch(`${p.url}/api/jobs`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key'
      }
    });

  it('answers the preflight of an allowed origin without a token, naming what it may send', async () => {
    const r = await preflight(allowed);
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(r.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT, DELETE');
    expect(r.headers.get('access-control-allow-headers')).toBe('authorization, content-type, accept, idempotency-key');
    expect(r.headers.get('access-control-max-age')).toBe('600');
    expect(r.headers.get('vary')).toMatch(/origin/i);
  });

  it('marks answers to an allowed origin, and gives another origin no CORS headers (and no way past the token)', async () => {
    const ok = await authedFetch(p, '/api/facilities', { headers: { origin: allowed } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(allowed);
    const other = await authedFetch(p, '/api/facilities', { headers: { origin: 'http://evil.example' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const refused = await preflight('http://evil.example');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});
