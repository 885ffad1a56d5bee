import { ErrorBody } from '@genesis-lab/contract';
import { authedFetch, type PlatformProcess, startPlatformProcess, tempHome } from '@genesis-lab/test-support';
import { startPlatform, type Platform } from '../../src';

/** Request limits and what the platform says when one is reached (413, 429), in the one error shape. */
describe('request limits', () => {
  let p: Platform;
  const TOKEN = 'limits-token-0123456789abcdef';
  beforeAll(async () => {
    process.env.GENESIS_SLURM = '0';
    p = await startPlatform({
      home: tempHome('genesis-limits-'),
      logLevel: 'silent',
      writeDiscovery: false,
      token: TOKEN,
      bodyLimitBytes: 64 * 1024,
      rateLimitPerMinute: 30
    });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('refuses a body over the limit with 413 payload_too_large', async () => {
    const r = await authedFetch({ url: p.url, token: TOKEN }, '/api/provenance/executions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ executions: [{ pad: 'x'.repeat(70 * 1024) }] })
    });
    expect(r.status).toBe(413);
    const body = ErrorBody.parse(await r.json());
    expect(body.error.code).toBe('payload_too_large');
    expect(body.error.message).toMatch(/too large/);
  });

  it('limits requests per token with 429 rate_limited and Retry-After; another token has its own count', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await authedFetch({ url: p.url, token: TOKEN }, '/api/jobs')).status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(30);
    expect(statuses.at(-1)).toBe(429);
    const r = await authedFetch({ url: p.url, token: TOKEN }, '/api/jobs');
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = ErrorBody.parse(await r.json());
    expect(body.error).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(body.error.message).toMatch(/at most 30 a minute per token/);
    // A different (wrong) token is counted apart: it gets its own answer, 401, not the owner's 429.
    const other = await authedFetch({ url: p.url, token: 'someone-else-0123456789abcdef' }, '/api/jobs');
    expect(other.status).toBe(401);
  });
});

/** Tokens never reach a log or an error body, whatever the client does with them. */
describe('secrets', () => {
  let p: PlatformProcess;
  beforeAll(async () => {
    p = await startPlatformProcess({ args: ['--log-level', 'trace'], env: { GENESIS_SLURM: '0' } });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('the token is in no log line and no error, even sent in the query string or as a wrong header', async () => {
    const sent: string[] = [];
    const tryIt = async (path: string, init: RequestInit = {}) => {
      const r = await fetch(p.url + path, init);
      sent.push(await r.text());
    };
    await tryIt(`/api/jobs?token=${p.token}&access_token=${p.token}`);
    await tryIt(`/api/jobs?token=${p.token}`, { headers: { authorization: `Bearer ${p.token}` } });
    await tryIt('/api/jobs', { headers: { authorization: `Bearer ${p.token}x` } });
    await tryIt('/api/jobs', { headers: { authorization: `token ${p.token}` } });
    await tryIt(`/api/nope/${p.token}`, { headers: { authorization: `Bearer ${p.token}` } });
    await tryIt('/api/jobs', {
      method: 'POST',
      headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: p.token, executable: '', environment: { TOKEN: p.token } })
    });
    await new Promise((r) => setTimeout(r, 300));
    const log = p.output();
    // The log really has the requests in it (trace level), just not the secret.
    expect(log).toMatch(/incoming request/);
    expect(log).toContain('[redacted]');
    expect(log).not.toContain(p.token);
    for (const body of sent.slice(0, 4)) expect(body).not.toContain(p.token);
  });
});
