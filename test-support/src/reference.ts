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
  vectorFromArray,
  Table,
  type DataType,
  type Vector
} from 'apache-arrow';
import type { ComparisonOp, Cql2Expr, Cql2Scalar } from '@genesis-lab/contract';

/**
 * Random tables and random CQL2 filters over them, and a plain row-at-a-time reference
 * evaluator written from the documented semantics (SQL three-valued logic, IEEE NaN, code point
 * string order, exact integer/temporal comparisons, CQL2 like). The vectorised evaluator and
 * the HTTP data path are both checked against it.
 */

export type Kind = 'int32' | 'number' | 'int64' | 'string' | 'bool' | 'day' | 'ms';
export interface Col {
  name: string;
  kind: Kind;
  type: DataType;
}
export const COLS: Col[] = [
  { name: 'i', kind: 'int32', type: new Int32() },
  { name: 'f', kind: 'number', type: new Float64() },
  { name: 'b', kind: 'int64', type: new Int64() },
  { name: 's', kind: 'string', type: new Utf8() },
  { name: 'd', kind: 'string', type: new Dictionary(new Utf8(), new Int32()) },
  { name: 't', kind: 'bool', type: new Bool() },
  { name: 'day', kind: 'day', type: new DateDay() },
  { name: 'ts', kind: 'ms', type: new TimestampMillisecond() }
];
export const FAMILY: Record<Kind, string> = {
  int32: 'n',
  number: 'n',
  int64: 'n',
  string: 's',
  bool: 'b',
  day: 't',
  ms: 't'
};

export type Value = number | bigint | string | boolean | null;
export type Row = Record<string, Value>;

export const DAY_MS = 86_400_000;
const dayMin = -800;
const dayMax = 800;
const alphabet = ['a', 'b', 'ab', '%', '_', 'é', 'z', 'A', '😀', '\\', ''];
const str = fc.array(fc.constantFrom(...alphabet), { maxLength: 4 }).map((parts) => parts.join(''));

export const valueArb = (k: Kind): fc.Arbitrary<Value> => {
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

export const cellArb = (c: Col): fc.Arbitrary<Value> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 5, arbitrary: valueArb(c.kind) });

export const rowsArb = fc.array(
  fc.record(Object.fromEntries(COLS.map((c) => [c.name, cellArb(c)]))) as fc.Arbitrary<Row>,
  {
    minLength: 0,
    maxLength: 40
  }
);

export function toTable(rows: Row[]): Table {
  const vectors: Record<string, Vector> = Object.fromEntries(
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
  return new Table(vectors);
}

// ---- literals (typed to the column they meet) ----
const isoDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const literalArb = (k: Kind): fc.Arbitrary<Cql2Scalar> => {
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
export const colArb = fc.constantFrom(...COLS);
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

export const exprArb: fc.Arbitrary<Cql2Expr> = fc.letrec<{ e: Cql2Expr }>((tie) => ({
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

export function evalRow(e: Cql2Expr, row: Row): T3 {
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
