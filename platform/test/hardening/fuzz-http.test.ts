import * as http from 'node:http';
import fc from 'fast-check';
import { ErrorBody, OipError, type RouteDef, routes } from '@genesis-lab/contract';
import {
  hostileJson,
  hostileString,
  MIXED_META,
  mixedRows,
  mixedTable,
  objectFor,
  publish,
  RAW_BODIES,
  tempHome
} from '@genesis-lab/test-support';
import { startPlatform, type Platform } from '../../src';

/**
 * Property-based fuzzing of every route in the contract's table (a new route is fuzzed without
 * touching this file): hostile params, query, headers and bodies. Every answer must be a 2xx or a
 * 4xx in the one error shape that names the problem; never a 5xx, a crash or a hang.
 * GENESIS_FUZZ_RUNS (default 10000, over all routes) and GENESIS_FUZZ_SEED reproduce a run.
 */
const TOTAL_RUNS = Number(process.env.GENESIS_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.GENESIS_FUZZ_SEED ?? Date.now() % 2 ** 31);
const REQUEST_TIMEOUT_MS = 10_000;
const entries = Object.entries(routes) as [string, RouteDef][];
const RUNS_PER_ROUTE = Math.ceil(TOTAL_RUNS / entries.length);

let platform: Platform;
let home: string;

beforeAll(async () => {
  console.log(
    `fuzz-http: seed ${SEED} (GENESIS_FUZZ_SEED=${SEED} to replay), ${RUNS_PER_ROUTE} cases x ${entries.length} routes`
  );
  home = tempHome('genesis-fuzz-');
  const rows = mixedRows(200);
  const table = mixedTable(rows);
  await publish(home, [{ id: 'test/mixed', metadata: MIXED_META, schema: table.schema, batches: table.batches }]);
  process.env.GENESIS_SLURM = '0';
  platform = await startPlatform({
    home,
    logLevel: 'silent',
    writeDiscovery: false,
    token: 'fuzz-token-0123456789abcdef'
  });
}, 60_000);
afterAll(async () => {
  agent.destroy();
  await platform?.close();
});

/** Percent-encode a path segment or query value; lone surrogates go as raw bytes a decoder must refuse. */
const RAW_ESCAPES = ['%C0%AF', '%00', '%2e%2e%2f', '%ED%A0%80', '%FF', '%E2%80%AE', '%', '%zz', '..%2f..%2f'];
const segment = fc.oneof(
  { weight: 5, arbitrary: hostileString.map(encodeLoose) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_ESCAPES) },
  { weight: 1, arbitrary: fc.constantFrom('test', 'mixed', 'latest', '1') }
);

function encodeLoose(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
}

function queryString(values: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(values)) {
    const vals = Array.isArray(v) ? v : [v];
    for (const x of vals.slice(0, 3))
      parts.push(`${encodeLoose(k)}=${encodeLoose(typeof x === 'string' ? x : (JSON.stringify(x) ?? ''))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Hostile, but sendable: an HTTP client refuses control characters in a header before it is sent. */
const headerValue = hostileString.map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?'));

interface Case {
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

function caseFor(def: RouteDef): fc.Arbitrary<Case> {
  const names = [...def.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const path = fc.tuple(...names.map(() => segment)).map((segs) => {
    let k = 0;
    return def.path.replace(/\{(\w+)\}/g, () => segs[k++]!);
  });
  const query = objectFor(def.query).map(queryString);
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constant('Bearer fuzz-token-0123456789abcdef') },
    { weight: 1, arbitrary: headerValue.map((s) => `Bearer ${s}`) },
    { weight: 1, arbitrary: fc.constant('') }
  );
  const contentType = fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/zip',
    'application/x-www-form-urlencoded',
    ''
  );
  const hasBody = def.method !== 'GET' && def.method !== 'DELETE';
  const payload: fc.Arbitrary<string | Buffer | undefined> = hasBody
    ? fc.oneof(
        { weight: 4, arbitrary: objectFor(def.body).map((o) => JSON.stringify(o)) },
        { weight: 2, arbitrary: hostileJson.map((v) => JSON.stringify(v) ?? 'null') },
        { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)) }
      )
    : fc.constant(undefined);
  const extraHeaders = fc.dictionary(
    fc.constantFrom('idempotency-key', 'accept', 'accept-encoding', 'x-forwarded-for', 'range', 'origin'),
    headerValue,
    { maxKeys: 3 }
  );
  return fc.record({ path, query, auth, contentType, payload, extraHeaders }).map((c) => {
    const headers: Record<string, string> = { ...c.extraHeaders };
    if (c.auth) headers.authorization = c.auth;
    if (c.payload !== undefined && c.contentType) headers['content-type'] = c.contentType;
    return { url: c.path + c.query, headers, payload: c.payload };
  });
}

/**
 * What every answer must be: 2xx/3xx, or a 4xx in the one error shape saying what was wrong. The
 * OIP v2 routes' handlers (tag oip) answer the protocol's own shape, {"error": message, code, issues}.
 */
function checkAnswer(status: number, contentType: string | undefined, body: string, def?: RouteDef): void {
  if (status >= 500) throw new Error(`answered ${status}: ${body.slice(0, 500)}`);
  if (status < 400) return;
  if (!/application\/json/.test(contentType ?? '')) throw new Error(`a ${status} that is not JSON: ${contentType}`);
  // Refusals before the route's handler (router, header size) are the house shape on every path.
  const oip = def?.tag === 'oip' ? OipError.safeParse(JSON.parse(body)) : undefined;
  if (oip?.success) {
    if (!oip.data.error.trim()) throw new Error(`a ${status} with an empty message`);
    return;
  }
  const parsed = ErrorBody.safeParse(JSON.parse(body));
  if (!parsed.success) throw new Error(`a ${status} not in the error shape: ${body.slice(0, 500)}`);
  const e = parsed.data.error;
  if (e.status !== status) throw new Error(`body says ${e.status}, HTTP says ${status}`);
  if (!e.message.trim()) throw new Error(`a ${status} with an empty message`);
  if (e.code === 'validation_failed') {
    if (!e.issues?.length) throw new Error(`validation_failed without issues: ${body.slice(0, 300)}`);
    for (const i of e.issues) if (!i.path) throw new Error(`an issue without a path: ${body.slice(0, 300)}`);
    if (!e.message.includes(e.issues[0]!.path))
      throw new Error(`message does not name ${e.issues[0]!.path}: ${e.message}`);
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

type Answer = { statusCode: number; contentType?: string; body: string };

/**
 * One request over a real socket (raw path bytes as given, no URL normalisation), with a deadline.
 * A kept-alive socket the server closed in between is retried once on a fresh one (Node's advice
 * for `reusedSocket`); that is the client's race, not the platform's answer.
 */
async function send(def: RouteDef, c: Case): Promise<Answer> {
  try {
    return await sendOnce(def, c);
  } catch (err) {
    if ((err as { reused?: boolean }).reused) return sendOnce(def, c, false);
    throw err;
  }
}

function sendOnce(def: RouteDef, c: Case, reuse = true): Promise<Answer> {
  const { hostname, port } = new URL(platform.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent: reuse ? agent : false,
        hostname,
        port,
        method: def.method,
        path: c.url,
        headers: c.headers,
        timeout: REQUEST_TIMEOUT_MS
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({
            statusCode: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8')
          })
        );
        res.on('error', reject);
      }
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', (err) =>
      reject(Object.assign(err, { reused: req.reusedSocket && !/no answer/.test(err.message) }))
    );
    req.end(c.payload);
  });
}

describe('fuzzing every route of the contract', () => {
  it('covers the whole route table', () => {
    expect(entries.length).toBe(Object.keys(routes).length);
    expect(RUNS_PER_ROUTE * entries.length).toBeGreaterThanOrEqual(TOTAL_RUNS);
  });

  it.each(entries.map(([name, def], i) => [name, def, i] as const))(
    '%s: no 5xx, no hang, every 4xx names the problem',
    async (_name, def, i) => {
      await fc.assert(
        fc.asyncProperty(caseFor(def), async (c) => {
          const res = await send(def, c);
          checkAnswer(res.statusCode, res.contentType, res.body, def);
        }),
        { numRuns: RUNS_PER_ROUTE, seed: SEED + i, endOnFailure: false }
      );
    },
    120_000
  );

  it('refuses raw hostile bodies on every body route in the error shape', async () => {
    for (const def of Object.values(routes) as RouteDef[]) {
      if (def.method === 'GET' || def.method === 'DELETE') continue;
      const url = def.path.replace(/\{(\w+)\}/g, 'x');
      for (const payload of RAW_BODIES) {
        const res = await send(def, {
          url,
          payload,
          headers: { authorization: 'Bearer fuzz-token-0123456789abcdef', 'content-type': 'application/json' }
        });
        checkAnswer(res.statusCode, res.contentType, res.body, def);
      }
    }
  });

  it('the platform still answers after the fuzzing', async () => {
    const res = await send(routes.health, { url: '/api/health', headers: {} });
    expect(res.statusCode).toBe(200);
  });
});
