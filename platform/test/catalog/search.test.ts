import fc from 'fast-check';
import { FACETS, OWNER, SearchQuery, spansText, type SearchQueryInput, type SearchResult } from '@genesis-lab/contract';
import { seedExamples } from '../../src/seed/examples';
import { tempCatalog } from '../support/catalog';

let ctx: ReturnType<typeof tempCatalog>;
const search = (q: SearchQueryInput): SearchResult => ctx.catalog.search(SearchQuery.parse(q), OWNER);
const ids = (r: SearchResult) => r.hits.map((h) => h.id);

beforeAll(async () => {
  ctx = tempCatalog();
  await seedExamples(ctx.catalog);
  // Harvested metadata-only records, so paging has more than one page and ranking has competition.
  ctx.catalog.importRecords(
    Array.from({ length: 57 }, (_, i) => ({
      id: `harvest/record-${String(i).padStart(3, '0')}`,
      title: i % 3 === 0 ? `Ocean temperature profiles ${i}` : `Soil moisture survey ${i}`,
      description: i % 2 ? 'Argo float measurements of sea water temperature and salinity' : 'Field campaign',
      keywords: i % 3 === 0 ? ['ocean', 'temperature'] : ['soil'],
      license: i % 2 ? 'CC-BY-4.0' : 'CC0-1.0',
      domain: i % 3 === 0 ? 'oceanography' : 'agriculture',
      formats: ['csv'] as const
    })).map((r) => ({ ...r, formats: [...r.formats] }))
  );
  ctx.catalog.importRecords([
    {
      id: 'escape/html',
      title: 'Ions <b>& "quotes"</b> in seawater',
      description: 'Contains <script>alert(1)</script> and sodium & chloride',
      license: 'CC0-1.0'
    }
  ]);
}, 120000);
afterAll(() => ctx.close());

describe('relevance', () => {
  it.each([
    ['mauna loa co2', 'noaa/mauna-loa-co2'],
    ['keeling curve', 'noaa/mauna-loa-co2'],
    ['carbon dioxide', 'noaa/mauna-loa-co2'],
    ['earthquake', 'usgs/earthquakes-2018-02-week'],
    ['seismic magnitude', 'usgs/earthquakes-2018-02-week'],
    ['isotopes', 'nist/isotopes'],
    ['isotope abundance', 'nist/isotopes'],
    ['periodic table', 'nist/chemical-elements'],
    ['global temperature anomaly', 'nasa/giss-global-temperature'],
    ['electricity wind iowa', 'eia/iowa-electricity-by-source'],
    ['new york weather', 'noaa/daily-weather-seattle-new-york'],
    ['flight delays', 'bts/flights-3m']
  ])('"%s" ranks %s first', (q, id) => {
    expect(ids(search({ q }))[0]).toBe(id);
  });

  it('"seattle weather" finds exactly the two datasets with Seattle weather', () => {
    expect(ids(search({ q: 'seattle weather' })).sort()).toEqual([
      'noaa/daily-weather-seattle-new-york',
      'noaa/seattle-weather'
    ]);
  });

  it('prefixes match while typing ("co" finds co2, "isot" finds isotopes)', () => {
    expect(ids(search({ q: 'co' }))).toContain('noaa/mauna-loa-co2');
    expect(ids(search({ q: 'mauna lo' }))[0]).toBe('noaa/mauna-loa-co2');
    expect(ids(search({ q: 'isot' }))[0]).toBe('nist/isotopes');
  });

  it('scores are larger for better matches and zero without a query', () => {
    const r = search({ q: 'temperature' });
    const scores = r.hits.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(scores[0]).toBeGreaterThan(0);
    expect(search({ q: '' }).hits.every((h) => h.score === 0)).toBe(true);
  });

  it('FTS5 syntax in user input never surfaces as an error', () => {
    for (const q of [
      '"',
      'AND',
      'co2 OR',
      'NEAR(a b)',
      'title:co2',
      '(((',
      '*',
      '-co2',
      'a"b',
      '^x',
      'co2 NOT',
      '💥',
      '\u0000'
    ])
      expect(() => search({ q })).not.toThrow();
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (q) => void search({ q })),
      { numRuns: 300 }
    );
  });
});

describe('highlights', () => {
  it('are text spans, matches marked, the text as written (no HTML, nothing escaped)', () => {
    const hit = search({ q: 'seawater sodium' }).hits.find((h) => h.id === 'escape/html')!;
    expect(hit.highlights.title).toEqual([
      { text: 'Ions <b>& "quotes"</b> in ', mark: false },
      { text: 'seawater', mark: true }
    ]);
    const description = hit.highlights.description!;
    expect(spansText(description)).toContain('<script>alert(1)</script>');
    expect(description).toContainEqual({ text: 'sodium', mark: true });
    expect(description.filter((s) => s.mark).map((s) => s.text.toLowerCase())).toEqual(
      expect.arrayContaining(['sodium'])
    );
  });
});

describe('facets and filters', () => {
  it('counts every facet over the matching set', () => {
    const r = search({ q: '' });
    expect(Object.keys(r.facets).sort()).toEqual([...FACETS].sort());
    const sum = (f: keyof SearchResult['facets']) => r.facets[f].reduce((a, c) => a + c.count, 0);
    expect(sum('accessLevel')).toBe(r.total);
    expect(sum('license')).toBe(r.total);
    expect(r.facets.domain.find((d) => d.value === 'chemistry')!.count).toBe(2);
  });

  it('OR within a facet, AND across facets; counts follow the filters', () => {
    const chem = search({ filter: ['domain:chemistry'] });
    expect(ids(chem).sort()).toEqual(['nist/chemical-elements', 'nist/isotopes']);
    const either = search({ filter: ['domain:chemistry', 'domain:seismology'], limit: 100 });
    expect(either.total).toBe(3);
    const both = search({ filter: ['domain:chemistry', 'license:CC-BY-4.0'] });
    expect(both.total).toBe(0);
    const ocean = search({ q: 'temperature', filter: ['keywords:ocean', 'license:CC-BY-4.0'], limit: 100 });
    expect(ocean.total).toBeGreaterThan(0);
    expect(ocean.hits.every((h) => h.keywords.includes('ocean') && h.license === 'CC-BY-4.0')).toBe(true);
    // The licence counts ignore the licence selection (see the facet rule tests below).
    expect(ocean.facets.license).toContainEqual({ value: 'CC-BY-4.0', count: ocean.total });
    expect(search({ filter: ['format:parquet'] }).hits.map((h) => h.id)).toEqual(['bts/flights-3m']);
  });
});

describe('facet rule: OR within a facet, AND across facets', () => {
  const all = (filter: string[], q = '') => search({ q, filter, limit: 100 });
  const sum = (counts: { count: number }[]) => counts.reduce((a, c) => a + c.count, 0);

  it('two values of one facet return the union of their records', () => {
    const chemistry = ids(all(['domain:chemistry']));
    const seismology = ids(all(['domain:seismology']));
    expect(chemistry.length).toBeGreaterThan(0);
    expect(seismology.length).toBeGreaterThan(0);
    const either = all(['domain:chemistry', 'domain:seismology']);
    expect(ids(either).sort()).toEqual([...chemistry, ...seismology].sort());
    expect(either.total).toBe(chemistry.length + seismology.length);
  });

  it('two facets return the intersection of their records', () => {
    const ocean = ids(all(['domain:oceanography']));
    const ccBy = ids(all(['license:CC-BY-4.0']));
    const both = all(['domain:oceanography', 'license:CC-BY-4.0']);
    expect(both.total).toBeGreaterThan(0);
    expect(both.total).toBeLessThan(Math.min(ocean.length, ccBy.length));
    expect(ids(both).sort()).toEqual(ocean.filter((id) => ccBy.includes(id)).sort());
  });

  it("a facet's own selection does not narrow its own counts; every other facet counts the matches", () => {
    const chemistry = all(['domain:chemistry']);
    expect(chemistry.facets.domain).toEqual(all([]).facets.domain);
    for (const f of ['license', 'accessLevel'] as const) expect(sum(chemistry.facets[f])).toBe(chemistry.total);

    const both = all(['domain:oceanography', 'license:CC-BY-4.0']);
    expect(both.facets.domain).toEqual(all(['license:CC-BY-4.0']).facets.domain);
    expect(both.facets.license).toEqual(all(['domain:oceanography']).facets.license);
    expect(both.facets.license.map((c) => c.value)).toContain('CC0-1.0');
    expect(sum(both.facets.accessLevel)).toBe(both.total);

    // With words: the licence counts are those of the words alone.
    const words = all(['license:CC-BY-4.0'], 'temperature');
    expect(words.facets.license).toEqual(all([], 'temperature').facets.license);
    expect(sum(words.facets.domain)).toBe(words.total);
  });
});

describe('kind', () => {
  it('filters by record kind (every record is a dataset so far)', () => {
    expect(search({ kind: 'dataset' }).total).toBe(search({}).total);
    expect(search({ kind: 'model' }).total).toBe(0);
    expect(search({ q: 'temperature', kind: 'model' }).hits).toEqual([]);
  });
});

describe('pagination', () => {
  const walk = (q: SearchQueryInput): string[] => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const r = search({ ...q, limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...ids(r));
      if (!r.nextCursor) return seen;
      cursor = r.nextCursor;
    }
    throw new Error('too many pages');
  };

  it.each(['relevance', 'title', '-title', 'updated', '-updated', 'rows', '-rows'] as const)(
    'walks every record exactly once in a stable order (sort %s)',
    (sort) => {
      const all = search({ sort, limit: 100 });
      const pages = walk({ sort });
      expect(pages).toHaveLength(all.total);
      expect(new Set(pages).size).toBe(all.total);
      expect(pages).toEqual(ids(all));
      expect(walk({ sort })).toEqual(pages);
    }
  );

  it('pages a ranked query too', () => {
    const all = search({ q: 'temperature', limit: 100 });
    expect(walk({ q: 'temperature' })).toEqual(ids(all));
  });

  it('refuses a bad cursor or one from another query (400)', () => {
    expect(() => search({ cursor: 'garbage' })).toThrow(expect.objectContaining({ status: 400 }));
    const next = search({ q: 'temperature', limit: 2 }).nextCursor!;
    expect(() => search({ q: 'ocean', limit: 2, cursor: next })).toThrow(/different query/);
    expect(() => search({ q: 'temperature', sort: 'title', limit: 2, cursor: next })).toThrow(/different query/);
    expect(() => search({ q: 'temperature', limit: 5, cursor: next })).not.toThrow();
  });
});
