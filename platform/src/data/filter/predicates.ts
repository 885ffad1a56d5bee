import { DataType, Type, type Data, type Vector } from 'apache-arrow';
import type { ComparisonOp } from '@genesis-lab/contract';
import { compareBytes, numberValues, stringAccess, type ColumnKind } from './column-kind';
import { floorDiv, type Literal } from './literal';
import { FALSE, TRUE, UNKNOWN, applyNulls, hasNulls, isValid, type Tri } from './three-valued';

/**
 * Vectorised predicates: one tight loop over a column's typed arrays per batch,
 * nulls from the validity bitmap, dictionary columns evaluated once per dictionary.
 */

type Scalar = number | bigint;

/** `values[i] op x` for every row, ignoring nulls (the caller applies them). */
export function compareArray<T extends Scalar>(values: ArrayLike<T>, n: number, op: ComparisonOp, x: T): Tri {
  const out = new Uint8Array(n);
  switch (op) {
    case '=':
      for (let i = 0; i < n; i++) out[i] = values[i] === x ? 1 : 0;
      break;
    case '<>':
      for (let i = 0; i < n; i++) out[i] = values[i] !== x ? 1 : 0;
      break;
    case '<':
      for (let i = 0; i < n; i++) out[i] = values[i]! < x ? 1 : 0;
      break;
    case '<=':
      for (let i = 0; i < n; i++) out[i] = values[i]! <= x ? 1 : 0;
      break;
    case '>':
      for (let i = 0; i < n; i++) out[i] = values[i]! > x ? 1 : 0;
      break;
    case '>=':
      for (let i = 0; i < n; i++) out[i] = values[i]! >= x ? 1 : 0;
      break;
  }
  return out;
}

/** Flip a comparison so the column is on the left: `3 < col` is `col > 3`. */
export function flip(op: ComparisonOp): ComparisonOp {
  switch (op) {
    case '<':
      return '>';
    case '<=':
      return '>=';
    case '>':
      return '<';
    case '>=':
      return '<=';
    default:
      return op;
  }
}

export function holds(op: ComparisonOp, c: number): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '<>':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

/**
 * An integer column (int64, dates, timestamps) against a value `num / den` in column units
 * that may fall between two integers: exact comparisons, no rounding surprises.
 */
export type IntegerTest = { op: ComparisonOp; q: bigint } | { constant: 0 | 1 };

export function integerTest(op: ComparisonOp, num: bigint, den: bigint): IntegerTest {
  const q = floorDiv(num, den);
  if (q * den === num) return { op, q };
  // q < value < q + 1
  switch (op) {
    case '=':
      return { constant: FALSE };
    case '<>':
      return { constant: TRUE };
    case '<':
    case '<=':
      return { op: '<=', q };
    case '>':
    case '>=':
      return { op: '>', q };
  }
}

/** A JS number as `num / den` for `integerTest`. */
function numberAsRatio(x: number): { num: bigint; den: bigint } {
  if (Number.isInteger(x)) return { num: BigInt(x), den: 1n };
  // Against integers a non-integer only matters through its floor and through not being an
  // integer: (2 floor(x) + 1) / 2 has both properties, exactly, whatever x's magnitude.
  const f = Math.floor(x);
  return { num: BigInt(f) * 2n + 1n, den: 2n };
}

function runIntegerTest(values: ArrayLike<number> | ArrayLike<bigint>, n: number, t: IntegerTest): Tri {
  if ('constant' in t) return new Uint8Array(n).fill(t.constant);
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return compareArray(values, n, t.op, t.q);
  return compareArray(values as ArrayLike<number>, n, t.op, Number(t.q));
}

function boolAt(data: Data, i: number): number {
  const pos = data.offset + i;
  return ((data.values as Uint8Array)[pos >> 3]! >> (pos & 7)) & 1;
}

/** Column (already known compatible) `op` literal, for a non-dictionary column. */
function compareValues(data: Data, kind: ColumnKind, op: ComparisonOp, lit: Literal): Tri {
  const n = data.length;
  switch (kind.kind) {
    case 'number':
      return compareArray(numberValues(data), n, op, (lit as { value: number }).value);
    case 'bigint': {
      const { num, den } = numberAsRatio((lit as { value: number }).value);
      return runIntegerTest(data.values as BigInt64Array, n, integerTest(op, num, den));
    }
    case 'temporal':
      return runIntegerTest(
        data.values as Int32Array | BigInt64Array,
        n,
        integerTest(op, (lit as { ns: bigint }).ns, kind.unitNs)
      );
    case 'bool': {
      const want = (lit as { value: boolean }).value ? 1 : 0;
      const out = new Uint8Array(n);
      const eq = op === '=';
      for (let i = 0; i < n; i++) out[i] = (boolAt(data, i) === want) === eq ? 1 : 0;
      return out;
    }
    case 'string':
      return compareStrings(data, op, (lit as { bytes: Uint8Array }).bytes);
    case 'other':
      throw new Error('unsupported column kind in comparison');
  }
}

function compareStrings(data: Data, op: ComparisonOp, lit: Uint8Array): Tri {
  const n = data.length;
  const out = new Uint8Array(n);
  if (data.type.typeId === Type.Utf8 && (op === '=' || op === '<>')) {
    // The common case, without a view per row: length check first, then bytes.
    const offsets = data.valueOffsets as Int32Array;
    const values = data.values as Uint8Array;
    const len = lit.length;
    const hit = op === '=' ? 1 : 0;
    for (let i = 0; i < n; i++) {
      const s = offsets[i]!;
      let eq = offsets[i + 1]! - s === len;
      for (let k = 0; eq && k < len; k++) eq = values[s + k] === lit[k];
      out[i] = eq ? hit : 1 - hit;
    }
    return out;
  }
  const acc = stringAccess(data);
  for (let i = 0; i < n; i++) out[i] = holds(op, compareBytes(acc.bytes(i), lit)) ? 1 : 0;
  return out;
}

/**
 * Evaluate a per-value kernel on a column: directly, or for a dictionary column once on the
 * dictionary (cached per dictionary: every batch of a file shares it) then gathered by index.
 */
export function overValues(data: Data, cache: WeakMap<object, Tri>, kernel: (values: Data) => Tri): Tri {
  if (!DataType.isDictionary(data.type)) return applyNulls(data, kernel(data));
  const dict = data.dictionary as Vector;
  let perKey = cache.get(dict);
  if (!perKey) {
    perKey = new Uint8Array(dict.length);
    let at = 0;
    for (const chunk of dict.data) {
      perKey.set(applyNulls(chunk, kernel(chunk)), at);
      at += chunk.length;
    }
    cache.set(dict, perKey);
  }
  const n = data.length;
  const out = new Uint8Array(n);
  const idx = data.values as ArrayLike<number> | ArrayLike<bigint>;
  if (idx instanceof BigInt64Array || idx instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) out[i] = perKey[Number(idx[i]!)] ?? UNKNOWN;
  } else {
    const ix = idx as ArrayLike<number>;
    for (let i = 0; i < n; i++) out[i] = perKey[ix[i]!] ?? UNKNOWN;
  }
  return applyNulls(data, out);
}

export function compareColumnLiteral(
  data: Data,
  kind: ColumnKind,
  op: ComparisonOp,
  lit: Literal,
  cache: WeakMap<object, Tri>
): Tri {
  return overValues(data, cache, (values) => compareValues(values, kind, op, lit));
}

/** `col in (literals)`: one set lookup per row. */
export function inColumnLiterals(data: Data, kind: ColumnKind, lits: Literal[], cache: WeakMap<object, Tri>): Tri {
  return overValues(data, cache, (values) => {
    const n = values.length;
    const out = new Uint8Array(n);
    switch (kind.kind) {
      case 'number': {
        const set = new Set(lits.map((l) => (l as { value: number }).value));
        const v = numberValues(values);
        for (let i = 0; i < n; i++) out[i] = set.has(v[i]!) ? 1 : 0;
        break;
      }
      case 'bigint':
      case 'temporal': {
        const den = kind.kind === 'temporal' ? kind.unitNs : 1n;
        const exact: bigint[] = [];
        for (const l of lits) {
          const { num, den: d } =
            l.kind === 'temporal' ? { num: l.ns, den } : numberAsRatio((l as { value: number }).value);
          const t = integerTest('=', num, d);
          if ('q' in t) exact.push(t.q);
        }
        const v = values.values as ArrayLike<number> | ArrayLike<bigint>;
        if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
          const set = new Set(exact);
          for (let i = 0; i < n; i++) out[i] = set.has(v[i]!) ? 1 : 0;
        } else {
          const set = new Set(exact.map(Number));
          const nv = v as ArrayLike<number>;
          for (let i = 0; i < n; i++) out[i] = set.has(nv[i]!) ? 1 : 0;
        }
        break;
      }
      case 'string': {
        const set = new Set(lits.map((l) => (l as { value: string }).value));
        const acc = stringAccess(values);
        for (let i = 0; i < n; i++) out[i] = set.has(acc.string(i)) ? 1 : 0;
        break;
      }
      case 'bool': {
        const set = new Set<number>(lits.map((l) => ((l as { value: boolean }).value ? 1 : 0)));
        for (let i = 0; i < n; i++) out[i] = set.has(boolAt(values, i)) ? 1 : 0;
        break;
      }
      case 'other':
        throw new Error('unsupported column kind in "in"');
    }
    return out;
  });
}

export function likeColumn(data: Data, pattern: RegExp, cache: WeakMap<object, Tri>): Tri {
  return overValues(data, cache, (values) => {
    const n = values.length;
    const out = new Uint8Array(n);
    const acc = stringAccess(values);
    for (let i = 0; i < n; i++) out[i] = pattern.test(acc.string(i)) ? 1 : 0;
    return out;
  });
}

/** `isNull(col)`: from the validity bitmap; for a dictionary column a null dictionary value counts too. */
export function isNullColumn(data: Data, cache: WeakMap<object, Tri>): Tri {
  const n = data.length;
  if (data.type.typeId === Type.Null) return new Uint8Array(n).fill(TRUE);
  const direct = (d: Data): Tri => {
    const out = new Uint8Array(d.length);
    if (hasNulls(d)) for (let i = 0; i < d.length; i++) out[i] = isValid(d, i) ? FALSE : TRUE;
    return out;
  };
  if (!DataType.isDictionary(data.type)) return direct(data);
  // Null keys, then null values behind valid keys.
  const keysNull = direct(data);
  const valueNull = overValues(data, cache, (values) => new Uint8Array(values.length));
  for (let i = 0; i < n; i++) if (valueNull[i] === UNKNOWN) keysNull[i] = TRUE;
  return keysNull;
}

/** A row value reader for column-vs-column comparisons (rare; correctness over speed). */
export function rowReader(data: Data, kind: ColumnKind): (i: number) => number | bigint | Uint8Array | null {
  if (DataType.isDictionary(data.type)) {
    const dict = data.dictionary as Vector;
    const chunks = dict.data.map((d) => ({ d, read: rowReader(d, kind) }));
    const idx = data.values as ArrayLike<number> | ArrayLike<bigint>;
    const nulls = hasNulls(data);
    return (i) => {
      if (nulls && !isValid(data, i)) return null;
      let k = Number(idx[i]!);
      for (const c of chunks) {
        if (k < c.d.length) return c.read(k);
        k -= c.d.length;
      }
      return null;
    };
  }
  const nulls = hasNulls(data);
  const wrap =
    <T>(f: (i: number) => T) =>
    (i: number): T | null =>
      nulls && !isValid(data, i) ? null : f(i);
  switch (kind.kind) {
    case 'number': {
      const v = numberValues(data);
      return wrap((i) => v[i]!);
    }
    case 'bigint': {
      const v = data.values as BigInt64Array;
      return wrap((i) => v[i]!);
    }
    case 'temporal': {
      const v = data.values as ArrayLike<number> | ArrayLike<bigint>;
      return wrap((i) => BigInt(v[i]!) * kind.unitNs);
    }
    case 'bool':
      return wrap((i) => boolAt(data, i));
    case 'string': {
      const acc = stringAccess(data);
      return wrap((i) => acc.bytes(i));
    }
    case 'other':
      throw new Error('unsupported column kind');
  }
}

/** Compare two non-null row values of compatible kinds. */
export function compareRowValues(a: number | bigint | Uint8Array, b: number | bigint | Uint8Array): number {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  // NaN compares unequal to everything (IEEE 754), like the literal kernels.
  return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
}

export function compareColumns(a: Data, ka: ColumnKind, b: Data, kb: ColumnKind, op: ComparisonOp): Tri {
  const n = a.length;
  const ra = rowReader(a, ka);
  const rb = rowReader(b, kb);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = ra(i);
    const y = rb(i);
    if (x === null || y === null) out[i] = UNKNOWN;
    else {
      const c = compareRowValues(x, y);
      out[i] = Number.isNaN(c) ? (op === '<>' ? TRUE : FALSE) : holds(op, c) ? TRUE : FALSE;
    }
  }
  return out;
}
