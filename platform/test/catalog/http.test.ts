import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetRecord, DatasetVersion, ErrorBody, Health, SearchResult, VersionList } from '@genesis-lab/contract';
import { authedFetch, type PlatformProcess, runCli, startPlatformProcess, tempHome } from '@genesis-lab/test-support';

const cli = runCli;

async function json<T>(p: PlatformProcess, url: string): Promise<{ status: number; body: T }> {
  const r = await authedFetch(p, url);
  return { status: r.status, body: (await r.json()) as T };
}

let home: string;
let p: PlatformProcess;
let seedOutput: string;

beforeAll(async () => {
  home = tempHome('genesis-catalog-http-');
  const seeded = cli(['seed', 'examples', '--home', home]);
  expect(seeded.stderr).toBe('');
  seedOutput = seeded.stdout;
  p = await startPlatformProcess({ home });
}, 180000);
afterAll(async () => {
  await p?.stop();
});

describe('seed (CLI)', () => {
  it('loads the examples once; a second run changes nothing', () => {
    expect(seedOutput).toMatch(/Seeded 9 example datasets \(9 added, 0 unchanged\)/);
    expect(seedOutput).toMatch(/noaa\/mauna-loa-co2@3\.2\.1 {2}741 rows {2}\(CC-BY-4\.0\)/);
    const again = cli(['seed', 'examples', '--home', home]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/\(0 added, 9 unchanged\)/);
  });
});

describe('catalog routes', () => {
  it('health counts the datasets', async () => {
    const h = Health.parse(await (await fetch(`${p.url}/api/health`)).json());
    expect(h.datasets).toBe(9);
  });

  it('search ranks, highlights and counts facets', async () => {
    const { status, body } = await json<unknown>(p, '/api/catalog/search?q=mauna%20loa%20co2');
    expect(status).toBe(200);
    const r = SearchResult.parse(body);
    expect(r.hits[0]!.id).toBe('noaa/mauna-loa-co2');
    expect(r.hits[0]!.highlights.title).toContainEqual({ text: 'Mauna', mark: true });
    expect(r.facets.license).toEqual([{ value: 'CC-BY-4.0', count: 1 }]);
    const f = SearchResult.parse(
      (await json(p, '/api/catalog/search?filter=domain:chemistry&filter=domain:seismology')).body
    );
    expect(f.hits.map((h) => h.id).sort()).toEqual([
      'nist/chemical-elements',
      'nist/isotopes',
      'usgs/earthquakes-2018-02-week'
    ]);
  });

  it('pages with cursors and refuses a bad one', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 10; i++) {
      const r = SearchResult.parse(
        (await json(p, `/api/catalog/search?limit=4${cursor ? `&cursor=${cursor}` : ''}`)).body
      );
      seen.push(...r.hits.map((h) => h.id));
      if (!r.nextCursor) break;
      cursor = r.nextCursor;
    }
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
    const bad = await json<ErrorBody>(p, '/api/catalog/search?cursor=nonsense');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues?.[0]?.path).toBe('query.cursor');
    const other = await json<ErrorBody>(p, `/api/catalog/search?q=weather&cursor=${cursor}`);
    expect(other.status).toBe(400);
    expect(other.body.error.message).toMatch(/different query/);
  });

  it('validates the query with the contract (400 naming the parameter)', async () => {
    const r = await json<ErrorBody>(p, '/api/catalog/search?limit=1000');
    expect(r.status).toBe(400);
    expect(r.body.error.issues?.[0]?.path).toBe('query.limit');
    const f = await json<ErrorBody>(p, '/api/catalog/search?filter=color:red');
    expect(f.status).toBe(400);
    expect(f.body.error.message).toMatch(/facet must be one of/);
  });

  it('returns a record with fields and units, and 404 with suggestions', async () => {
    const r = DatasetRecord.parse((await json(p, '/api/catalog/records/noaa/mauna-loa-co2')).body);
    expect(r.fields.map((f) => [f.name, f.type, f.unit])).toEqual([
      ['date', 'date32', undefined],
      ['co2', 'float64', 'ppm'],
      ['co2_adjusted', 'float64', 'ppm']
    ]);
    expect(r.license).toBe('CC-BY-4.0');
    expect(r.versions[0]!.rowCount).toBe(741);
    const missing = await json<ErrorBody>(p, '/api/catalog/records/noaa/mauna-loa-c02');
    expect(missing.status).toBe(404);
    expect(missing.body.error.suggestions).toEqual(['noaa/mauna-loa-co2']);
    const bad = await json<ErrorBody>(p, '/api/catalog/records/NOAA/Mauna');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_ref');
  });

  it('lists versions and resolves one (latest too); unknown versions are 404 with suggestions', async () => {
    const list = VersionList.parse((await json(p, '/api/datasets/noaa/mauna-loa-co2/versions')).body);
    expect(list.versions.map((v) => v.version)).toEqual(['3.2.1']);
    const latest = DatasetVersion.parse((await json(p, '/api/datasets/noaa/mauna-loa-co2/versions/latest')).body);
    expect(latest.sha256).toBe(list.versions[0]!.sha256);
    const sha = latest.sha256;
    const file = path.join(home, 'objects', sha.slice(0, 2), sha.slice(2) + '.arrow');
    expect(fs.statSync(file).size).toBe(latest.sizeBytes);
    const missing = await json<ErrorBody>(p, '/api/datasets/noaa/mauna-loa-co2/versions/3.2');
    expect(missing.status).toBe(404);
    expect(missing.body.error.suggestions).toEqual(['noaa/mauna-loa-co2@3.2.1']);
  });

  it('exports Croissant 1.0 JSON-LD', async () => {
    const r = await authedFetch(p, '/api/catalog/records/noaa/mauna-loa-co2/croissant');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    const doc = (await r.json()) as Record<string, unknown> & {
      '@context': Record<string, unknown>;
      distribution: Record<string, unknown>[];
      recordSet: { '@type': string; field: Record<string, unknown>[] }[];
    };
    expect(doc['@context']).toMatchObject({
      '@vocab': 'https://schema.org/',
      cr: 'http://mlcommons.org/croissant/',
      sc: 'https://schema.org/'
    });
    expect(doc['@type']).toBe('sc:Dataset');
    expect(doc.conformsTo).toBe('http://mlcommons.org/croissant/1.0');
    expect(doc.license).toBe('https://creativecommons.org/licenses/by/4.0/');
    expect(doc.citeAs).toMatch(/Keeling/);
    expect(doc.name).toMatch(/Mauna Loa/);
    const latest = DatasetVersion.parse((await json(p, '/api/datasets/noaa/mauna-loa-co2/versions/latest')).body);
    expect(doc.distribution[0]).toMatchObject({
      '@type': 'cr:FileObject',
      sha256: latest.sha256,
      contentSize: `${latest.sizeBytes} B`
    });
    const contentUrl = String(doc.distribution[0]!.contentUrl);
    expect(contentUrl).toBe(`${p.url}/api/datasets/noaa/mauna-loa-co2/versions/3.2.1/file`);
    // The FileObject's sha256 is the sha256 of what its contentUrl serves.
    const bytes = Buffer.from(await (await authedFetch(p, contentUrl.slice(p.url.length))).arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(latest.sha256);
    expect(bytes.subarray(0, 6).toString()).toBe('ARROW1');
    const rs = doc.recordSet[0]!;
    expect(rs['@type']).toBe('cr:RecordSet');
    expect(rs.field.map((f) => [f['@type'], f.name, f.dataType])).toEqual([
      ['cr:Field', 'date', 'sc:Date'],
      ['cr:Field', 'co2', 'sc:Float'],
      ['cr:Field', 'co2_adjusted', 'sc:Float']
    ]);
    expect(rs.field[1]!.source).toEqual({
      fileObject: { '@id': doc.distribution[0]!['@id'] },
      extract: { column: 'co2' }
    });
    // A LicenseRef licence exports its URL, an SPDX one the SPDX page.
    const usgs = (await (
      await authedFetch(p, '/api/catalog/records/usgs/earthquakes-2018-02-week/croissant')
    ).json()) as { license: string };
    expect(usgs.license).toBe('https://www.usgs.gov/information-policies-and-instructions/copyrights-and-credits');
  });
});

describe('CLI search and ingest against the running platform', () => {
  it('prints a table, or JSON, found through the discovery file', () => {
    const t = cli(['search', 'isotopes', '--home', home]);
    expect(t.status).toBe(0);
    expect(t.stdout.split('\n')[1]).toMatch(/^nist\/isotopes\s+MIT\s+open\s+3,352\s+Isotopes of the chemical elements/);
    const j = cli(['search', 'earthquake', '--json', '--limit', '1', '--home', home]);
    expect(SearchResult.parse(JSON.parse(j.stdout)).hits[0]!.id).toBe('usgs/earthquakes-2018-02-week');
  });

  it('uses GENESIS_URL/GENESIS_TOKEN when set, and reports errors in one line with the hint', () => {
    const viaEnv = cli(['search', 'co2', '--filter', 'license:CC-BY-4.0'], {
      GENESIS_URL: p.url,
      GENESIS_TOKEN: p.token
    });
    expect(viaEnv.stdout).toMatch(/noaa\/mauna-loa-co2/);
    const badToken = cli(['search', 'co2'], { GENESIS_URL: p.url, GENESIS_TOKEN: 'x'.repeat(32) });
    expect(badToken.status).toBe(2);
    expect(badToken.stderr).toMatch(/Missing or wrong platform token/);
    const badFilter = cli(['search', 'co2', '--filter', 'colour:red', '--home', home]);
    expect(badFilter.status).toBe(2);
    // Named by the flag the user typed, not by a field path.
    expect(badFilter.stderr).toMatch(
      /^genesis: Invalid --filter \(value 1\): unknown facet "colour": facet must be one of/
    );
    const typo = cli(['search', 'co2', '--filter', 'license:MIT', '--filter', 'licence:CC0', '--home', home]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/Invalid --filter \(value 2\): .*\(did you mean "license"\?\)/);
    const none = cli(['search', 'co2', '--home', tempHome()]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/No running platform found/);
  });

  it('an ingest while the platform runs is searchable at once; a bad file publishes nothing', () => {
    const dir = tempHome('genesis-ingest-files-');
    fs.writeFileSync(
      path.join(dir, 'meta.json'),
      JSON.stringify({ title: 'Glacier mass balance, Alps', license: 'CC-BY-4.0', keywords: ['glaciology'] })
    );
    fs.writeFileSync(path.join(dir, 'glacier.csv'), 'year,balance\n2000,-0.5\n2001,-0.7\n');
    const ok = cli([
      'ingest',
      path.join(dir, 'glacier.csv'),
      '--id',
      'wgms/alps-glaciers',
      '--meta',
      path.join(dir, 'meta.json'),
      '--home',
      home
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/Published wgms\/alps-glaciers@1: 2 rows/);
    expect(ok.stdout).toMatch(/balance\s+float64/);
    const found = cli(['search', 'glacier', '--json', '--home', home]);
    expect(SearchResult.parse(JSON.parse(found.stdout)).hits.map((h) => h.id)).toEqual(['wgms/alps-glaciers']);

    fs.writeFileSync(path.join(dir, 'broken.csv'), 'a,b\n1,2\n3\n');
    const bad = cli([
      'ingest',
      path.join(dir, 'broken.csv'),
      '--id',
      'wgms/broken',
      '--meta',
      path.join(dir, 'meta.json'),
      '--home',
      home
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Malformed CSV at line 3/);
    expect(bad.stderr).toMatch(/Nothing was published/);
    const conflict = cli([
      'ingest',
      path.join(dir, 'meta.json'),
      '--format',
      'json',
      '--id',
      'wgms/alps-glaciers',
      '--version',
      '1',
      '--home',
      home
    ]);
    expect(conflict.status).toBe(2);
    expect(conflict.stderr).toMatch(/already exists with different content/);
    const after = SearchResult.parse(JSON.parse(cli(['search', '--json', '--limit', '100', '--home', home]).stdout));
    expect(after.total).toBe(10);
    expect(fs.readdirSync(path.join(home, 'tmp'))).toEqual([]);
  });
});

describe('access over HTTP (platform started with --clearance open)', () => {
  let restricted: PlatformProcess;
  beforeAll(async () => {
    const h = tempHome('genesis-catalog-access-');
    const dir = tempHome('genesis-access-files-');
    fs.writeFileSync(path.join(dir, 'rows.csv'), 'x\n1\n');
    for (const [id, accessLevel] of [
      ['lab/open-data', 'open'],
      ['lab/controlled-data', 'controlled'],
      ['lab/export-data', 'export-controlled']
    ] as const) {
      fs.writeFileSync(
        path.join(dir, `${accessLevel}.json`),
        JSON.stringify({ title: `Reactor data ${accessLevel}`, license: 'CC0-1.0', accessLevel })
      );
      const r = cli([
        'ingest',
        path.join(dir, 'rows.csv'),
        '--id',
        id,
        '--meta',
        path.join(dir, `${accessLevel}.json`),
        '--home',
        h
      ]);
      expect(r.status).toBe(0);
    }
    restricted = await startPlatformProcess({ home: h, args: ['--clearance', 'open'] });
  }, 60000);
  afterAll(async () => {
    await restricted?.stop();
  });

  it('hides export-controlled records and shows controlled metadata', async () => {
    const r = SearchResult.parse((await json(restricted, '/api/catalog/search?q=reactor')).body);
    expect(r.hits.map((h) => h.id).sort()).toEqual(['lab/controlled-data', 'lab/open-data']);
    expect(r.total).toBe(2);
    expect(r.facets.accessLevel.map((f) => f.value).sort()).toEqual(['controlled', 'open']);
    expect((await json(restricted, '/api/catalog/records/lab/export-data')).status).toBe(404);
    expect((await json(restricted, '/api/datasets/lab/export-data/versions')).status).toBe(404);
    expect((await json(restricted, '/api/catalog/records/lab/controlled-data')).status).toBe(200);
    expect((await json(restricted, '/api/datasets/lab/controlled-data/versions/latest')).status).toBe(200);
    const h = Health.parse(await (await fetch(`${restricted.url}/api/health`)).json());
    expect(h.datasets).toBe(2);
  });

  it('serves stored files only with data clearance (403 for controlled, 404 for export-controlled)', async () => {
    expect((await authedFetch(restricted, '/api/datasets/lab/open-data/versions/latest/file')).status).toBe(200);
    const forbidden = await json<ErrorBody>(restricted, '/api/datasets/lab/controlled-data/versions/latest/file');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
    expect((await authedFetch(restricted, '/api/datasets/lab/export-data/versions/latest/file')).status).toBe(404);
  });
});
