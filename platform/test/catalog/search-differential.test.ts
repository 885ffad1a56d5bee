import fc from 'fast-check';
import {
  OWNER,
  SearchQuery,
  type DataFormat,
  type Principal,
  type RecordImportInput,
  type SearchQueryInput,
  type SearchResult
} from '@genesis-lab/contract';
import { SqliteCatalog } from '../../src/catalog/sqlite-catalog';
import { tempCatalog } from '../support/catalog';
import { naive } from '../support/naive-search';

/**
 * The index against the naive scan (bench/support/naive-search.js), on random catalogs that
 * change between queries: records imported, re-imported with other words, facets and access
 * levels, some by a second connection (as the CLI writes while the server searches). Every
 * query must give exactly the naive totals, facet counts, hits, scores and page order, cold
 * and from the result cache.
 */

const PUBLIC: Principal = { user: 'guest', clearances: ['open'], projects: {}, scopes: ['read'], admin: false };
const NOBODY: Principal = { user: 'anonymous', clearances: [], projects: {}, scopes: ['read'], admin: false };
const PRINCIPALS = [OWNER, PUBLIC, NOBODY];

// Few words, sharing prefixes and plurals, so prefixes, singulars and ties all happen.
const WORDS = ['ocean', 'oceans', 'ozone', 'soil', 'solar', 'sea', 'seasonal', 'temperature', 'co2', 'carbon'];
const MORE = [...WORDS, 'studies', 'study', 'Müller', 'a', 'x', 'the'];
const text = (min: number) =>
  fc.array(fc.constantFrom(...MORE), { minLength: min, maxLength: 6 }).map((w) => w.join(' '));

const record: fc.Arbitrary<RecordImportInput> = fc.record(
  {
    id: fc.integer({ min: 0, max: 24 }).map((i) => `t/r${i}`),
    title: text(1),
    description: text(0),
    keywords: fc.uniqueArray(fc.constantFrom('ocean', 'soil', 'Arctic', 'ozone'), { maxLength: 3 }),
    license: fc.constantFrom('CC-BY-4.0', 'CC0-1.0', 'MIT'),
    accessLevel: fc.constantFrom('open' as const, 'controlled' as const, 'export-controlled' as const),
    domain: fc.constantFrom('oceanography', 'climate', 'soil science'),
    publisher: fc.constantFrom({ name: 'NOAA' }, { name: 'USGS' }),
    formats: fc.subarray<DataFormat>(['csv', 'parquet', 'json']),
    updatedAt: fc.integer({ min: 0, max: 5 }).map((d) => new Date(Date.UTC(2020, 0, 1 + d)).toISOString())
  },
  { requiredKeys: ['id', 'title', 'license', 'accessLevel'] }
);

const query: fc.Arbitrary<SearchQueryInput> = fc.record({
  q: fc.oneof(
    fc.constant(''),
    fc
      .array(
        fc.oneof(
          fc.constantFrom(...MORE),
          fc.constantFrom(...WORDS).map((w) => w.slice(0, 2)),
          fc.constantFrom('zzz', 'oceanic', 'studies')
        ),
        { minLength: 1, maxLength: 3 }
      )
      .map((w) => w.join(' '))
  ),
  filter: fc.uniqueArray(
    fc.constantFrom(
      'license:CC-BY-4.0',
      'license:MIT',
      'domain:oceanography',
      'domain:climate',
      'keywords:ocean',
      'keywords:soil',
      'format:csv',
      'format:parquet',
      'accessLevel:controlled',
      'publisher:NOAA',
      'domain:nowhere'
    ),
    { maxLength: 3 }
  ),
  sort: fc.constantFrom('relevance', 'title', '-title', 'updated', '-updated', 'rows', '-rows') as fc.Arbitrary<
    SearchQueryInput['sort']
  >,
  limit: fc.integer({ min: 1, max: 4 })
});

type Step =
  | { kind: 'import'; records: RecordImportInput[]; other: boolean }
  | { kind: 'query'; query: SearchQueryInput; principal: number; clear: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('import' as const),
    records: fc.array(record, { minLength: 1, maxLength: 8 }),
    other: fc.boolean()
  }),
  fc.record({
    kind: fc.constant('query' as const),
    query,
    principal: fc.integer({ min: 0, max: 2 }),
    clear: fc.boolean()
  })
);

/** Every page of a query, by its cursors. */
function walk(catalog: SqliteCatalog, input: SearchQueryInput, principal: Principal): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = catalog.search(SearchQuery.parse({ ...input, ...(cursor ? { cursor } : {}) }), principal);
    ids.push(...r.hits.map((h) => h.id));
    if (!r.nextCursor) return ids;
    cursor = r.nextCursor;
  }
  throw new Error('too many pages');
}

function check(catalog: SqliteCatalog, input: SearchQueryInput, principal: Principal): void {
  const q = SearchQuery.parse(input);
  const want = naive.search(naive.load(catalog.db), q, principal, Number.MAX_SAFE_INTEGER);
  const got: SearchResult = catalog.search(q, principal);
  expect({ total: got.total, facets: got.facets }).toEqual({ total: want.total, facets: want.facets });
  expect(got.hits.map((h) => [h.id, h.score])).toEqual(want.hits.slice(0, q.limit).map((h) => [h.id, h.score]));
  expect(walk(catalog, input, principal)).toEqual(want.hits.map((h) => h.id));
}

describe('search agrees with the naive scan', () => {
  it('on random catalogs changing between queries (totals, facets, hits, scores, pages; cold and cached)', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 14 }), (steps) => {
        const ctx = tempCatalog();
        const other = SqliteCatalog.open(ctx.home);
        const asked: SearchQueryInput[] = [];
        try {
          for (const s of steps) {
            if (s.kind === 'import') {
              (s.other ? other : ctx.catalog).importRecords(s.records);
              // Queries cached before the change must not answer from before it.
              for (const q of asked) check(ctx.catalog, q, OWNER);
            } else {
              if (s.clear) ctx.catalog.clearSearchCache();
              check(ctx.catalog, s.query, PRINCIPALS[s.principal]!);
              // The same query again comes from the result cache, and other principals' must not.
              for (const p of PRINCIPALS) check(ctx.catalog, s.query, p);
              asked.splice(0, asked.length - 3, s.query);
            }
          }
          // The second connection's own index sees the same catalog.
          check(other, { q: 'ocean', filter: [] }, OWNER);
        } finally {
          other.close();
          ctx.close();
        }
      }),
      { numRuns: 40 }
    );
  });
});
