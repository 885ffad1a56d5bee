import { OWNER, SearchQuery } from '@genesis-lab/contract';
import { catalogMigrations } from '../../src/catalog/migrations';
import { SqliteCatalog } from '../../src/catalog/sqlite-catalog';
import { decodeDocument, emptyDocument, encodeDocument } from '../../src/catalog/search/document-table';
import { openDatabase } from '../../src/db/database';
import { platformMigrations } from '../../src/db/migrations';
import { Home } from '../../src/home';
import { tempCatalog } from '../support/catalog';
import { naive } from '../support/naive-search';
import { tempHome } from '@genesis-lab/test-support';

describe('the search index', () => {
  it('a catalog from before search documents (schema catalog 1, FTS5) is searchable after opening, with its words and facets', () => {
    const home = new Home(tempHome('genesis-migrate-'));
    home.ensure();
    // The catalog as the previous release left it: rows, facet rows, an FTS5 row, a version with fields.
    const old = openDatabase(home.dbPath, [...platformMigrations, catalogMigrations[0]!]);
    const meta = {
      title: 'Arctic sea ice extent',
      description: 'Monthly extent from passive microwave',
      keywords: ['sea ice'],
      creators: [],
      license: 'CC-BY-4.0',
      accessLevel: 'open',
      domain: 'cryosphere',
      fieldInfo: { extent: { unit: 'million km2' } },
      formats: []
    };
    old
      .prepare(
        `INSERT INTO catalog_records (rid, id, kind, title, title_key, access_level, metadata, latest_version, latest_rows,
           latest_size, change_seq, created_at, updated_at)
         VALUES (1, 'nsidc/sea-ice', 'dataset', ?, ?, 'open', ?, '1', 12, 800, 1, '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z')`
      )
      .run(meta.title, meta.title.toLowerCase(), JSON.stringify(meta));
    old
      .prepare(
        `INSERT INTO catalog_versions (rid, version, seq, sha256, size_bytes, row_count, batch_count, source_format, fields, created_at)
         VALUES (1, '1', 1, ?, 800, 12, 1, 'csv', ?, '2020-01-01T00:00:00.000Z')`
      )
      .run('a'.repeat(64), JSON.stringify([{ name: 'extent', type: 'float64', nullable: false }]));
    old.prepare("INSERT INTO catalog_facets (facet, value, rid) VALUES ('license', 'CC-BY-4.0', 1)").run();
    old.prepare("INSERT INTO catalog_fts (rowid, title) VALUES (1, 'Arctic sea ice extent')").run();
    old.close();

    const catalog = SqliteCatalog.open(home);
    try {
      const search = (q: string, filter: string[] = []) => catalog.search(SearchQuery.parse({ q, filter }), OWNER);
      expect(search('arctic ice').hits.map((h) => h.id)).toEqual(['nsidc/sea-ice']);
      // The version's column and the publisher's unit for it are words of the record too.
      expect(search('extent km2').hits[0]).toMatchObject({ id: 'nsidc/sea-ice', rowCount: 12, latestVersion: '1' });
      expect(search('', ['format:csv', 'domain:cryosphere']).total).toBe(1);
      const tables = catalog.db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all()
        .map((t) => t.name);
      expect(tables).not.toContain('catalog_fts');
      expect(tables).not.toContain('catalog_facets');
      expect(catalog.db.prepare('SELECT COUNT(*) AS n FROM catalog_search_rebuild').get()).toEqual({ n: 0 });
    } finally {
      catalog.close();
    }
    // Opening again rebuilds nothing and finds the same.
    const again = SqliteCatalog.open(home);
    try {
      expect(again.search(SearchQuery.parse({ q: 'microwave' }), OWNER).total).toBe(1);
    } finally {
      again.close();
    }
  });

  it('starts afresh when re-imports left more dead slots than live records, and stays exact', () => {
    const c = tempCatalog();
    try {
      const words = ['ocean', 'soil', 'ozone', 'carbon'];
      let maxSlots = 0;
      for (let round = 0; round < 120; round++) {
        c.catalog.importRecords(
          Array.from({ length: 10 }, (_, i) => ({
            id: `t/r${i}`,
            title: `${words[(round + i) % 4]} survey ${round}`,
            license: round % 2 ? 'MIT' : 'CC0-1.0',
            accessLevel: (i + round) % 3 ? ('open' as const) : ('controlled' as const)
          }))
        );
        const q = SearchQuery.parse({ q: words[round % 4], limit: 100 });
        const got = c.catalog.search(q, OWNER);
        const want = naive.search(naive.load(c.catalog.db), q, OWNER, 100);
        expect({ total: got.total, facets: got.facets, hits: got.hits.map((h) => [h.id, h.score]) }).toEqual({
          total: want.total,
          facets: want.facets,
          hits: want.hits.map((h) => [h.id, h.score])
        });
        maxSlots = Math.max(maxSlots, c.catalog.searchIndexStats.slots);
      }
      // 1,200 records written, 10 live: without starting afresh the index would hold 1,200 slots.
      expect(maxSlots).toBeGreaterThan(1024);
      expect(c.catalog.searchIndexStats).toMatchObject({ records: 10 });
      expect(c.catalog.searchIndexStats.slots).toBeLessThan(1024);
    } finally {
      c.close();
    }
  });

  it('a catalog loaded at once (12,000 records) sorts every field exactly as the naive scan, across pages', () => {
    const c = tempCatalog();
    try {
      const words = ['Ångström', 'zeta', 'alpha', 'Alpha', 'beta', 'ßtraße', 'omega'];
      c.catalog.importRecords(
        Array.from({ length: 12_000 }, (_, i) => ({
          id: `bulk/r${(i * 7919) % 12_000}`,
          // Few distinct titles and dates: most order is decided by the id tie-break.
          title: `${words[i % words.length]} ${i % 13}`,
          license: 'MIT',
          updatedAt: new Date(Date.UTC(2020, 0, 1 + (i % 17))).toISOString()
        }))
      );
      const scanned = naive.load(c.catalog.db);
      for (const sort of ['title', '-title', 'updated', '-updated', 'rows', '-rows', 'relevance'] as const) {
        const first = c.catalog.search(SearchQuery.parse({ sort, limit: 100 }), OWNER);
        const second = c.catalog.search(SearchQuery.parse({ sort, limit: 100, cursor: first.nextCursor }), OWNER);
        const want = naive.search(scanned, SearchQuery.parse({ sort }), OWNER, 200).hits.map((h) => h.id);
        expect([...first.hits, ...second.hits].map((h) => h.id)).toEqual(want);
        // With words too (the words' order among 12,000 records, sorted by a field).
        const q = SearchQuery.parse({ q: 'alpha', sort, limit: 50 });
        expect(c.catalog.search(q, OWNER).hits.map((h) => h.id)).toEqual(
          naive.search(scanned, q, OWNER, 50).hits.map((h) => h.id)
        );
      }
    } finally {
      c.close();
    }
  });

  it('search documents decode the same in place and from a copy (an unaligned blob)', () => {
    const doc = encodeDocument(42, [5, 1, 70000], [10, 3, 65535], [2, 9]);
    const unaligned = Buffer.alloc(doc.length + 1);
    doc.copy(unaligned, 1);
    for (const buf of [doc, unaligned.subarray(1)]) {
      const d = decodeDocument(buf, emptyDocument());
      expect({
        length: d.length,
        terms: Array.from(d.termIds.subarray(0, d.terms)),
        weights: Array.from(d.weights.subarray(0, d.terms)),
        facets: Array.from(d.facetIds.subarray(0, d.facets))
      }).toEqual({ length: 42, terms: [5, 1, 70000], weights: [10, 3, 65535], facets: [2, 9] });
    }
  });
});
