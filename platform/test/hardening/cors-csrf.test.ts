import { tempHome } from '@genesis-lab/test-support';
import { startPlatform, type Platform } from '../../src';

/**
 * CORS and CSRF as docs/security.md states them: only configured origins get CORS headers, and
 * the only credential is the bearer token in the Authorization header (or the socket.io auth
 * payload), never a cookie or a query parameter, so a cross-site page cannot make an
 * authenticated request (it cannot read or set that header without a CORS grant).
 */
describe('CORS and CSRF', () => {
  let p: Platform;
  const TOKEN = 'cors-token-0123456789abcdef';
  const HUB = 'https://hub.example.org';
  beforeAll(async () => {
    process.env.GENESIS_SLURM = '0';
    p = await startPlatform({
      home: tempHome('genesis-cors-'),
      logLevel: 'silent',
      writeDiscovery: false,
      token: TOKEN,
      corsOrigins: [HUB]
    });
  });
  afterAll(async () => {
    await p?.close();
  });

  const preflight = (origin: string) =>
    fetch(`${p.url}/api/jobs`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type'
      }
    });

  it('grants a configured origin, and nobody else', async () => {
    const ok = await preflight(HUB);
    expect(ok.headers.get('access-control-allow-origin')).toBe(HUB);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
    for (const evil of ['https://evil.example', 'null', `${HUB}.evil.example`, HUB.toUpperCase()]) {
      const r = await preflight(evil);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('a cross-site form post, a cookie or a query token is not a credential (401)', async () => {
    const form = await fetch(`${p.url}/api/jobs`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: '{"name":"x","executable":"/bin/true"}'
    });
    expect(form.status).toBe(401);
    const cookie = await fetch(`${p.url}/api/jobs`, { headers: { cookie: `token=${TOKEN}; genesis_token=${TOKEN}` } });
    expect(cookie.status).toBe(401);
    const query = await fetch(`${p.url}/api/jobs?token=${TOKEN}`);
    expect(query.status).toBe(401);
    const header = await fetch(`${p.url}/api/jobs`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(header.status).toBe(200);
  });
});
