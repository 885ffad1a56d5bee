import { iso, z } from 'zod';
import { GenesisError } from './core/errors';
import { parseOrThrow } from './errors';

/**
 * Row filters: a documented subset of OGC CQL2-JSON (the language STAC API uses).
 *
 *   comparisons  {"op": "=" | "<>" | "<" | "<=" | ">" | ">=", "args": [a, b]}
 *   logic        {"op": "and" | "or", "args": [e1, e2, ...]}   {"op": "not", "args": [e]}
 *   between      {"op": "between", "args": [a, low, high]}      (inclusive)
 *   in           {"op": "in", "args": [a, [v1, v2, ...]]}
 *   like         {"op": "like", "args": [a, "pattern"]}          (% any run, _ one char; case-sensitive)
 *   isNull       {"op": "isNull", "args": [a]}
 *
 * Operands are `{"property": "column"}`, a string, number or boolean literal,
 * `{"timestamp": "2020-04-01T00:00:00Z"}` or `{"date": "2020-04-01"}`.
 * Filters are evaluated on columnar batches; they are never turned into query text.
 */

export const CQL2_MAX_DEPTH = 32;
export const CQL2_MAX_NODES = 2000;
export const CQL2_MAX_IN = 10000;

export const PropertyRef = z.object({ property: z.string().min(1, 'property name must not be empty') }).strict();
export type PropertyRef = z.infer<typeof PropertyRef>;
export const TimestampLiteral = z.object({ timestamp: z.iso.datetime({ offset: true, local: false }) }).strict();
// `iso.date()`, not `z.iso.date()`: webpack 5 (the extension's bundle) resolves `z.iso.date` to
// zod's top-level `date` (a Date-object schema), so every date literal failed in the browser.
export const DateLiteral = z.object({ date: iso.date() }).strict();
export type TimestampLiteral = z.infer<typeof TimestampLiteral>;
export type DateLiteral = z.infer<typeof DateLiteral>;

export type Cql2Scalar = string | number | boolean | PropertyRef | TimestampLiteral | DateLiteral;

export const Cql2Scalar: z.ZodType<Cql2Scalar> = z
  .union([z.string(), z.number(), z.boolean(), PropertyRef, TimestampLiteral, DateLiteral], {
    error:
      'must be {"property": "<column>"}, a string, a number, a boolean, {"timestamp": "<ISO 8601>"} or {"date": "YYYY-MM-DD"}'
  })
  .meta({ id: 'Cql2Scalar' });

export const COMPARISON_OPS = ['=', '<>', '<', '<=', '>', '>='] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];
export const CQL2_OPS = [...COMPARISON_OPS, 'and', 'or', 'not', 'between', 'in', 'like', 'isNull'] as const;

export type Cql2Expr =
  | { op: 'and' | 'or'; args: Cql2Expr[] }
  | { op: 'not'; args: [Cql2Expr] }
  | { op: ComparisonOp; args: [Cql2Scalar, Cql2Scalar] }
  | { op: 'between'; args: [Cql2Scalar, Cql2Scalar, Cql2Scalar] }
  | { op: 'in'; args: [Cql2Scalar, Cql2Scalar[]] }
  | { op: 'like'; args: [Cql2Scalar, string] }
  | { op: 'isNull'; args: [Cql2Scalar] };

export const Cql2Expr: z.ZodType<Cql2Expr> = z.lazy(() =>
  z.discriminatedUnion(
    'op',
    [
      z
        .object({ op: z.enum(['and', 'or']), args: z.array(Cql2Expr).min(2, 'and/or need at least two arguments') })
        .strict(),
      z.object({ op: z.literal('not'), args: z.tuple([Cql2Expr]) }).strict(),
      z.object({ op: z.enum(COMPARISON_OPS), args: z.tuple([Cql2Scalar, Cql2Scalar]) }).strict(),
      z.object({ op: z.literal('between'), args: z.tuple([Cql2Scalar, Cql2Scalar, Cql2Scalar]) }).strict(),
      z
        .object({
          op: z.literal('in'),
          args: z.tuple([
            Cql2Scalar,
            z.array(Cql2Scalar).max(CQL2_MAX_IN, `an "in" list may hold at most ${CQL2_MAX_IN} values`)
          ])
        })
        .strict(),
      z.object({ op: z.literal('like'), args: z.tuple([Cql2Scalar, z.string()]) }).strict(),
      z.object({ op: z.literal('isNull'), args: z.tuple([Cql2Scalar]) }).strict()
    ],
    { error: (iss) => (iss.code === 'invalid_union' ? `"op" must be one of ${CQL2_OPS.join(', ')}` : undefined) }
  )
);

// Registered on the recursive schema itself, so the OpenAPI component refers to itself.
z.globalRegistry.add(Cql2Expr, {
  id: 'Cql2Filter',
  description: 'A CQL2-JSON row filter (subset: comparisons, and/or/not, between, in, like, isNull)',
  examples: [{ op: '>', args: [{ property: 'co2' }, 400] }]
});
/** The filter as an API parameter: JSON text in a query string, or an object in a body. */
export const Cql2Filter = Cql2Expr;

export function isPropertyRef(v: unknown): v is PropertyRef {
  return typeof v === 'object' && v !== null && 'property' in v;
}

/** Every column a filter reads, in order of first use. */
export function filterProperties(e: Cql2Expr, out: string[] = []): string[] {
  const visit = (a: unknown): void => {
    if (isPropertyRef(a)) {
      if (!out.includes(a.property)) out.push(a.property);
    } else if (Array.isArray(a)) a.forEach(visit);
    else if (typeof a === 'object' && a !== null && 'op' in a) filterProperties(a as Cql2Expr, out);
  };
  (e.args as unknown[]).forEach(visit);
  return out;
}

function measure(e: unknown, depth: number, acc: { nodes: number; maxDepth: number }): void {
  acc.nodes++;
  acc.maxDepth = Math.max(acc.maxDepth, depth);
  if (acc.nodes > CQL2_MAX_NODES || acc.maxDepth > CQL2_MAX_DEPTH) return;
  if (typeof e === 'object' && e !== null && Array.isArray((e as { args?: unknown }).args)) {
    for (const a of (e as { args: unknown[] }).args) {
      if (typeof a === 'object' && a !== null && 'op' in a) measure(a, depth + 1, acc);
    }
  }
}

/**
 * Validate a filter given as an object or JSON text. Throws `invalid_filter` (400)
 * whose issues name the JSON path, e.g. `filter.args[1]`.
 */
export function parseFilter(input: unknown, root = 'filter'): Cql2Expr {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new GenesisError('invalid_filter', `${root} is not valid JSON: ${(err as Error).message}`, {
        hint: 'Pass CQL2-JSON, e.g. {"op":">","args":[{"property":"co2"},400]}'
      });
    }
  }
  const acc = { nodes: 0, maxDepth: 0 };
  measure(value, 1, acc);
  if (acc.maxDepth > CQL2_MAX_DEPTH)
    throw new GenesisError('invalid_filter', `${root} nests deeper than ${CQL2_MAX_DEPTH} levels`);
  if (acc.nodes > CQL2_MAX_NODES)
    throw new GenesisError('invalid_filter', `${root} has more than ${CQL2_MAX_NODES} expressions`);
  return parseOrThrow(Cql2Expr, value, root, 'invalid_filter');
}
