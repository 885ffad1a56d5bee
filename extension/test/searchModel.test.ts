import { CatalogSearchModel } from '../catalog/searchModel';
import { TestClient, result, settle } from './support/testClient';

function model(client: TestClient, debounceMs = 5): CatalogSearchModel {
  return new CatalogSearchModel(client, { debounceMs, pageSize: 2 });
}

describe('CatalogSearchModel', () => {
  it('searches once after typing stops (debounced), for the last query typed', async () => {
    const client = new TestClient();
    const m = model(client, 30);
    m.setQuery('c');
    m.setQuery('co');
    m.setQuery('co2');
    expect(client.searches).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 80));
    expect(client.searches.map((c) => c.args.q)).toEqual(['co2']);
    m.dispose();
  });

  it('a slow earlier answer never overwrites a later one: the earlier request is aborted and its answer dropped', async () => {
    const client = new TestClient({ honourAbort: false });
    const m = model(client);
    const first = m.setQueryNow('temperature');
    const second = m.setQueryNow('co2');
    const [older, newer] = client.searches;
    expect(older!.signal?.aborted).toBe(true);
    newer!.resolve(result(['noaa/mauna-loa-co2']));
    await second;
    // The earlier request answers last (a client that ignored the abort): nothing changes.
    older!.resolve(result(['nasa/giss-temperature', 'noaa/other']));
    await first;
    expect(m.hits.map((h) => h.id)).toEqual(['noaa/mauna-loa-co2']);
    expect(m.resultQuery).toBe('co2');
    expect(m.loading).toBe(false);
    expect(m.generation).toBe(1);
    m.dispose();
  });

  it('appends the next page by cursor, without repeating a hit, and stops at the last page', async () => {
    const client = new TestClient();
    const m = model(client);
    const first = m.setQueryNow('');
    client.searches[0]!.resolve(result(['a/1', 'a/2'], {}, 'page2'));
    await first;
    expect(m.hasMore).toBe(true);
    const more = m.loadMore();
    // A second scroll to the end while the page loads asks nothing more.
    void m.loadMore();
    expect(client.searches).toHaveLength(2);
    expect(client.searches[1]!.args.cursor).toBe('page2');
    client.searches[1]!.resolve(result(['a/2', 'a/3']));
    await more;
    expect(m.hits.map((h) => h.id)).toEqual(['a/1', 'a/2', 'a/3']);
    expect(m.hasMore).toBe(false);
    m.dispose();
  });

  it('facets: two values of one facet OR together, facets AND together; a facet with a selection counts without it', async () => {
    const client = new TestClient();
    const m = model(client);
    const answer = async (pending: Promise<void>, from: number) => {
      // The main search, then one count query per facet with a selection (limit 1, without that facet).
      for (const call of client.searches.slice(from)) {
        const own = call.args.limit === 1;
        call.resolve(
          result(own ? ['x'] : ['hit'], {
            license: [
              { value: 'CC0-1.0', count: own ? 5 : 1 },
              { value: 'CC-BY-4.0', count: own ? 3 : 1 }
            ],
            accessLevel: [{ value: 'open', count: own ? 7 : 2 }]
          })
        );
      }
      await pending;
    };

    let n = client.searches.length;
    await answer(m.toggleFilter('license', 'CC0-1.0'), n);
    expect(client.searches.slice(n).map((c) => [c.args.filter, c.args.limit])).toEqual([
      [['license:CC0-1.0'], 2],
      [[], 1]
    ]);
    // The licence group still lists the other licence, counted as if CC0-1.0 were not selected.
    expect(m.facets.license).toEqual([
      { value: 'CC0-1.0', count: 5 },
      { value: 'CC-BY-4.0', count: 3 }
    ]);
    expect(m.facets.accessLevel).toEqual([{ value: 'open', count: 2 }]);

    n = client.searches.length;
    await answer(m.toggleFilter('license', 'CC-BY-4.0'), n);
    expect(client.searches[n]!.args.filter).toEqual(['license:CC0-1.0', 'license:CC-BY-4.0']);
    expect(m.selected('license')).toEqual(['CC0-1.0', 'CC-BY-4.0']);

    n = client.searches.length;
    await answer(m.toggleFilter('accessLevel', 'open'), n);
    expect(client.searches.slice(n).map((c) => c.args.filter)).toEqual([
      ['license:CC0-1.0', 'license:CC-BY-4.0', 'accessLevel:open'],
      ['accessLevel:open'],
      ['license:CC0-1.0', 'license:CC-BY-4.0']
    ]);
    expect(m.facets.accessLevel).toEqual([{ value: 'open', count: 7 }]);

    n = client.searches.length;
    await answer(m.toggleFilter('license', 'CC0-1.0'), n);
    expect(client.searches[n]!.args.filter).toEqual(['license:CC-BY-4.0', 'accessLevel:open']);
    expect(m.isSelected('license', 'CC0-1.0')).toBe(false);

    n = client.searches.length;
    await answer(m.clearFilters(), n);
    expect(client.searches.slice(n).map((c) => c.args.filter)).toEqual([[]]);
    m.dispose();
  });

  it('refreshes once the platform is back after an outage', async () => {
    const client = new TestClient();
    const m = model(client);
    client.setConnection({ status: 'unreachable', message: 'down' });
    expect(client.searches).toHaveLength(0);
    client.setConnection({ status: 'connected' });
    await settle();
    expect(client.searches).toHaveLength(1);
    // Connected again without an outage in between: nothing to refresh.
    client.setConnection({ status: 'connected', version: '2' });
    await settle();
    expect(client.searches).toHaveLength(1);
    m.dispose();
  });

  it('says what is wrong with a query without asking the platform', async () => {
    const client = new TestClient();
    const m = model(client);
    await m.setQueryNow('x'.repeat(501));
    expect(client.searches).toHaveLength(0);
    expect(m.error).toMatch(/longer than 500 characters/);
    m.dispose();
  });
});
