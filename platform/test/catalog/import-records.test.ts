import * as fs from 'node:fs';
import * as path from 'node:path';
import { OWNER, SearchQuery } from '@genesis-lab/contract';
import { SqliteCatalog } from '../../src/catalog/sqlite-catalog';
import { Home } from '../../src/home';
import { ingestFile } from '../../src/ingest/ingest';
import { runCli, tempHome } from '@genesis-lab/test-support';

const cli = (args: string[]) => runCli(args, {}, 60000);

describe('genesis import-records (harvested metadata)', () => {
  it('imports records that are searchable at once, idempotently; data can follow as versions', async () => {
    const home = tempHome('genesis-import-');
    const file = path.join(home, 'records.ndjson');
    fs.writeFileSync(
      file,
      [
        {
          id: 'harvest/soil-carbon',
          title: 'Soil organic carbon stocks',
          license: 'CC0-1.0',
          keywords: ['soil'],
          formats: ['csv']
        },
        { id: 'harvest/lake-ice', title: 'Lake ice phenology', license: 'CC-BY-4.0', domain: 'limnology' }
      ]
        .map((r) => JSON.stringify(r))
        .join('\n')
    );
    const first = cli(['import-records', file, '--home', home]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/Imported 2 records: 2 created, 0 updated, 0 unchanged/);
    expect(cli(['import-records', file, '--home', home]).stdout).toMatch(/0 created, 0 updated, 2 unchanged/);

    const bad = path.join(home, 'bad.json');
    fs.writeFileSync(
      bad,
      JSON.stringify([
        { id: 'harvest/ok', title: 'fine', license: 'MIT' },
        { id: 'Bad Id', title: 'x', license: 'MIT' }
      ])
    );
    const refused = cli(['import-records', bad, '--home', home]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/records\[1\]\.id/);

    const catalog = SqliteCatalog.open(new Home(home));
    try {
      const r = catalog.search(SearchQuery.parse({ q: 'soil carbon' }), OWNER);
      expect(r.hits[0]).toMatchObject({ id: 'harvest/soil-carbon', license: 'CC0-1.0' });
      expect(r.hits[0]!.latestVersion).toBeUndefined();
      expect(r.facets.format).toEqual([{ value: 'csv', count: 1 }]);
      expect(() => catalog.resolve('harvest/soil-carbon', 'latest', OWNER)).toThrow(/has no data yet/);
      const csv = path.join(home, 'soil.csv');
      fs.writeFileSync(csv, 'site,carbon\nA,12.5\n');
      const v = await ingestFile(catalog, { file: csv, id: 'harvest/soil-carbon' });
      expect(v.version.version).toBe('1');
      const rec = catalog.getRecord('harvest/soil-carbon', OWNER);
      expect(rec).toMatchObject({ title: 'Soil organic carbon stocks', latestVersion: '1', formats: ['csv'] });
      expect(catalog.search(SearchQuery.parse({ q: 'soil' }), OWNER).hits[0]!.rowCount).toBe(1);
    } finally {
      catalog.close();
    }
  });
});

describe('genesis import-records: changed metadata for an existing id (updated)', () => {
  it('replaces the record, keeps its versions and latest version, and search follows the new metadata', async () => {
    const home = tempHome('genesis-import-');
    const file = path.join(home, 'records.json');
    const first = {
      id: 'harvest/glacier-mass',
      title: 'Glacier mass balance',
      license: 'CC0-1.0',
      keywords: ['glacier']
    };
    fs.writeFileSync(file, JSON.stringify([first]));
    expect(cli(['import-records', file, '--home', home]).stdout).toMatch(/1 created, 0 updated, 0 unchanged/);
    let catalog = SqliteCatalog.open(new Home(home));
    const csv = path.join(home, 'mass.csv');
    fs.writeFileSync(csv, 'year,mass\n2020,-0.5\n2021,-0.7\n');
    await ingestFile(catalog, { file: csv, id: first.id });
    catalog.close();

    const changed = { ...first, title: 'Ice sheet surface elevation', license: 'CC-BY-4.0', keywords: ['ice sheet'] };
    fs.writeFileSync(file, JSON.stringify([changed]));
    const r = cli(['import-records', file, '--home', home]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/Imported 1 records: 0 created, 1 updated, 0 unchanged/);

    catalog = SqliteCatalog.open(new Home(home));
    try {
      const rec = catalog.getRecord(first.id, OWNER);
      expect(rec).toMatchObject({
        title: changed.title,
        license: 'CC-BY-4.0',
        keywords: ['ice sheet'],
        latestVersion: '1'
      });
      expect(rec.versions.map((v) => v.rowCount)).toEqual([2]);
      const search = (q: string) => catalog.search(SearchQuery.parse({ q }), OWNER);
      expect(search('balance').total).toBe(0);
      const hit = search('ice sheet elevation').hits[0]!;
      expect(hit).toMatchObject({ id: first.id, license: 'CC-BY-4.0', latestVersion: '1', rowCount: 2 });
      // Its columns (from the version) stay searchable; the old licence and keyword are gone from the facets.
      expect(search('mass').hits.map((h) => h.id)).toEqual([first.id]);
      const facets = catalog.search(SearchQuery.parse({}), OWNER).facets;
      expect(facets.license).toEqual([{ value: 'CC-BY-4.0', count: 1 }]);
      expect(facets.keywords).toEqual([{ value: 'ice sheet', count: 1 }]);
    } finally {
      catalog.close();
    }
  });

  it('--progress plain reports bytes read and records imported, ending with one 100% line', () => {
    const home = tempHome('genesis-import-');
    const file = path.join(home, 'many.ndjson');
    // About 3 MB: read in 1 MB chunks, so progress moves before the end.
    const n = 30_000;
    const title = 'Harvested record with a title long enough to take some room';
    fs.writeFileSync(
      file,
      Array.from({ length: n }, (_, i) =>
        JSON.stringify({ id: `h/r${i}`, title: `${title} ${i}`, license: 'MIT' })
      ).join('\n')
    );
    const r = runCli(['import-records', file, '--home', home, '--progress', 'plain'], {
      GENESIS_PROGRESS_INTERVAL_MS: '0'
    });
    expect(r.status).toBe(0);
    const lines = r.stderr.trim().split('\n');
    for (const line of lines)
      expect(line).toMatch(/^many\.ndjson: writing +\d+% \| [\d.]+\/[\d.]+ MB \| [\d,]+ records$/);
    expect(lines.filter((l) => l.includes('100%'))).toEqual([
      expect.stringMatching(/100% \| ([\d.]+)\/\1 MB \| 30,000 records$/)
    ]);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(runCli(['import-records', file, '--home', home, '--progress', 'sometimes']).stderr).toMatch(/--progress/);
  });
});
