import type { Data, Field } from 'apache-arrow';
import {
  GenesisError,
  filterProperties,
  isPropertyRef,
  type ComparisonOp,
  type Cql2Expr,
  type Cql2Scalar
} from '@genesis-lab/contract';
import { unknownColumn } from '../columns';
import { typeName } from '../../catalog/arrow-types';
import { columnKind, compareBytes, type ColumnKind } from './column-kind';
import {
  compareColumnLiteral,
  compareColumns,
  flip,
  holds,
  inColumnLiterals,
  isNullColumn,
  likeColumn
} from './predicates';
import { likeToRegExp } from './like';
import { describeLiteral, literalOf, type Literal } from './literal';
import { FALSE, TRUE, andInto, constant, notInto, orInto, type Tri } from './three-valued';

/** What a compiled filter reads from a batch. */
export interface FilterInput {
  /** The column's data in the current batch. */
  column(name: string): Data;
  /** Rows in the batch. */
  rows: number;
}

/** A filter checked against a schema once, then evaluated batch by batch. */
export interface CompiledFilter {
  /** Columns the filter reads, in order of first use. */
  readonly columns: string[];
  /** Per row: 1 keep, 0 drop, 2 unknown (also dropped). */
  evaluate(input: FilterInput): Tri;
}

type Node = (input: FilterInput) => Tri;

type Operand =
  | { type: 'column'; name: string; kind: ColumnKind; field: Field; path: string }
  | { type: 'literal'; lit: Literal; path: string };

function invalid(path: string, message: string, hint?: string): GenesisError {
  return new GenesisError('invalid_filter', `Invalid filter at ${path}: ${message}`, {
    issues: [{ path, message }],
    ...(hint ? { hint } : {})
  });
}

const KIND_WORD: Record<ColumnKind['kind'], string> = {
  number: 'a number',
  bigint: 'a number',
  bool: 'true or false',
  string: 'a string',
  temporal: '{"date": "YYYY-MM-DD"} or {"timestamp": "YYYY-MM-DDTHH:MM:SSZ"}',
  other: 'nothing (only isNull works on it)'
};

/**
 * Type-check a CQL2-JSON filter (already shape-validated by the contract) against the
 * columns of a dataset and compile it to vectorised kernels. Errors name the JSON path.
 */
export function compileFilter(expr: Cql2Expr, fields: readonly Field[], root = 'filter'): CompiledFilter {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const names = fields.map((f) => f.name);

  const operand = (arg: Cql2Scalar, path: string): Operand => {
    if (isPropertyRef(arg)) {
      const field = byName.get(arg.property);
      if (!field) throw unknownColumn(arg.property, names, `${path}.property`);
      return { type: 'column', name: arg.property, kind: columnKind(field.type), field, path };
    }
    return { type: 'literal', lit: literalOf(arg)!, path };
  };

  const describeColumn = (c: Extract<Operand, { type: 'column' }>) => `column "${c.name}" (${typeName(c.field.type)})`;

  const requireComparable = (c: Extract<Operand, { type: 'column' }>): void => {
    if (c.kind.kind === 'other')
      throw invalid(c.path, `${describeColumn(c)} cannot be compared in a filter; only isNull works on it`);
  };

  const literalFits = (kind: ColumnKind['kind'], lit: Literal): boolean =>
    (kind === 'number' || kind === 'bigint'
      ? 'number'
      : kind === 'bool'
        ? 'bool'
        : kind === 'other'
          ? 'none'
          : kind) === lit.kind;

  const mismatch = (c: Extract<Operand, { type: 'column' }>, l: Extract<Operand, { type: 'literal' }>) => {
    const dateLike = c.kind.kind === 'temporal' && l.lit.kind === 'string';
    return invalid(
      l.path,
      `${describeColumn(c)} cannot be compared with ${describeLiteral(l.lit)}; use ${KIND_WORD[c.kind.kind]}`,
      dateLike
        ? `Date and time literals are objects: {"date": "${l.lit.kind === 'string' ? l.lit.value.slice(0, 10) : ''}"}`
        : undefined
    );
  };

  const checkBoolOp = (op: ComparisonOp, kind: string, path: string): void => {
    if (kind === 'bool' && op !== '=' && op !== '<>')
      throw invalid(path, `booleans can only be compared with "=" or "<>", not "${op}"`);
  };

  const comparison = (op: ComparisonOp, a: Operand, b: Operand, path: string): Node => {
    if (a.type === 'literal' && b.type === 'column') return comparison(flip(op), b, a, path);
    if (a.type === 'column' && b.type === 'literal') {
      requireComparable(a);
      if (!literalFits(a.kind.kind, b.lit)) throw mismatch(a, b);
      checkBoolOp(op, b.lit.kind, path);
      const cache = new WeakMap<object, Tri>();
      const { name, kind } = a;
      const lit = b.lit;
      return (input) => compareColumnLiteral(input.column(name), kind, op, lit, cache);
    }
    if (a.type === 'column' && b.type === 'column') {
      requireComparable(a);
      requireComparable(b);
      const family = (k: ColumnKind) => (k.kind === 'bigint' ? 'number' : k.kind);
      if (family(a.kind) !== family(b.kind))
        throw invalid(b.path, `${describeColumn(a)} cannot be compared with ${describeColumn(b)}`);
      checkBoolOp(op, a.kind.kind, path);
      return (input) => compareColumns(input.column(a.name), a.kind, input.column(b.name), b.kind, op);
    }
    // Two literals: a constant, still type-checked.
    const x = (a as Extract<Operand, { type: 'literal' }>).lit;
    const y = (b as Extract<Operand, { type: 'literal' }>).lit;
    if (x.kind !== y.kind) throw invalid(b.path, `${describeLiteral(x)} cannot be compared with ${describeLiteral(y)}`);
    checkBoolOp(op, x.kind, path);
    const result = holds(op, compareLiterals(x, y)) ? TRUE : FALSE;
    return (input) => constant(input.rows, result);
  };

  const compile = (e: Cql2Expr, path: string): Node => {
    const argPath = (i: number) => `${path}.args[${i}]`;
    switch (e.op) {
      case 'and':
      case 'or': {
        const parts = e.args.map((a, i) => compile(a, argPath(i)));
        const combine = e.op === 'and' ? andInto : orInto;
        return (input) => {
          const acc = parts[0]!(input);
          for (let i = 1; i < parts.length; i++) combine(acc, parts[i]!(input));
          return acc;
        };
      }
      case 'not': {
        const inner = compile(e.args[0], argPath(0));
        return (input) => notInto(inner(input));
      }
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return comparison(e.op, operand(e.args[0], argPath(0)), operand(e.args[1], argPath(1)), path);
      case 'between': {
        const v = operand(e.args[0], argPath(0));
        const lo = comparison('>=', v, operand(e.args[1], argPath(1)), path);
        const hi = comparison('<=', v, operand(e.args[2], argPath(2)), path);
        return (input) => andInto(lo(input), hi(input));
      }
      case 'in': {
        const v = operand(e.args[0], argPath(0));
        const list = e.args[1].map((x, k) => operand(x, `${argPath(1)}[${k}]`));
        if (list.length === 0) return (input) => constant(input.rows, FALSE);
        if (v.type === 'column' && list.every((x) => x.type === 'literal')) {
          requireComparable(v);
          const lits = list as Extract<Operand, { type: 'literal' }>[];
          for (const l of lits) if (!literalFits(v.kind.kind, l.lit)) throw mismatch(v, l);
          const cache = new WeakMap<object, Tri>();
          const { name, kind } = v;
          const values = lits.map((l) => l.lit);
          return (input) => inColumnLiterals(input.column(name), kind, values, cache);
        }
        // General form: a = x1 or a = x2 or ...
        const parts = list.map((x) => comparison('=', v, x, path));
        return (input) => {
          const acc = parts[0]!(input);
          for (let i = 1; i < parts.length; i++) orInto(acc, parts[i]!(input));
          return acc;
        };
      }
      case 'like': {
        const v = operand(e.args[0], argPath(0));
        const re = likeToRegExp(e.args[1]);
        if (v.type === 'literal') {
          if (v.lit.kind !== 'string') throw invalid(v.path, `like needs a string, not ${describeLiteral(v.lit)}`);
          const result = re.test(v.lit.value) ? TRUE : FALSE;
          return (input) => constant(input.rows, result);
        }
        if (v.kind.kind !== 'string')
          throw invalid(v.path, `like needs a string column; ${describeColumn(v)} is not one`);
        const cache = new WeakMap<object, Tri>();
        return (input) => likeColumn(input.column(v.name), re, cache);
      }
      case 'isNull': {
        const v = operand(e.args[0], argPath(0));
        if (v.type === 'literal') return (input) => constant(input.rows, FALSE);
        const cache = new WeakMap<object, Tri>();
        return (input) => isNullColumn(input.column(v.name), cache);
      }
    }
  };

  const node = compile(expr, root);
  return { columns: filterProperties(expr), evaluate: node };
}

function compareLiterals(x: Literal, y: Literal): number {
  switch (x.kind) {
    case 'number': {
      const b = (y as { value: number }).value;
      return x.value < b ? -1 : x.value > b ? 1 : 0;
    }
    case 'string':
      return compareBytes(x.bytes, (y as { bytes: Uint8Array }).bytes);
    case 'bool':
      return Number(x.value) - Number((y as { value: boolean }).value);
    case 'temporal': {
      const b = (y as { ns: bigint }).ns;
      return x.ns < b ? -1 : x.ns > b ? 1 : 0;
    }
  }
}
