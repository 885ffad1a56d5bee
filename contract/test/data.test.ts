import { DataQuery, GenesisError, parseOrThrow } from '@genesis-lab/contract';

/** The data routes' query, as the platform and the helpers parse it. */
describe('DataQuery', () => {
  const parse = (q: unknown) => parseOrThrow(DataQuery, q, 'query');

  it('parses a query string: columns, filter JSON, window, defaults', () => {
    expect(
      parse({ columns: 'date, co2', filter: '{"op":">","args":[{"property":"co2"},400]}', limit: '10', offset: '5' })
    ).toEqual({
      columns: ['date', 'co2'],
      filter: { op: '>', args: [{ property: 'co2' }, 400] },
      limit: 10,
      offset: 5,
      int64: 'number'
    });
    expect(parse({})).toEqual({ offset: 0, int64: 'number' });
    expect(parse({ columns: ['a,b', 'c'] }).columns).toEqual(['a', 'b', 'c']);
  });

  it('refuses an invalid filter with invalid_filter naming the JSON path inside it', () => {
    let err: unknown;
    try {
      parse({ filter: '{"op":"and","args":[{"op":"isNull","args":[{"property":"a"}]},{"op":"~","args":[]}]}' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GenesisError);
    expect((err as GenesisError).code).toBe('invalid_filter');
    expect((err as GenesisError).issues?.[0]?.path).toBe('filter.args[1].op');
  });

  it('names out-of-range windows and unknown int64 modes', () => {
    for (const [q, path] of [
      [{ limit: '-1' }, 'query.limit'],
      [{ limit: '2000000000' }, 'query.limit'],
      [{ offset: '1.5' }, 'query.offset'],
      [{ batchSize: '0' }, 'query.batchSize'],
      [{ int64: 'float' }, 'query.int64']
    ] as const) {
      try {
        parse(q);
        throw new Error('expected a failure');
      } catch (e) {
        expect((e as GenesisError).issues?.[0]?.path).toBe(path);
      }
    }
  });
});
