import * as http from 'node:http';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { parse as parseCsv } from 'csv-parse/sync';
import { Field, Int64, Schema, Table, tableFromIPC, vectorFromArray } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import { ARROW_META, ErrorBody, type Cql2Expr } from '@genesis-lab/contract';
import type { DataStats } from '../../src/data/stats';
import {
  authedFetch,
  evalRow,
  exprArb,
  MIXED_META,
  mixedRows,
  mixedTable,
  numericBatches,
  numericSchema,
  type PlatformProcess,
  publish,
  type Row,
  startPlatformProcess,
  tempHome,
  until
} from '@genesis-lab/test-support';

/** The data routes against a real platform process, over datasets published through the catalog. */

const MIXED_ROWS = 140_000; // three stored batches (65,536 rows each)
const BIG_ROWS = 4_000_000; // 62 stored batches of 2 float64 columns (~64 MB)
const BIG_BATCHES = Math.ceil(BIG_ROWS / 65536);

let p: PlatformProcess;
let rows: Row[];
const base = '/api/datasets';

beforeAll(async () => {
  const home = tempHome('genesis-data-');
  rows = mixedRows(MIXED_ROWS);
  const mixed = mixedTable(rows);
  const bigSchema = numericSchema(2);
  const int64 = new Table({
    v: vectorFromArray([9223372036854775807n, -9223372036854775808n, 9007199254740993n, null, 5n], new Int64())
  });
  await publish(home, [
    { id: 'test/mixed', version: '1.0', metadata: MIXED_META, schema: mixed.schema, batches: mixed.batches },
    {
      id: 'test/big',
      version: '1',
      metadata: { title: 'Big numeric table', license: 'CC0-1.0' },
      schema: bigSchema,
      batches: numericBatches(bigSchema, BIG_ROWS)
    },
    {
      id: 'test/int64',
      version: '1',
      metadata: { title: 'Extreme int64 values', license: 'CC0-1.0' },
      schema: new Schema([new Field('v', new Int64(), true)]),
      batches: int64.batches
    }
  ]);
  p = await startPlatformProcess({ home });
}, 120_000);

afterAll(async () => {
  await p?.stop();
});

async function arrow(path: string, init: RequestInit = {}): Promise<Table> {
  const r = await authedFetch(p, path, init);
  if (r.status !== 200) throw new Error(`${r.status}: ${await r.text()}`);
  expect(r.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
  return tableFromIPC(new Uint8Array(await r.arrayBuffer()));
}

function q(params: Record<string, string | number | object | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined) u.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

const ids = (t: Table): number[] => Array.from(t.getChild('id')?.toArray() ?? [], Number);

async function errorOf(path: string): Promise<ErrorBody['error']> {
  const r = await authedFetch(p, path);
  const body = ErrorBody.parse(await r.json());
  expect(r.status).toBe(body.error.status);
  return body.error;
}

describe('Arrow stream', () => {
  it('returns every row and column with schema and field metadata naming the exact version', async () => {
    const t = await arrow(`${base}/test/mixed/versions/latest/arrow`);
    expect(t.numRows).toBe(MIXED_ROWS);
    expect(ids(t)).toEqual(rows.map((_, k) => k));
    const meta = t.schema.metadata;
    expect(meta.get(ARROW_META.id)).toBe('test/mixed');
    expect(meta.get(ARROW_META.version)).toBe('1.0');
    expect(meta.get(ARROW_META.ref)).toBe('test/mixed@1.0');
    expect(meta.get(ARROW_META.sha256)).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(meta.get(ARROW_META.columns)!)).toEqual(['id', 'i', 'f', 'b', 's', 'd', 't', 'day', 'ts']);
    expect(meta.has(ARROW_META.filter)).toBe(false);
    const f = t.schema.fields.find((x) => x.name === 'f')!;
    expect(f.metadata.get(ARROW_META.unit)).toBe('K');
    expect(f.metadata.get(ARROW_META.description)).toBe('a float with NaN');
    // Values survive: strings, dictionary, int64, NaN, null.
    for (const k of [0, 1, 65535, 65536, 139_999]) {
      const row = t.get(k)!.toJSON() as Record<string, unknown>;
      expect(row.s).toBe(rows[k]!.s);
      expect(row.d).toBe(rows[k]!.d);
      expect(row.b).toBe(rows[k]!.b);
      if (rows[k]!.f === null) expect(row.f).toBeNull();
      else expect(Object.is(row.f, rows[k]!.f) || (Number.isNaN(row.f) && Number.isNaN(rows[k]!.f))).toBe(true);
    }
  });

  it('projects columns in the order asked', async () => {
    const t = await arrow(`${base}/test/mixed/versions/1.0/arrow${q({ columns: 'ts,id' })}`);
    expect(t.schema.fields.map((x) => x.name)).toEqual(['ts', 'id']);
    expect(JSON.parse(t.schema.metadata.get(ARROW_META.columns)!)).toEqual(['ts', 'id']);
    expect(t.numRows).toBe(MIXED_ROWS);
  });

  it('applies random filters, offset and limit exactly like the reference evaluator', async () => {
    await fc.assert(
      fc.asyncProperty(
        exprArb,
        fc.nat(70_000),
        fc.option(fc.nat(70_000), { nil: undefined }),
        async (filter: Cql2Expr, offset, limit) => {
          const expected = rows
            .map((r, k) => (evalRow(filter, r) === true ? k : -1))
            .filter((k) => k >= 0)
            .slice(offset, limit === undefined ? undefined : offset + limit);
          const t = await arrow(
            `${base}/test/mixed/versions/latest/arrow${q({ columns: 'id,s,t', filter, offset, limit })}`
          );
          expect(ids(t)).toEqual(expected);
          expect(JSON.parse(t.schema.metadata.get(ARROW_META.filter)!)).toEqual(filter);
          // Non-contiguous selections are gathered: values must still line up with their rows.
          const s = t.getChild('s')!;
          for (let j = 0; j < Math.min(t.numRows, 50); j++) expect(s.get(j)).toBe(rows[expected[j]!]!.s);
        }
      ),
      { numRuns: 40 }
    );
  });

  it('windows across stored batches and splits into batchSize batches', async () => {
    const t = await arrow(
      `${base}/test/mixed/versions/latest/arrow${q({ columns: 'id', offset: 65530, limit: 20, batchSize: 7 })}`
    );
    expect(ids(t)).toEqual(Array.from({ length: 20 }, (_, k) => 65530 + k));
    expect(t.batches.map((b) => b.numRows)).toEqual([6, 7, 7]);
  });

  it('sends a valid empty stream (schema only) when nothing matches or limit is 0', async () => {
    const none = await arrow(
      `${base}/test/mixed/versions/latest/arrow${q({ filter: { op: '=', args: [{ property: 'id' }, -1] } })}`
    );
    expect(none.numRows).toBe(0);
    expect(none.schema.fields).toHaveLength(9);
    expect(none.schema.metadata.get(ARROW_META.id)).toBe('test/mixed');
    expect((await arrow(`${base}/test/mixed/versions/latest/arrow${q({ limit: 0 })}`)).numRows).toBe(0);
  });
});

describe('bad input gets one clear error shape', () => {
  it('unknown column: 400 unknown_column naming it, with suggestions', async () => {
    const e = await errorOf(`${base}/test/mixed/versions/latest/arrow${q({ columns: 'id,dya' })}`);
    expect(e.code).toBe('unknown_column');
    expect(e.status).toBe(400);
    expect(e.message).toContain('"dya"');
    expect(e.issues?.[0]?.path).toBe('query.columns[1]');
    expect(e.suggestions).toContain('day');
  });

  it('invalid CQL2: 400 naming the JSON path', async () => {
    const e = await errorOf(
      `${base}/test/mixed/versions/latest/arrow${q({
        filter: {
          op: 'and',
          args: [
            { op: 'isNull', args: [{ property: 'i' }] },
            { op: 'between', args: [{ property: 'i' }, 1] }
          ]
        }
      })}`
    );
    expect(e.code).toBe('invalid_filter');
    expect(e.issues?.[0]?.path).toMatch(/^filter\.args\[1\]/);
    const notJson = await errorOf(`${base}/test/mixed/versions/latest/arrow?filter=%7Bop`);
    expect(notJson.code).toBe('invalid_filter');
    expect(notJson.message).toMatch(/not valid JSON/);
  });

  it('type mismatch: 400 naming the path of the literal', async () => {
    const e = await errorOf(
      `${base}/test/mixed/versions/latest/csv${q({
        filter: {
          op: 'or',
          args: [
            { op: '=', args: [{ property: 't' }, true] },
            { op: '>', args: [{ property: 's' }, 3] }
          ]
        }
      })}`
    );
    expect(e.code).toBe('invalid_filter');
    expect(e.issues?.[0]?.path).toBe('filter.args[1].args[1]');
    expect(e.message).toContain('column "s" (utf8) cannot be compared with the number 3');
  });

  it('unknown dataset or version: 404 from the catalog, with suggestions', async () => {
    const e = await errorOf(`${base}/test/mixd/versions/latest/arrow`);
    expect(e.code).toBe('not_found');
    expect(e.suggestions).toContain('test/mixed');
    expect((await errorOf(`${base}/test/mixed/versions/9.9/arrow`)).code).toBe('not_found');
  });

  it('limit out of range and malformed refs: 400', async () => {
    const e = await errorOf(`${base}/test/mixed/versions/latest/arrow?limit=-1`);
    expect(e.status).toBe(400);
    expect(e.issues?.[0]?.path).toBe('query.limit');
    expect((await errorOf(`${base}/Test/Mixed/versions/latest/arrow`)).code).toBe('invalid_ref');
  });
});

describe('access is decided by the catalog for the principal', () => {
  it('403 for controlled data and 404 for export-controlled data when the token is cleared for open only', async () => {
    const home = tempHome('genesis-data-access-');
    const t = new Table({ v: vectorFromArray([1, 2, 3]) });
    await publish(home, [
      {
        id: 'test/controlled',
        version: '1',
        metadata: { title: 'Controlled', license: 'CC0-1.0', accessLevel: 'controlled' },
        schema: t.schema,
        batches: t.batches
      },
      {
        id: 'test/secret',
        version: '1',
        metadata: { title: 'Secret', license: 'CC0-1.0', accessLevel: 'export-controlled' },
        schema: t.schema,
        batches: t.batches
      }
    ]);
    const open = await startPlatformProcess({ home, args: ['--clearance', 'open'] });
    try {
      for (const format of ['arrow', 'csv', 'json', 'parquet']) {
        const r = await authedFetch(open, `${base}/test/controlled/versions/latest/${format}`);
        expect(r.status).toBe(403);
        expect(ErrorBody.parse(await r.json()).error.message).toMatch(/"test\/controlled" is controlled/);
        const hidden = await authedFetch(open, `${base}/test/secret/versions/latest/${format}`);
        expect(hidden.status).toBe(404);
      }
    } finally {
      await open.stop();
    }
  });
});

describe('HTTP compression', () => {
  const path = `${base}/test/mixed/versions/latest/arrow${q({ columns: 'id,s', limit: 20000 })}`;
  let plain: Buffer;
  beforeAll(async () => {
    const r = await authedFetch(p, path, { headers: { 'accept-encoding': 'identity' } });
    expect(r.headers.get('content-encoding')).toBeNull();
    plain = Buffer.from(await r.arrayBuffer());
  });

  it.each([
    ['gzip', zlib.gunzipSync],
    ['br', zlib.brotliDecompressSync]
  ] as const)('negotiates %s on the Arrow stream', async (encoding, decode) => {
    const raw = await rawGet(path, { 'accept-encoding': encoding });
    expect(raw.headers['content-encoding']).toBe(encoding);
    expect(raw.headers.vary).toMatch(/accept-encoding/i);
    const decoded = decode(raw.body);
    expect(decoded.equals(plain)).toBe(true);
    expect(raw.body.length).toBeLessThan(plain.length);
  });

  it('sends identity when asked (or when nothing acceptable is offered)', async () => {
    for (const ae of ['identity', 'zstd', 'gzip;q=0, identity']) {
      const raw = await rawGet(path, { 'accept-encoding': ae });
      expect(raw.headers['content-encoding']).toBeUndefined();
      expect(raw.body.equals(plain)).toBe(true);
    }
  });
});

describe('exports', () => {
  const filter = { op: 'in', args: [{ property: 's' }, ['comma,quote"', 'line\nbreak', 'é']] };

  it('CSV: header, RFC 4180 quoting, empty nulls, ISO dates', async () => {
    const r = await authedFetch(
      p,
      `${base}/test/mixed/versions/latest/csv${q({ columns: 'id,s,day,ts,f,t', filter, limit: 500 })}`
    );
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('genesis-ref')).toBe('test/mixed@1.0');
    const records = parseCsv(await r.text(), { columns: true }) as Record<string, string>[];
    const expected = rows
      .map((row, k) => ({ row, k }))
      .filter(({ row }) => evalRow(filter as Cql2Expr, row) === true)
      .slice(0, 500);
    expect(records.map((x) => Number(x.id))).toEqual(expected.map((x) => x.k));
    for (const [j, { row }] of expected.entries()) {
      expect(records[j]!.s).toBe(row.s);
      expect(records[j]!.day).toBe(
        row.day === null ? '' : new Date((row.day as number) * 86_400_000).toISOString().slice(0, 10)
      );
      expect(records[j]!.t).toBe(row.t === null ? '' : String(row.t));
      const f = row.f as number | null;
      expect(records[j]!.f).toBe(f === null ? '' : String(f));
    }
  });

  it('JSON: an array of row objects; NaN as null; int64 exact as numbers or strings', async () => {
    const r = await authedFetch(p, `${base}/test/mixed/versions/latest/json${q({ columns: 'id,f,b,d', limit: 30 })}`);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await r.json()) as Record<string, unknown>[];
    expect(body).toHaveLength(30);
    for (const [k, o] of body.entries()) {
      expect(Object.keys(o)).toEqual(['id', 'f', 'b', 'd']);
      expect(o.id).toBe(k);
      expect(o.f).toBe(rows[k]!.f === null || Number.isNaN(rows[k]!.f) ? null : rows[k]!.f);
      expect(o.b).toBe(rows[k]!.b === null ? null : Number(rows[k]!.b));
      expect(o.d).toBe(rows[k]!.d);
    }
    const exact = await (await authedFetch(p, `${base}/test/int64/versions/latest/json`)).text();
    expect(exact).toContain('{"v":9223372036854775807}');
    expect(exact).toContain('{"v":-9223372036854775808}');
    expect(exact).toContain('{"v":9007199254740993}');
    const strings = (await (await authedFetch(p, `${base}/test/int64/versions/latest/json?int64=string`)).json()) as {
      v: unknown;
    }[];
    expect(strings.map((x) => x.v)).toEqual([
      '9223372036854775807',
      '-9223372036854775808',
      '9007199254740993',
      null,
      '5'
    ]);
  });

  it('Parquet (ZSTD): same rows and the genesis metadata', async () => {
    const r = await authedFetch(p, `${base}/test/mixed/versions/latest/parquet${q({ columns: 'id,s,d,b', filter })}`);
    expect(r.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    const buf = new Uint8Array(await r.arrayBuffer());
    expect(Buffer.from(buf.subarray(0, 4)).toString()).toBe('PAR1');
    const back = tableFromIPC(parquet.readParquet(buf).intoIPCStream());
    const expected = rows.map((row, k) => (evalRow(filter as Cql2Expr, row) === true ? k : -1)).filter((k) => k >= 0);
    expect(ids(back)).toEqual(expected);
    expect(back.schema.metadata.get(ARROW_META.ref)).toBe('test/mixed@1.0');
    expect(back.getChild('s')!.get(0)).toBe(rows[expected[0]!]!.s);
    const empty = await authedFetch(p, `${base}/test/mixed/versions/latest/parquet${q({ limit: 0 })}`);
    expect(tableFromIPC(parquet.readParquet(new Uint8Array(await empty.arrayBuffer())).intoIPCStream()).numRows).toBe(
      0
    );
  });
});

describe('streaming: backpressure and disconnects', () => {
  const dataStats = async () =>
    ((await (await fetch(`${p.url}/api/health`)).json()) as { data: ReturnType<DataStats['snapshot']> }).data;

  it.each([['identity'], ['gzip']])(
    'reads only as fast as the client (%s), and stops reading when the client goes away',
    async (encoding) => {
      const before = await dataStats();
      const { req, firstChunk } = openStream(`${base}/test/big/versions/latest/arrow`, { 'accept-encoding': encoding });
      const res = await firstChunk;
      res.pause();
      // An event, not a clock: the server says when its stream blocks on the full socket (no
      // 'drain' can come while the client is paused), however slow the machine is.
      const waiting = await until(
        'the stream to wait for the paused client',
        async () => {
          const s = await dataStats();
          return s.waitingStreams === before.waitingStreams + 1 ? s : undefined;
        },
        30000
      );
      // A paused client: the server read a few batches ahead (socket buffers) and then stopped.
      expect(waiting.batchReads - before.batchReads).toBeLessThan(BIG_BATCHES / 2);
      expect(waiting.openScans).toBe(before.openScans + 1);

      req.destroy();
      // The scan ended (file closed, batches released): from then on nothing can be read.
      const after = await until(
        'the scan to end',
        async () => {
          const s = await dataStats();
          return s.openScans === before.openScans ? s : undefined;
        },
        30000
      );
      expect(after.waitingStreams).toBe(before.waitingStreams);
      expect(after.batchReads - before.batchReads).toBeLessThan(BIG_BATCHES / 2);
    }
  );

  it('clients that leave at once (before any row) leave no scan open', async () => {
    const before = await dataStats();
    await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<void>((resolve) => {
            const req = http.get(`${p.url}${base}/test/big/versions/latest/arrow`, {
              headers: { authorization: `Bearer ${p.token}` }
            });
            req.on('response', () => {
              req.destroy();
              resolve();
            });
            req.on('error', () => resolve());
          })
      )
    );
    const deadline = Date.now() + 5000;
    while ((await dataStats()).openScans !== before.openScans && Date.now() < deadline) await sleep(50);
    const after = await dataStats();
    expect(after.openScans).toBe(before.openScans);
    expect(after.scans - before.scans).toBe(20);
  });

  it('a full pull of the big table streams every batch', async () => {
    const t = await arrow(`${base}/test/big/versions/latest/arrow${q({ columns: 'c1' })}`);
    expect(t.numRows).toBe(BIG_ROWS);
    expect(t.getChild('c1')!.get(BIG_ROWS - 1)).toBe((BIG_ROWS - 1) * 2 + 0.5);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function openStream(path: string, headers: Record<string, string>) {
  const req = http.get(`${p.url}${path}`, { headers: { authorization: `Bearer ${p.token}`, ...headers } });
  req.on('error', () => undefined); // destroyed on purpose
  const firstChunk = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.once('response', (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      res.on('error', () => undefined);
      res.once('data', () => resolve(res));
    });
  });
  return { req, firstChunk };
}

function rawGet(
  path: string,
  headers: Record<string, string>
): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${p.url}${path}`, { headers: { authorization: `Bearer ${p.token}`, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
