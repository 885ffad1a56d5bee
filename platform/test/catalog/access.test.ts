import { OWNER, SearchQuery, type Principal } from '@genesis-lab/contract';
import type { SqliteCatalog } from '../../src/catalog/sqlite-catalog';
import { ingestFile } from '../../src/ingest/ingest';
import { runCli } from '@genesis-lab/test-support';
import { fixture, meta, tempCatalog } from '../support/catalog';

const PUBLIC: Principal = { user: 'guest', clearances: ['open'], projects: {}, scopes: ['read'], admin: false };
const CONTROLLED: Principal = {
  user: 'analyst',
  clearances: ['open', 'controlled'],
  projects: {},
  scopes: ['read'],
  admin: false
};
const NOBODY: Principal = { user: 'anonymous', clearances: [], projects: {}, scopes: ['read'], admin: false };

let ctx: ReturnType<typeof tempCatalog>;
beforeAll(async () => {
  ctx = tempCatalog();
  const file = fixture(ctx.dir, 'rows.csv', 'reactor,flux\nA,1.5\nB,2.5\n');
  await ingestFile(ctx.catalog, {
    file,
    id: 'lab/open-flux',
    metadata: meta({ title: 'Neutron flux open sample', domain: 'physics' })
  });
  await ingestFile(ctx.catalog, {
    file,
    id: 'lab/controlled-flux',
    metadata: meta({
      title: 'Neutron flux controlled archive',
      accessLevel: 'controlled',
      domain: 'physics',
      keywords: ['neutron']
    })
  });
  await ingestFile(ctx.catalog, {
    file,
    id: 'lab/secret-flux',
    metadata: meta({
      title: 'Neutron flux export controlled design data',
      accessLevel: 'export-controlled',
      domain: 'nuclear-design',
      keywords: ['neutron', 'classified-keyword'],
      publisher: { name: 'Secret Lab' }
    })
  });
}, 60000);
afterAll(() => ctx.close());

const search = (p: Principal, q = '', filter: string[] = []) => ctx.catalog.search(SearchQuery.parse({ q, filter }), p);

describe('access rules', () => {
  it.each([
    ['no clearances', NOBODY],
    ['open only', PUBLIC],
    ['controlled', CONTROLLED]
  ])('%s: export-controlled records are invisible in search, totals and every facet', (_, p) => {
    for (const q of ['', 'neutron flux', 'export', 'secret']) {
      const r = search(p, q);
      expect(r.hits.map((h) => h.id)).not.toContain('lab/secret-flux');
      const facetValues = Object.values(r.facets).flatMap((counts) => counts.map((c) => c.value));
      expect(facetValues).not.toContain('export-controlled');
      expect(facetValues).not.toContain('nuclear-design');
      expect(facetValues).not.toContain('Secret Lab');
      expect(facetValues).not.toContain('classified-keyword');
    }
    expect(search(p).total).toBe(2);
    expect(search(p, '', ['domain:nuclear-design']).total).toBe(0);
    expect(search(p, '', ['keywords:neutron']).facets.keywords).toEqual([{ value: 'neutron', count: 1 }]);
    expect(ctx.catalog.count(p)).toBe(2);
  });

  it('export-controlled ids are 404 without suggestions that reveal them', () => {
    for (const call of [
      () => ctx.catalog.getRecord('lab/secret-flux', PUBLIC),
      () => ctx.catalog.resolve('lab/secret-flux', 'latest', CONTROLLED),
      () => ctx.catalog.versions('lab/secret-flux', PUBLIC),
      () => ctx.catalog.getVersion('lab/secret-flux', '1', PUBLIC)
    ])
      expect(call).toThrow(expect.objectContaining({ status: 404 }));
    const suggestionsFor = (p: Principal): string[] => {
      try {
        ctx.catalog.getRecord('lab/secret-flu', p);
      } catch (err) {
        return (err as { suggestions?: string[] }).suggestions ?? [];
      }
      throw new Error('expected not found');
    };
    // The owner gets it suggested; nobody else does.
    expect(suggestionsFor(OWNER)).toContain('lab/secret-flux');
    expect(suggestionsFor(PUBLIC)).not.toContain('lab/secret-flux');
    expect(suggestionsFor(CONTROLLED)).not.toContain('lab/secret-flux');
  });

  it('controlled records: metadata for everyone, data only with clearance (403)', () => {
    expect(search(PUBLIC, 'controlled archive').hits[0]!.id).toBe('lab/controlled-flux');
    expect(ctx.catalog.getRecord('lab/controlled-flux', PUBLIC).accessLevel).toBe('controlled');
    expect(ctx.catalog.getVersion('lab/controlled-flux', 'latest', PUBLIC).rowCount).toBe(2);
    let err: unknown;
    try {
      ctx.catalog.resolve('lab/controlled-flux', 'latest', PUBLIC);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ status: 403, code: 'forbidden' });
    expect(String((err as Error).message)).toMatch(/controlled.*not cleared/);
    expect(JSON.stringify(err)).not.toMatch(/objects\//);
    expect(ctx.catalog.resolve('lab/controlled-flux', 'latest', CONTROLLED).objectPath).toMatch(/objects/);
    expect(ctx.catalog.resolve('lab/open-flux', 'latest', NOBODY).version.rowCount).toBe(2);
  });

  it('a cleared principal sees and reads everything', () => {
    expect(search(OWNER).total).toBe(3);
    expect(search(OWNER, 'secret').hits.map((h) => h.id)).toEqual(['lab/secret-flux']);
    expect(ctx.catalog.resolve('lab/secret-flux', 'latest', OWNER).version.rowCount).toBe(2);
    expect(ctx.catalog.getRecord('lab/secret-flu'.replace('flu', 'flux'), OWNER).id).toBe('lab/secret-flux');
  });

  it('unknown ids and versions are 404 with the closest visible suggestions', () => {
    expect(() => ctx.catalog.getRecord('lab/open-flx', PUBLIC)).toThrow(
      expect.objectContaining({ status: 404, suggestions: ['lab/open-flux'] })
    );
    expect(() => ctx.catalog.resolve('lab/open-flux', '2', PUBLIC)).toThrow(
      expect.objectContaining({ status: 404, suggestions: ['lab/open-flux@1'] })
    );
  });
});

describe('an access level changed on re-import', () => {
  const reactor = {
    id: 'lab/reactor-logs',
    title: 'Reactor operating logs',
    license: 'CC0-1.0',
    domain: 'nuclear-operations',
    keywords: ['reactor', 'plant-logs'],
    publisher: { name: 'Plant Operator' }
  };
  const others = [
    { id: 'lab/reactor-physics', title: 'Reactor physics benchmarks', license: 'MIT', keywords: ['reactor'] },
    { id: 'lab/river-flow', title: 'River flow', license: 'CC0-1.0' }
  ];
  // Words, browse, its own facet values as filters, words with a filter: every way it could show.
  const queries = [
    { q: 'reactor' },
    { q: 'operating logs' },
    { q: '' },
    { q: '', filter: ['domain:nuclear-operations'] },
    { q: '', filter: ['keywords:plant-logs', 'license:CC0-1.0'] },
    { q: 'reactor', filter: ['license:CC0-1.0'] }
  ];
  const HIDDEN = ['export-controlled', 'nuclear-operations', 'Plant Operator', 'plant-logs'];

  function expectGone(catalog: SqliteCatalog, shownBefore: number[]): void {
    queries.forEach((q, i) => {
      const r = catalog.search(SearchQuery.parse(q), PUBLIC);
      expect(r.hits.map((h) => h.id)).not.toContain(reactor.id);
      expect(r.total).toBe(shownBefore[i]! - 1);
      const values = Object.values(r.facets).flatMap((counts) => counts.map((c) => c.value));
      for (const v of HIDDEN) expect(values).not.toContain(v);
    });
    let suggestions: string[] = [];
    try {
      catalog.getRecord('lab/reactor-log', PUBLIC);
    } catch (err) {
      suggestions = (err as { suggestions?: string[] }).suggestions ?? [];
    }
    expect(suggestions).not.toContain(reactor.id);
    expect(() => catalog.getRecord(reactor.id, PUBLIC)).toThrow(expect.objectContaining({ status: 404 }));
    // Whoever is cleared still finds it.
    expect(catalog.search(SearchQuery.parse({ q: 'operating logs' }), OWNER).hits[0]!.id).toBe(reactor.id);
  }

  /** Each query's total for the public principal, with every result cached (warm). */
  function warm(catalog: SqliteCatalog): number[] {
    return queries.map((q) => {
      const r = catalog.search(SearchQuery.parse(q), PUBLIC);
      const values = Object.values(r.facets).flatMap((counts) => counts.map((c) => c.value));
      expect(values).toContain('nuclear-operations'); // it is visible now
      return r.total;
    });
  }

  it('an open record re-imported as export-controlled vanishes at once for a principal without clearance: hits, totals, facets, suggestions; cached and cold', () => {
    const c = tempCatalog();
    try {
      c.catalog.importRecords([reactor, ...others]);
      const before = warm(c.catalog);
      expect(c.catalog.importRecords([{ ...reactor, accessLevel: 'export-controlled' }])).toMatchObject({ updated: 1 });
      expectGone(c.catalog, before); // the cached results are not served
      c.catalog.clearSearchCache();
      expectGone(c.catalog, before);
    } finally {
      c.close();
    }
  });

  it('the same when another process re-imports it (the CLI while the platform searches)', () => {
    const c = tempCatalog();
    try {
      c.catalog.importRecords([reactor, ...others]);
      const before = warm(c.catalog);
      const file = fixture(c.dir, 'changed.json', JSON.stringify([{ ...reactor, accessLevel: 'export-controlled' }]));
      const r = runCli(['import-records', file, '--home', c.dir], {}, 60000);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/0 created, 1 updated, 0 unchanged/);
      expectGone(c.catalog, before);
      c.catalog.clearSearchCache();
      expectGone(c.catalog, before);
    } finally {
      c.close();
    }
  });
});
