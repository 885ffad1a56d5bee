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
