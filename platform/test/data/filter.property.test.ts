import fc from 'fast-check';
import type { RecordBatch } from 'apache-arrow';
import { GenesisError, parseFilter, type Cql2Expr, type Cql2Scalar } from '@genesis-lab/contract';
import { compileFilter } from '../../src/data/filter/compile';
import { colArb, DAY_MS, evalRow, exprArb, FAMILY, rowsArb, toTable } from '@genesis-lab/test-support';

/**
 * The vectorised evaluator must agree with the row-at-a-time reference evaluator
 * (support/reference.ts) on random filters over random tables.
 */

function vectorised(expr: Cql2Expr, batch: RecordBatch): number[] {
  const f = compileFilter(expr, batch.schema.fields);
  const tri = f.evaluate({ rows: batch.numRows, column: (name) => batch.getChild(name)!.data[0]! });
  const kept: number[] = [];
  tri.forEach((v, i) => v === 1 && kept.push(i));
  return kept;
}

describe('CQL2 filter evaluation', () => {
  it('agrees with a row-at-a-time reference on random filters over random tables (also on sliced batches)', () => {
    fc.assert(
      fc.property(rowsArb, exprArb, fc.nat(10), (rows, expr, cut) => {
        // The generated filter must be valid CQL2 for the contract too.
        expect(parseFilter(JSON.parse(JSON.stringify(expr)))).toBeDefined();
        const table = toTable(rows);
        const start = Math.min(cut, rows.length);
        const expected = rows
          .map((r, i) => ({ r, i }))
          .filter(({ r, i }) => i >= start && evalRow(expr, r) === true)
          .map(({ i }) => i - start);
        // A sliced batch has a non-zero offset: bitmaps, bools and offsets must honour it.
        const batch = table.batches[0] ? table.batches[0].slice(start) : undefined;
        const got = batch ? vectorised(expr, batch) : [];
        expect(got).toEqual(expected);
      }),
      { numRuns: 500 }
    );
  });

  it('compares int64 with fractional numbers and timestamps with coarser literals exactly', () => {
    const table = toTable([
      { i: 1, f: 1, b: 2n, s: 'a', d: 'a', t: true, day: 0, ts: 1 },
      { i: 2, f: 2, b: 3n, s: 'b', d: 'b', t: false, day: 1, ts: DAY_MS },
      { i: 3, f: 3, b: -3n, s: 'c', d: 'c', t: null, day: -1, ts: -1 }
    ]);
    const batch = table.batches[0]!;
    const run = (e: unknown) => vectorised(parseFilter(e), batch);
    expect(run({ op: '<', args: [{ property: 'b' }, 2.5] })).toEqual([0, 2]);
    expect(run({ op: '>=', args: [{ property: 'b' }, 2.5] })).toEqual([1]);
    expect(run({ op: '=', args: [{ property: 'b' }, 2.5] })).toEqual([]);
    expect(run({ op: '<>', args: [{ property: 'b' }, 2.5] })).toEqual([0, 1, 2]);
    expect(run({ op: '>', args: [{ property: 'b' }, -3.5] })).toEqual([0, 1, 2]);
    // date32 column vs a timestamp inside day 0: only day 1 is later
    expect(run({ op: '>', args: [{ property: 'day' }, { timestamp: '1970-01-01T12:00:00Z' }] })).toEqual([1]);
    expect(run({ op: '=', args: [{ property: 'day' }, { timestamp: '1970-01-02T00:00:00.000Z' }] })).toEqual([1]);
    expect(run({ op: '=', args: [{ property: 'day' }, { date: '1969-12-31' }] })).toEqual([2]);
    // ms timestamps vs a microsecond literal between two milliseconds
    expect(run({ op: '<=', args: [{ property: 'ts' }, { timestamp: '1970-01-01T00:00:00.0015Z' }] })).toEqual([0, 2]);
    expect(run({ op: '>', args: [{ property: 'ts' }, { timestamp: '1970-01-01T01:00:00+01:00' }] })).toEqual([0, 1]);
    // null bool: unknown, also under not
    expect(run({ op: 'not', args: [{ op: '=', args: [{ property: 't' }, true] }] })).toEqual([1]);
  });
});

describe('filter type checking names the JSON path', () => {
  const schema = toTable([]).schema;
  const compile = (e: unknown) => compileFilter(parseFilter(e), schema.fields);
  const failure = (e: unknown): GenesisError => {
    try {
      compile(e);
    } catch (err) {
      return err as GenesisError;
    }
    throw new Error('expected an error');
  };

  it('rejects a number compared with a string column, at the literal', () => {
    const err = failure({
      op: 'and',
      args: [
        { op: 'isNull', args: [{ property: 'f' }] },
        { op: '=', args: [{ property: 's' }, 3] }
      ]
    });
    expect(err).toBeInstanceOf(GenesisError);
    expect(err.code).toBe('invalid_filter');
    expect(err.status).toBe(400);
    expect(err.issues?.[0]?.path).toBe('filter.args[1].args[1]');
    expect(err.message).toMatch(/column "s" \(utf8\) cannot be compared with the number 3; use a string/);
  });

  it('rejects a date column against a plain string, with a hint for the date literal', () => {
    const err = failure({ op: '>=', args: [{ property: 'day' }, '2020-04-01'] });
    expect(err.issues?.[0]?.path).toBe('filter.args[1]');
    expect(err.hint).toContain('{"date": "2020-04-01"}');
  });

  it('rejects like on a number column and ordering on booleans', () => {
    expect(failure({ op: 'like', args: [{ property: 'f' }, 'a%'] }).issues?.[0]?.path).toBe('filter.args[0]');
    expect(failure({ op: '<', args: [{ property: 't' }, true] }).issues?.[0]?.path).toBe('filter');
    expect(failure({ op: 'in', args: [{ property: 'i' }, [1, 'x']] }).issues?.[0]?.path).toBe('filter.args[1][1]');
    expect(failure({ op: '=', args: [{ property: 'i' }, { property: 's' }] }).issues?.[0]?.path).toBe('filter.args[1]');
  });

  it('names an unknown column with suggestions', () => {
    const err = failure({ op: 'not', args: [{ op: '>', args: [{ property: 'ts2' }, 1] }] });
    expect(err.code).toBe('unknown_column');
    expect(err.issues?.[0]?.path).toBe('filter.args[0].args[0].property');
    expect(err.suggestions).toContain('ts');
  });

  it('reports a random misplaced literal at exactly its path', () => {
    const mismatched: Record<string, Cql2Scalar> = {
      n: 'text',
      s: 42,
      b: 7,
      t: true
    };
    fc.assert(
      fc.property(colArb, fc.array(fc.constantFrom(0, 1), { maxLength: 4 }), (c, wraps) => {
        const bad = c.kind === 'bool' ? 'x' : mismatched[FAMILY[c.kind]]!;
        let e: Cql2Expr = { op: '=', args: [{ property: c.name }, bad] };
        let path = 'filter.args[1]';
        for (const w of wraps) {
          if (w === 0) {
            e = { op: 'not', args: [e] };
            path = path.replace(/^filter/, 'filter.args[0]');
          } else {
            e = { op: 'or', args: [{ op: 'isNull', args: [{ property: 'i' }] }, e] };
            path = path.replace(/^filter/, 'filter.args[1]');
          }
        }
        const err = failure(e);
        expect(err.code).toBe('invalid_filter');
        expect(err.issues?.[0]?.path).toBe(path);
      })
    );
  });
});
