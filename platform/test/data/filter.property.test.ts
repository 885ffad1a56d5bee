import fc from 'fast-check';
import {
  Bool,
  DateDay,
  Dictionary,
  Float64,
  Int32,
  Int64,
  TimestampMillisecond,
  Utf8,
  makeTable,
  vectorFromArray,
  type DataType,
  type RecordBatch,
  type Table
} from 'apache-arrow';
import { GenesisError, parseFilter, type ComparisonOp, type Cql2Expr, type Cql2Scalar } from '@genesis-lab/contract';
import { compileFilter } from '../../src/data/filter/compile';

/**
 * The vectorised evaluator must agree with a plain row-at-a-time reference evaluator, written
 * here from the documented semantics (SQL three-valued logic, IEEE NaN, code point string order,
 * exact integer/temporal comparisons, CQL2 like), on random filters over random tables.
 */

type Kind = 'int32' | 'number' | 'int64' | 'string' | 'bool' | 'day' | 'ms';
interface Col {
  name: string;
  kind: Kind;
  type: DataType;
}
const COLS: Col[] = [
  { name: 'i', kind: 'int32', type: new Int32() },
  { name: 'f', kind: 'number', type: new Float64() },
  { name: 'b', kind: 'int64', type: new Int64() },
  { name: 's', kind: 'string', type: new Utf8() },
  { name: 'd', kind: 'string', type: new Dictionary(new Utf8(), new Int32()) },
  { name: 't', kind: 'bool', type: new Bool() },
  { name: 'day', kind: 'day', type: new DateDay() },
  { name: 'ts', kind: 'ms', type: new TimestampMillisecond() }
];
const FAMILY: Record<Kind, string> = { int32: 'n', number: 'n', int64: 'n', string: 's', bool: 'b', day: 't', ms: 't' };

type Value = number | bigint | string | boolean | null;
type Row = Record<string, Value>;

const DAY_MS = 86_400_000;
const dayMin = -800;
const dayMax = 800;
const alphabet = ['a', 'b', 'ab', '%', '_', 'é', 'z', 'A', '😀', '\\', ''];
const str = fc.array(fc.constantFrom(...alphabet), { maxLength: 4 }).map((parts) => parts.join(''));

const valueArb = (k: Kind): fc.Arbitrary<Value> => {
  switch (k) {
    case 'int32':
      return fc.integer({ min: -5, max: 5 });
    case 'number':
      return fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0.5, -0.5, 2.25, Number.NaN, -0, 1e-9, 3));
    case 'int64':
      return fc.integer({ min: -6, max: 6 }).map((x) => BigInt(x) * 1000000000001n);
    case 'string':
      return str;
    case 'bool':
      return fc.boolean();
    case 'day':
      return fc.integer({ min: dayMin, max: dayMax });
    case 'ms':
      return fc
        .integer({ min: dayMin * DAY_MS, max: dayMax * DAY_MS })
        .map((x) => Math.round(x / 3600_000) * 3600_000 + (x % 7));
  }
};

const cellArb = (c: Col): fc.Arbitrary<Value> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 5, arbitrary: valueArb(c.kind) });

const rowsArb = fc.array(fc.record(Object.fromEntries(COLS.map((c) => [c.name, cellArb(c)]))) as fc.Arbitrary<Row>, {
  minLength: 0,
  maxLength: 40
});

function toTable(rows: Row[]): Table {
  const vectors = Object.fromEntries(
    COLS.map((c) => {
      const vals = rows.map((r) => {
        const v = r[c.name];
        if (v === null) return null;
        if (c.kind === 'int64') return v as bigint;
        if (c.kind === 'day') return (v as number) * DAY_MS; // the builder takes epoch ms
        return v;
      });
      return [c.name, vectorFromArray(vals as unknown[], c.type)];
    })
  );
  return makeTable(vectors as never);
}

// ---- literals (typed to the column they meet) ----
const isoDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const literalArb = (k: Kind): fc.Arbitrary<Cql2Scalar> => {
  switch (k) {
    case 'int32':
    case 'number':
    case 'int64':
      return fc.oneof(
        fc.integer({ min: -6, max: 6 }),
        fc.constantFrom(0.5, -0.5, 2.25, 1000000000001, -2000000000002.5, 3.0000001)
      );
    case 'string':
      return str;
    case 'bool':
      return fc.boolean();
    case 'day':
    case 'ms':
      return fc.oneof(
        fc.integer({ min: dayMin, max: dayMax }).map((d) => ({ date: isoDate(d) })),
        fc
          .integer({ min: dayMin * DAY_MS, max: dayMax * DAY_MS })
          .map((ms) => ({ timestamp: new Date(Math.round(ms / 1800_000) * 1800_000 + (ms % 3)).toISOString() }))
      );
  }
};

const prop = (c: Col): Cql2Scalar => ({ property: c.name });
const colArb = fc.constantFrom(...COLS);
const OPS: ComparisonOp[] = ['=', '<>', '<', '<=', '>', '>='];

const leafArb: fc.Arbitrary<Cql2Expr> = colArb.chain((c): fc.Arbitrary<Cql2Expr> => {
  const ops = c.kind === 'bool' ? (['=', '<>'] as ComparisonOp[]) : OPS;
  const partner = COLS.filter((o) => FAMILY[o.kind] === FAMILY[c.kind]);
  const choices: fc.Arbitrary<Cql2Expr>[] = [
    fc
      .tuple(fc.constantFrom(...ops), literalArb(c.kind), fc.boolean())
      .map(([op, lit, swap]) =>
        swap ? ({ op, args: [lit, prop(c)] } as Cql2Expr) : ({ op, args: [prop(c), lit] } as Cql2Expr)
      ),
    fc
      .tuple(fc.constantFrom(...ops), fc.constantFrom(...partner))
      .map(([op, o]) => ({ op, args: [prop(c), prop(o)] }) as Cql2Expr),
    fc.constant({ op: 'isNull', args: [prop(c)] } as Cql2Expr),
    fc.array(literalArb(c.kind), { maxLength: 4 }).map((list) => ({ op: 'in', args: [prop(c), list] }) as Cql2Expr)
  ];
  if (c.kind !== 'bool')
    choices.push(
      fc
        .tuple(literalArb(c.kind), literalArb(c.kind))
        .map(([lo, hi]) => ({ op: 'between', args: [prop(c), lo, hi] }) as Cql2Expr)
    );
  if (c.kind === 'string')
    choices.push(
      fc
        .array(fc.constantFrom('a', 'b', '%', '_', '\\%', '\\_', 'é', '😀', '\\\\', '\\'), { maxLength: 4 })
        .map((p) => ({ op: 'like', args: [prop(c), p.join('')] }) as Cql2Expr)
    );
  return fc.oneof(...choices);
});

const exprArb: fc.Arbitrary<Cql2Expr> = fc.letrec<{ e: Cql2Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc
      .tuple(fc.constantFrom('and', 'or'), fc.array(tie('e'), { minLength: 2, maxLength: 3 }))
      .map(([op, args]) => ({ op, args }) as Cql2Expr),
    tie('e').map((e) => ({ op: 'not', args: [e] }) as Cql2Expr)
  )
})).e;

// ---- the reference evaluator: one row at a time ----
type T3 = boolean | null;
const and3 = (a: T3, b: T3): T3 => (a === false || b === false ? false : a === null || b === null ? null : true);
const or3 = (a: T3, b: T3): T3 => (a === true || b === true ? true : a === null || b === null ? null : false);

/** A comparable form: numbers/bigints as exact rationals are unnecessary in this range; temporal as epoch ms. */
function operandValue(a: Cql2Scalar, row: Row): { v: Value; fam: string } {
  if (typeof a === 'object' && a !== null && 'property' in a) {
    const c = COLS.find((x) => x.name === a.property)!;
    const v = row[c.name] ?? null;
    if (v === null) return { v: null, fam: FAMILY[c.kind] };
    if (c.kind === 'day') return { v: (v as number) * DAY_MS, fam: 't' };
    if (c.kind === 'int64') return { v: Number(v), fam: 'n' }; // |v| < 2^53 here, so exact
    return { v, fam: FAMILY[c.kind] };
  }
  if (typeof a === 'object' && a !== null && 'date' in a) return { v: Date.parse(`${a.date}T00:00:00Z`), fam: 't' };
  if (typeof a === 'object' && a !== null && 'timestamp' in a) return { v: Date.parse(a.timestamp), fam: 't' };
  return { v: a as Value, fam: typeof a === 'string' ? 's' : typeof a === 'boolean' ? 'b' : 'n' };
}

function cmp3(op: ComparisonOp, a: Value, b: Value): T3 {
  if (a === null || b === null) return null;
  if (typeof a === 'string' && typeof b === 'string') {
    const c = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
    return { '=': c === 0, '<>': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[op];
  }
  const x = a as number;
  const y = b as number;
  return { '=': x === y, '<>': x !== y, '<': x < y, '<=': x <= y, '>': x > y, '>=': x >= y }[op];
}

/** CQL2 like, by hand: % any run, _ one code point, backslash escapes. */
function like(value: string, pattern: string): boolean {
  const tokens: ({ t: 'any' } | { t: 'one' } | { t: 'lit'; c: string })[] = [];
  const p = [...pattern];
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '\\' && i + 1 < p.length) tokens.push({ t: 'lit', c: p[++i]! });
    else if (p[i] === '%') tokens.push({ t: 'any' });
    else if (p[i] === '_') tokens.push({ t: 'one' });
    else tokens.push({ t: 'lit', c: p[i]! });
  }
  const s = [...value];
  const memo = new Map<string, boolean>();
  const m = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    if (memo.has(key)) return memo.get(key)!;
    let r: boolean;
    if (j === tokens.length) r = i === s.length;
    else {
      const tok = tokens[j]!;
      if (tok.t === 'any') r = m(i, j + 1) || (i < s.length && m(i + 1, j));
      else if (i >= s.length) r = false;
      else if (tok.t === 'one') r = m(i + 1, j + 1);
      else r = s[i] === tok.c && m(i + 1, j + 1);
    }
    memo.set(key, r);
    return r;
  };
  return m(0, 0);
}

function evalRow(e: Cql2Expr, row: Row): T3 {
  switch (e.op) {
    case 'and':
      return e.args.map((a) => evalRow(a, row)).reduce(and3);
    case 'or':
      return e.args.map((a) => evalRow(a, row)).reduce(or3);
    case 'not': {
      const v = evalRow(e.args[0], row);
      return v === null ? null : !v;
    }
    case 'isNull':
      return operandValue(e.args[0], row).v === null;
    case 'like': {
      const v = operandValue(e.args[0], row).v;
      return v === null ? null : like(v as string, e.args[1]);
    }
    case 'between': {
      const v = operandValue(e.args[0], row).v;
      return and3(cmp3('>=', v, operandValue(e.args[1], row).v), cmp3('<=', v, operandValue(e.args[2], row).v));
    }
    case 'in': {
      const v = operandValue(e.args[0], row).v;
      return e.args[1].reduce<T3>((acc, x) => or3(acc, cmp3('=', v, operandValue(x, row).v)), false);
    }
    default:
      return cmp3(e.op, operandValue(e.args[0], row).v, operandValue(e.args[1], row).v);
  }
}

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
