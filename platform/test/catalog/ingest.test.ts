import * as fs from 'node:fs';
import { tableFromArrays, tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import { GenesisError, OWNER } from '@genesis-lab/contract';
import { ingestFile } from '../../src/ingest/ingest';
import { filesUnder, fixture, meta, tempCatalog } from '../support/catalog';

type Ctx = ReturnType<typeof tempCatalog>;
let ctx: Ctx;
beforeEach(() => {
  ctx = tempCatalog();
});
afterEach(() => ctx.close());

function readBack(id: string, version = 'latest'): Table {
  const r = ctx.catalog.resolve(id, version, OWNER);
  return tableFromIPC(fs.readFileSync(r.objectPath));
}

function types(t: Table): Record<string, string> {
  return Object.fromEntries(t.schema.fields.map((f) => [f.name, String(f.type)]));
}

async function expectNothingPublished(p: Promise<unknown>, message: RegExp): Promise<void> {
  await expect(p).rejects.toThrow(message);
  expect(ctx.catalog.count(OWNER)).toBe(0);
  expect(filesUnder(ctx.home.objectsDir)).toEqual([]);
  expect(filesUnder(ctx.home.tmpDir)).toEqual([]);
}

describe('ingest: formats', () => {
  it('CSV: infers int64, float64, bool, date32, timestamp, utf8 and nulls, and reads back the values', async () => {
    const file = fixture(
      ctx.dir,
      'mixed.csv',
      'id,value,flag,day,at,name,empty\n' +
        '1,1.5,true,2020-04-01,2020-04-01T12:00:00Z,"Mauna, Loa",\n' +
        '2,,FALSE,2020-04-02,2020-04-01 13:30:00.250,plain,NA\n' +
        '3,3,true,,2020-04-01T14:00:00+02:00,"say ""hi""",\n'
    );
    const r = await ingestFile(ctx.catalog, {
      file,
      id: 't/mixed',
      metadata: meta({ fieldInfo: { value: { unit: 'ppm' } } })
    });
    expect(r.created).toBe(true);
    expect(r.version.version).toBe('1');
    expect(r.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'int64'],
      ['value', 'float64'],
      ['flag', 'bool'],
      ['day', 'date32'],
      ['at', 'timestamp[ms, tz=UTC]'],
      ['name', 'utf8'],
      ['empty', 'null']
    ]);
    const t = readBack('t/mixed');
    expect(t.numRows).toBe(3);
    expect(t.getChild('id')!.toArray()).toEqual(new BigInt64Array([1n, 2n, 3n]));
    expect(t.getChild('value')!.get(1)).toBeNull();
    expect(t.getChild('value')!.get(2)).toBe(3);
    expect([...t.getChild('flag')!]).toEqual([true, false, true]);
    expect(new Date(t.getChild('day')!.get(0) as number).toISOString()).toBe('2020-04-01T00:00:00.000Z');
    expect(t.getChild('day')!.get(2)).toBeNull();
    expect(t.getChild('at')!.get(1)).toBe(Date.parse('2020-04-01T13:30:00.250Z'));
    expect(t.getChild('at')!.get(2)).toBe(Date.parse('2020-04-01T12:00:00Z'));
    expect(t.getChild('name')!.get(0)).toBe('Mauna, Loa');
    expect(t.getChild('name')!.get(2)).toBe('say "hi"');
    expect(t.schema.fields[1]!.metadata.get('genesis:unit')).toBe('ppm');
    expect(r.version.fields.find((f) => f.name === 'value')!.unit).toBe('ppm');
  });

  it('CSV: a conflicting value late in the file promotes the column instead of failing', async () => {
    const lines = ['n,when'];
    for (let i = 0; i < 70000; i++) lines.push(`${i},2020-01-01`);
    lines.push('0.5,2020-01-01T10:00:00Z');
    lines.push('x,2020-01-02');
    const file = fixture(ctx.dir, 'late.csv', lines.join('\n') + '\n');
    const r = await ingestFile(ctx.catalog, { file, id: 't/late', metadata: meta() });
    expect(r.columns.map((c) => c.type)).toEqual(['utf8', 'timestamp[ms, tz=UTC]']);
    expect(r.version.rowCount).toBe(70002);
    expect(r.version.batchCount).toBe(2);
    const t = readBack('t/late');
    expect(t.batches[0]!.numRows).toBe(65536);
    expect(t.getChild('n')!.get(70000)).toBe('0.5');
    expect(t.getChild('n')!.get(12345)).toBe('12345');
  });

  it('keeps leading-zero codes as text (zip codes are not numbers)', async () => {
    const file = fixture(ctx.dir, 'zip.csv', 'zip\n02134\n10001\n');
    const r = await ingestFile(ctx.catalog, { file, id: 't/zip', metadata: meta() });
    expect(r.columns[0]!.type).toBe('utf8');
    expect(readBack('t/zip').getChild('zip')!.get(0)).toBe('02134');
  });

  it('JSON array and NDJSON: typed values, missing keys are nulls, nested values as JSON text', async () => {
    const rows = [
      { a: 1, b: 'x', c: { deep: [1, 2] } },
      { a: 2.5, d: true },
      { a: null, b: '2021-03-04' }
    ];
    const arr = fixture(ctx.dir, 'rows.json', JSON.stringify(rows, null, 2));
    const nd = fixture(ctx.dir, 'rows.ndjson', rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const r1 = await ingestFile(ctx.catalog, { file: arr, id: 't/array', metadata: meta() });
    const r2 = await ingestFile(ctx.catalog, { file: nd, id: 't/ndjson', metadata: meta() });
    for (const r of [r1, r2]) {
      expect(r.format).toBe('json');
      expect(r.columns.map((c) => [c.name, c.type])).toEqual([
        ['a', 'float64'],
        ['b', 'utf8'],
        ['c', 'utf8'],
        ['d', 'bool']
      ]);
    }
    // Same rows, same canonical bytes, whatever the JSON layout.
    expect(r1.version.sha256).toBe(r2.version.sha256);
    const t = readBack('t/array');
    expect(t.getChild('c')!.get(0)).toBe('{"deep":[1,2]}');
    expect(t.getChild('d')!.get(0)).toBeNull();
    expect(t.getChild('d')!.get(1)).toBe(true);
  });

  it('GeoJSON: properties as columns, points as longitude/latitude/depth', async () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          id: 'a',
          properties: { mag: 2.1, place: 'X' },
          geometry: { type: 'Point', coordinates: [-118.5, 34.2, 10.5] }
        },
        {
          type: 'Feature',
          id: 'b',
          properties: { mag: 4, place: 'Y' },
          geometry: { type: 'Point', coordinates: [140, -20] }
        }
      ]
    };
    const file = fixture(ctx.dir, 'quakes.geojson', JSON.stringify(fc));
    const r = await ingestFile(ctx.catalog, { file, id: 't/quakes', metadata: meta() });
    expect(r.format).toBe('geojson');
    expect(r.columns.map((c) => c.name)).toEqual(['mag', 'place', 'id', 'longitude', 'latitude', 'depth']);
    const t = readBack('t/quakes');
    expect(t.getChild('longitude')!.get(0)).toBe(-118.5);
    expect(t.getChild('depth')!.get(0)).toBe(10.5);
    expect(t.getChild('depth')!.get(1)).toBeNull();
  });

  it('GeoJSON: other geometries are kept as GeoJSON text', async () => {
    const line = {
      type: 'LineString',
      coordinates: [
        [0, 0],
        [1, 1]
      ]
    };
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { n: 1 }, geometry: line },
        { type: 'Feature', properties: { n: 2 }, geometry: { type: 'Point', coordinates: [1, 2] } }
      ]
    };
    const file = fixture(ctx.dir, 'shapes.json', JSON.stringify(fc));
    const r = await ingestFile(ctx.catalog, { file, id: 't/shapes', metadata: meta() });
    expect(r.columns.map((c) => c.name)).toEqual(['n', 'geometry']);
    expect(JSON.parse(readBack('t/shapes').getChild('geometry')!.get(0) as string)).toEqual(line);
  });

  it('Parquet (parquet-wasm) and Arrow file/stream keep their types', async () => {
    const source = tableFromArrays({
      x: Float64Array.from({ length: 1000 }, (_, i) => i / 10),
      n: Int32Array.from({ length: 1000 }, (_, i) => i)
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pq = require('parquet-wasm') as typeof import('parquet-wasm');
    const parquet = pq.writeParquet(pq.Table.fromIPCStream(tableToIPC(source, 'stream')));
    const files = {
      parquet: fixture(ctx.dir, 'data.parquet', parquet),
      file: fixture(ctx.dir, 'data.arrow', tableToIPC(source, 'file')),
      stream: fixture(ctx.dir, 'data.arrows', tableToIPC(source, 'stream'))
    };
    for (const [name, file] of Object.entries(files)) {
      const r = await ingestFile(ctx.catalog, { file, id: `t/${name}`, metadata: meta(), rename: { x: 'value' } });
      expect(r.columns.map((c) => [c.name, c.type])).toEqual([
        ['value', 'float64'],
        ['n', 'int32']
      ]);
      const t = readBack(`t/${name}`);
      expect(t.numRows).toBe(1000);
      expect(t.getChild('value')!.get(999)).toBeCloseTo(99.9);
      expect(types(t)).toEqual({ value: 'Float64', n: 'Int32' });
    }
  });

  it('type overrides turn epoch milliseconds into timestamps', async () => {
    const file = fixture(ctx.dir, 't.json', JSON.stringify([{ time: 1517966773840 }, { time: null }]));
    const r = await ingestFile(ctx.catalog, { file, id: 't/times', metadata: meta(), types: { time: 'timestamp' } });
    expect(r.columns[0]).toMatchObject({ type: 'timestamp[ms, tz=UTC]', inferred: false });
    expect(readBack('t/times').getChild('time')!.get(0)).toBe(1517966773840);
  });
});

describe('ingest: bad input publishes nothing', () => {
  it('CSV with an unclosed quote names the line', async () => {
    const file = fixture(ctx.dir, 'bad.csv', 'a,b\n1,2\n3,"oops\n4,5\n');
    await expectNothingPublished(
      ingestFile(ctx.catalog, { file, id: 't/bad', metadata: meta() }),
      /Malformed CSV.*line/
    );
  });

  it('truncated CSV (short last row) names the line', async () => {
    const file = fixture(ctx.dir, 'cut.csv', 'a,b,c\n1,2,3\n4,5\n');
    await expectNothingPublished(
      ingestFile(ctx.catalog, { file, id: 't/cut', metadata: meta() }),
      /Malformed CSV at line 3/
    );
  });

  it('a value that fails its (overridden) type fails in the second pass, after batches were written', async () => {
    const lines = ['v'];
    for (let i = 0; i < 70000; i++) lines.push(String(i));
    lines.push('not-a-number');
    const file = fixture(ctx.dir, 'late-bad.csv', lines.join('\n'));
    await expectNothingPublished(
      ingestFile(ctx.catalog, { file, id: 't/late-bad', metadata: meta(), types: { v: 'int64' } }),
      /data row 70001: column "v": "not-a-number" is not a whole number/
    );
  });

  it('truncated Parquet and Arrow files', async () => {
    const source = tableFromArrays({ x: Float64Array.from({ length: 5000 }, (_, i) => i) });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pq = require('parquet-wasm') as typeof import('parquet-wasm');
    const parquet = pq.writeParquet(pq.Table.fromIPCStream(tableToIPC(source, 'stream')));
    const arrowFile = tableToIPC(source, 'file');
    const arrowStream = tableToIPC(source, 'stream');
    const cuts: [string, Uint8Array, RegExp][] = [
      ['cut.parquet', parquet.subarray(0, parquet.length - 100), /Malformed or truncated Parquet/],
      ['cut.arrow', arrowFile.subarray(0, arrowFile.length - 30), /Malformed or truncated Arrow/],
      ['cut.arrows', arrowStream.subarray(0, arrowStream.length - 8), /stream cut short/],
      ['garbage.parquet', new TextEncoder().encode('not parquet at all'), /Malformed or truncated Parquet/]
    ];
    for (const [name, bytes, message] of cuts) {
      const file = fixture(ctx.dir, name, bytes);
      await expectNothingPublished(ingestFile(ctx.catalog, { file, id: 't/cut', metadata: meta() }), message);
    }
  });

  it('malformed and truncated JSON name the byte offset', async () => {
    const file = fixture(ctx.dir, 'bad.json', '[{"a": 1}, {"a" 2}]');
    await expectNothingPublished(
      ingestFile(ctx.catalog, { file, id: 't/j', metadata: meta() }),
      /Malformed JSON.*near byte/
    );
    const cut = fixture(ctx.dir, 'cut.json', '[{"a": 1}, {"a": 2');
    await expectNothingPublished(ingestFile(ctx.catalog, { file: cut, id: 't/j', metadata: meta() }), /Malformed JSON/);
  });

  it('a JSON value that is not a row is named by its place in the file', async () => {
    const cases: Array<[string, string, string]> = [
      ['values.json', '[{"a": 1}, 2]', 'element 1 is not an object'],
      ['lines.ndjson', '{"a": 1}\n[1]\n', 'line 2 is not an object'],
      [
        'shapes.geojson',
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}}, {"type": "Point"}]}',
        'feature 1 is not a GeoJSON Feature'
      ]
    ];
    for (const [name, text, message] of cases) {
      const file = fixture(ctx.dir, name, text);
      await expectNothingPublished(
        ingestFile(ctx.catalog, { file, id: 't/j', metadata: meta() }),
        new RegExp(`${name}: ${message}$`)
      );
    }
  });

  it('metadata errors name the JSON path', async () => {
    const file = fixture(ctx.dir, 'ok.csv', 'a\n1\n');
    const err = await ingestFile(ctx.catalog, {
      file,
      id: 't/meta',
      metadata: { title: 'x', license: 'CC-BY-4.0', creators: [{ name: 'A', url: 'not a url' }] }
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenesisError);
    expect((err as GenesisError).message).toMatch(/metadata\.creators\[0\]\.url/);
    expect(ctx.catalog.count(OWNER)).toBe(0);
  });

  it('a new id needs metadata; an empty file or header-only CSV is refused', async () => {
    const file = fixture(ctx.dir, 'ok.csv', 'a\n1\n');
    await expectNothingPublished(ingestFile(ctx.catalog, { file, id: 't/new' }), /needs record metadata/);
    await expectNothingPublished(
      ingestFile(ctx.catalog, { file: fixture(ctx.dir, 'e.csv', ''), id: 't/e', metadata: meta() }),
      /is empty/
    );
    await expectNothingPublished(
      ingestFile(ctx.catalog, { file: fixture(ctx.dir, 'h.csv', 'a,b\n'), id: 't/h', metadata: meta() }),
      /no data rows/
    );
  });
});

describe('ingest: versions', () => {
  it('identical bytes are a no-op; different bytes under the same version are a 409', async () => {
    const a = fixture(ctx.dir, 'a.csv', 'x\n1\n2\n');
    const b = fixture(ctx.dir, 'b.csv', 'x\n1\n3\n');
    const first = await ingestFile(ctx.catalog, { file: a, id: 't/v', version: '2024.1', metadata: meta() });
    const again = await ingestFile(ctx.catalog, { file: a, id: 't/v', version: '2024.1' });
    expect(again.created).toBe(false);
    expect(again.version.sha256).toBe(first.version.sha256);
    const err = (await ingestFile(ctx.catalog, { file: b, id: 't/v', version: '2024.1' }).catch(
      (e: unknown) => e
    )) as GenesisError;
    expect(err.status).toBe(409);
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/already exists with different content/);
    expect(ctx.catalog.versions('t/v', OWNER).versions.map((v) => v.version)).toEqual(['2024.1']);
    expect(filesUnder(ctx.home.objectsDir)).toHaveLength(1);
    expect(filesUnder(ctx.home.tmpDir)).toEqual([]);
  });

  it('without --version: the next number, and identical content maps to its existing version', async () => {
    const a = fixture(ctx.dir, 'a.csv', 'x\n1\n');
    const b = fixture(ctx.dir, 'b.csv', 'x\n2\n');
    expect((await ingestFile(ctx.catalog, { file: a, id: 't/n', metadata: meta() })).version.version).toBe('1');
    expect((await ingestFile(ctx.catalog, { file: b, id: 't/n' })).version.version).toBe('2');
    const same = await ingestFile(ctx.catalog, { file: a, id: 't/n' });
    expect(same).toMatchObject({ created: false, version: { version: '1' } });
    const rec = ctx.catalog.getRecord('t/n', OWNER);
    expect(rec.latestVersion).toBe('2');
    expect(rec.versions.map((v) => v.version)).toEqual(['2', '1']);
    expect(ctx.catalog.resolve('t/n', '1', OWNER).version.rowCount).toBe(1);
  });
});
