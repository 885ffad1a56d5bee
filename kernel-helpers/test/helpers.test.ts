import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { Field, Float64, Int64, Schema, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { ARROW_META, DatasetUse, ErrorBody, GenesisError } from '@genesis-lab/contract';
import { Genesis, tableBundle } from '@genesis-lab/kernel';
import {
  authedFetch,
  MIXED_META,
  mixedRows,
  mixedTable,
  numericBatches,
  numericSchema,
  type PlatformProcess,
  publish,
  startPlatformProcess,
  tempHome,
  genesisFailure
} from '@genesis-lab/test-support';

/** The helpers in plain Node against a real platform process, over datasets published through the catalog. */

const BIG_ROWS = 1_000_000;
let home: string;
let p: PlatformProcess;
let g: Genesis;

const noHome = () => fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-nohome-'));

const failure = genesisFailure;

beforeAll(async () => {
  home = tempHome('genesis-helpers-');
  const rows = mixedRows(1000);
  const mixed = mixedTable(rows);
  const big = numericSchema(4);
  const v = (n: number) => new Table({ n: vectorFromArray([n, n + 1, n + 2], new Float64()) });
  const int64Schema = new Schema([new Field('small', new Int64(), true), new Field('huge', new Int64(), true)]);
  const int64 = new Table({
    small: vectorFromArray([1n, -2n, null, 9007199254740991n], new Int64()),
    huge: vectorFromArray([1n, 9223372036854775807n, null, -5n], new Int64())
  });
  await publish(home, [
    { id: 'test/mixed', version: '1.0', metadata: MIXED_META, schema: mixed.schema, batches: mixed.batches },
    {
      id: 'test/big',
      version: '1',
      metadata: { title: 'Big', license: 'CC0-1.0' },
      schema: big,
      batches: numericBatches(big, BIG_ROWS)
    },
    {
      id: 'test/versions',
      version: '1',
      metadata: { title: 'Versioned', license: 'CC0-1.0', keywords: ['versioned'] },
      schema: v(1).schema,
      batches: v(1).batches
    },
    {
      id: 'test/versions',
      version: '2',
      schema: v(10).schema,
      batches: v(10).batches,
      metadata: { title: 'Versioned', license: 'CC0-1.0', keywords: ['versioned'] }
    },
    {
      id: 'test/int64',
      version: '1',
      metadata: { title: 'int64', license: 'CC0-1.0' },
      schema: int64Schema,
      batches: int64.batches
    }
  ]);
  p = await startPlatformProcess({ home });
  // Found through the discovery file, as a kernel would.
  g = new Genesis({ env: { GENESIS_HOME: home }, homeDir: noHome() });
}, 120_000);

afterAll(async () => {
  await p?.stop();
});

describe('finding the platform', () => {
  it('says what to run and what to set when there is no platform', async () => {
    const dir = noHome();
    const err = await failure(new Genesis({ env: {}, homeDir: dir }).search('x'));
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain(path.join(dir, '.genesis/run/platform.json'));
    expect(err.hint).toMatch(/genesis serve/);
    expect(err.hint).toMatch(/GENESIS_URL and GENESIS_TOKEN/);
  });

  it('refuses GENESIS_URL without GENESIS_TOKEN', async () => {
    const err = await failure(new Genesis({ env: { GENESIS_URL: p.url }, homeDir: noHome() }).search('x'));
    expect(err.code).toBe('unauthorized');
    expect(err.hint).toMatch(/GENESIS_TOKEN/);
  });

  it('connects with GENESIS_URL/GENESIS_TOKEN, and reports a wrong token with the platform’s words', async () => {
    const ok = new Genesis({ env: { GENESIS_URL: `${p.url}/`, GENESIS_TOKEN: p.token }, homeDir: noHome() });
    expect((await ok.search('versioned')).hits.map((h) => h.id)).toContain('test/versions');
    const bad = new Genesis({ env: { GENESIS_URL: p.url, GENESIS_TOKEN: 'x'.repeat(32) }, homeDir: noHome() });
    const err = await failure(bad.search('x'));
    expect(err.code).toBe('unauthorized');
    expect(err.message).toBe('Missing or wrong platform token');
  });

  it('explains a discovery file whose platform is gone', async () => {
    const stale = noHome();
    fs.mkdirSync(path.join(stale, 'run'), { recursive: true });
    fs.writeFileSync(
      path.join(stale, 'run/platform.json'),
      JSON.stringify({
        url: 'http://127.0.0.1:9',
        token: 't'.repeat(32),
        pid: 1,
        home: stale,
        startedAt: new Date().toISOString(),
        version: '0'
      })
    );
    const err = await failure(new Genesis({ env: { GENESIS_HOME: stale }, homeDir: noHome() }).search('x'));
    expect(err.code).toBe('unavailable');
    expect(err.hint).toMatch(/discovery file .* names http:\/\/127\.0\.0\.1:9, but nothing answers/);
  });
});

describe('pulling tables', () => {
  it('returns an Arrow Table with the exact version, units and one lineage record', async () => {
    g.lineage.clear();
    const t = await g
      .dataset('test/mixed')
      .table({ columns: ['id', 'f', 's'], filter: { op: '<', args: [{ property: 'id' }, 10] } });
    expect(t.numRows).toBe(10);
    expect(t.schema.fields.map((f) => f.name)).toEqual(['id', 'f', 's']);
    expect(t.schema.metadata.get(ARROW_META.ref)).toBe('test/mixed@1.0');
    expect(t.schema.fields[1]!.metadata.get(ARROW_META.unit)).toBe('K');
    const [use, ...more] = g.lineage.records();
    expect(more).toHaveLength(0);
    expect(DatasetUse.parse(use)).toMatchObject({
      ref: 'test/mixed',
      id: 'test/mixed',
      version: '1.0',
      sha256: t.schema.metadata.get(ARROW_META.sha256),
      columns: ['id', 'f', 's'],
      filter: { op: '<', args: [{ property: 'id' }, 10] },
      rowCount: 10,
      mode: 'table',
      platform: p.url
    });
  });

  it('resolves latest to the newest version and pins pulls; an explicit version is honoured', async () => {
    g.lineage.clear();
    const latest = await g.dataset('test/versions').table();
    expect(Array.from(latest.getChild('n')!.toArray() as Float64Array)).toEqual([10, 11, 12]);
    const v1 = await g.dataset('test/versions@1').table();
    expect(Array.from(v1.getChild('n')!.toArray() as Float64Array)).toEqual([1, 2, 3]);
    expect(g.lineage.records().map((r) => [r.kind === 'dataset' && r.ref, r.kind === 'dataset' && r.version])).toEqual([
      ['test/versions', '2'],
      ['test/versions@1', '1']
    ]);
    expect((await g.dataset('test/versions').versions()).map((v) => v.version)).toEqual(['2', '1']);
    expect((await g.dataset('test/versions').resolve()).version).toBe('2');
  });

  it('gives the schema without rows and without a lineage record', async () => {
    g.lineage.clear();
    const s = await g.dataset('test/mixed').schema({ columns: ['ts', 'b'] });
    expect(s.fields.map((f) => f.name)).toEqual(['ts', 'b']);
    expect(s.metadata.get(ARROW_META.version)).toBe('1.0');
    expect(g.lineage.records()).toHaveLength(0);
  });

  it('streams batches lazily; stopping early closes the stream and records what was used', async () => {
    g.lineage.clear();
    let rows = 0;
    let batches = 0;
    for await (const b of g.dataset('test/big').batches({ columns: ['c0'] })) {
      rows += b.numRows;
      if (++batches === 2) break;
    }
    expect(rows).toBe(2 * 65536);
    const use = g.lineage.records()[0] as DatasetUse;
    expect(use).toMatchObject({ mode: 'batches', rowCount: rows, columns: ['c0'] });
    const deadline = Date.now() + 5000;
    let open = -1;
    while (Date.now() < deadline) {
      open = ((await (await fetch(`${p.url}/api/health`)).json()) as { data: { openScans: number } }).data.openScans;
      if (open === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(open).toBe(0);
  });

  it('reads every row of a multi-batch table, also through gzip and br', async () => {
    for (const compression of ['auto', 'gzip', 'br'] as const) {
      const c = new Genesis({ env: { GENESIS_HOME: home }, homeDir: noHome() }).configure({ compression });
      const t = await c.dataset('test/big').table({ columns: ['c3'], offset: 5, limit: 200_000 });
      expect(t.numRows).toBe(200_000);
      expect(t.getChild('c3')!.get(0)).toBe(5 * 4 + 0.5);
      expect(t.getChild('c3')!.get(199_999)).toBe(200_004 * 4 + 0.5);
    }
  });
});

describe('int64 policy', () => {
  it('number (default): float64 columns when every value is safe, a clear refusal otherwise', async () => {
    const t = await g.dataset('test/int64').table({ columns: ['small'] });
    expect(t.schema.fields[0]!.type).toBeInstanceOf(Float64);
    expect(t.schema.fields[0]!.metadata.get(ARROW_META.int64)).toBe('number');
    expect(t.toArray().map((r) => r.small)).toEqual([1, -2, null, 9007199254740991]);
    const err = await failure(g.dataset('test/int64').table());
    expect(err.message).toMatch(/Column "huge" holds 9223372036854775807/);
    expect(err.hint).toMatch(/int64: "bigint"/);
  });

  it('bigint keeps exact BigInt values; string gives decimal text', async () => {
    const b = await g.dataset('test/int64').table({ int64: 'bigint' });
    expect(b.getChild('huge')!.get(1)).toBe(9223372036854775807n);
    const s = await g.dataset('test/int64').table({ int64: 'string' });
    expect(s.schema.fields[1]!.type).toBeInstanceOf(Utf8);
    expect(s.toArray().map((r) => r.huge)).toEqual(['1', '9223372036854775807', null, '-5']);
  });
});

describe('errors carry the platform’s words and say how to fix them', () => {
  it('unknown column: the same message as the HTTP answer, with suggestions and hint', async () => {
    const http = ErrorBody.parse(
      await (await authedFetch(p, '/api/datasets/test/mixed/versions/1.0/arrow?columns=id,dya')).json()
    );
    const err = await failure(g.dataset('test/mixed').table({ columns: ['id', 'dya'] }));
    expect(err.message).toBe(http.error.message);
    expect(err.code).toBe('unknown_column');
    expect(err.suggestions).toContain('day');
    const shown = inspect(err);
    expect(shown).toContain(http.error.message);
    expect(shown).toContain('Did you mean: day');
    expect(shown).toContain('Hint:');
  });

  it('type mismatch and invalid filters are refused with the JSON path', async () => {
    const err = await failure(g.dataset('test/mixed').table({ filter: { op: '>', args: [{ property: 's' }, 3] } }));
    expect(err.code).toBe('invalid_filter');
    expect(err.issues?.[0]?.path).toBe('filter.args[1]');
    // Checked before any request, with the contract's own message.
    const bad = await failure(
      g.dataset('test/mixed').table({ filter: { op: 'between', args: [{ property: 'i' }, 1] } as never })
    );
    expect(bad.code).toBe('invalid_filter');
    expect(bad.issues?.[0]?.path).toMatch(/^filter\.args/);
  });

  it('unknown datasets suggest the closest ids; malformed refs fail at once', async () => {
    const err = await failure(g.dataset('test/mixd').table());
    expect(err.code).toBe('not_found');
    expect(err.suggestions).toContain('test/mixed');
    expect(() => g.dataset('no-namespace')).toThrow(GenesisError);
  });
});

describe('catalog', () => {
  it('searches and reads records', async () => {
    const r = await g.search('versioned', { limit: 5 });
    expect(r.hits[0]!.id).toBe('test/versions');
    const rec = await g.record('test/mixed');
    expect(rec.title).toBe('Mixed test table');
    expect(rec.fields.find((f) => f.name === 'f')?.unit).toBe('K');
  });
});

describe('rich display', () => {
  it('renders a compact HTML table: provenance, schema with units, first and last rows, escaped', async () => {
    const t: Table = await g
      .dataset('test/mixed')
      .table({ columns: ['id', 'f', 's', 'day'], filter: { op: '<', args: [{ property: 'id' }, 40] } });
    const bundle = tableBundle(t);
    const html = bundle['text/html'] as string;
    expect(html).toContain('test/mixed@1.0');
    expect(html).toContain('40 rows × 4 columns');
    expect(html).toContain((t.schema.metadata.get(ARROW_META.sha256) ?? '').slice(0, 12));
    expect(html).toContain('[K]');
    expect(html).toContain('filter <code>id &lt; 40</code>');
    expect((html.match(/<tr><td/g) ?? []).length).toBe(11); // 5 first, a gap, 5 last
    expect(html).toContain('<td style="opacity:0.6">39</td>');
    expect(html).not.toMatch(/<td[^>]*>[^<]*"[^<]*<\/td>/); // quotes in values are escaped
    expect(bundle['text/plain']).toMatch(/^test\/mixed@1\.0: 40 rows × 4 columns/);
  });

  it('says "1 row × 1 column", not "1 rows × 1 columns"', async () => {
    const t = await g
      .dataset('test/mixed')
      .table({ columns: ['id'], filter: { op: '=', args: [{ property: 'id' }, 7] } });
    expect(tableBundle(t)['text/html']).toContain('1 row × 1 column');
    expect(tableBundle(t)['text/plain']).toMatch(/^test\/mixed@1\.0: 1 row × 1 column /);
  });
});

describe('a platform that dies or restarts elsewhere', () => {
  it('a stream cut mid-way fails loudly, never a short table', async () => {
    g.lineage.clear();
    const it = g.dataset('test/big').batches({ batchSize: 1000 })[Symbol.asyncIterator]();
    expect((await it.next()).value?.numRows).toBe(1000);
    await p.kill(); // SIGKILL: the connection drops with batches still to come
    let err: unknown;
    try {
      for (let r = await it.next(); !r.done; r = await it.next());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GenesisError);
    expect((err as GenesisError).code).toBe('unavailable');
    expect((err as GenesisError).message).toMatch(/The stream of test\/big@1 broke off after \d+ rows/);
    expect(g.lineage.records()).toHaveLength(0);
  });

  it('is found again through its rewritten discovery file', async () => {
    await p.stop();
    p = await startPlatformProcess({ home });
    const t = await g.dataset('test/versions').table();
    expect(t.numRows).toBe(3);
    expect(g.url).toBe(p.url);
  });
});
