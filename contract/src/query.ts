import { z } from 'zod';

/**
 * How a list-valued query parameter travels, declared once where its schema is declared: the
 * platform's parser (the schema's own preprocess) and every client's encoder (`queryWire`) read
 * the same declaration, so the two cannot disagree.
 * - `repeat`: one key per value, `?filter=a&filter=b` (values may hold commas);
 * - `comma`: one key, values joined, `?state=QUEUED,ACTIVE` (a repeated key is accepted too).
 * Object values (a CQL2 filter) travel as JSON text; scalars as text.
 */
export type ListEncoding = 'repeat' | 'comma';

const wires = z.registry<{ encoding: ListEncoding }>();

function decode(encoding: ListEncoding, v: unknown): unknown {
  if (v === undefined || v === '') return undefined;
  const values = Array.isArray(v) ? v : [v];
  return encoding === 'comma'
    ? values
        .flatMap((s) => String(s).split(','))
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
    : values;
}

/**
 * A list query parameter of `item`s, travelling as `encoding`: absent, one value or several in,
 * an array (or undefined) out. Chain `.default([])`, `.max()` on the array via `list`, or `.describe()`.
 */
export function listParam<T extends z.ZodType, A extends z.ZodType = z.ZodArray<T>>(
  encoding: ListEncoding,
  item: T,
  list?: (array: z.ZodArray<T>) => A
) {
  const array = z.array(item);
  const schema = z.preprocess(
    (v: z.input<T> | z.input<T>[] | undefined) => decode(encoding, v),
    (list ? list(array) : array).optional() as z.ZodOptional<A>
  );
  schema.register(wires, { encoding });
  return schema;
}

/** The declared encodings of an object schema's list parameters, by key. */
export function queryWire(schema: z.ZodType): Record<string, ListEncoding> {
  const out: Record<string, ListEncoding> = {};
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  for (const [key, field] of Object.entries(shape)) {
    const encoding = encodingOf(field);
    if (encoding) out[key] = encoding;
  }
  return out;
}

/** Through the wrappers a field may carry (.optional(), .default(), .describe() clones). */
function encodingOf(field: z.ZodType): ListEncoding | undefined {
  for (let s: z.ZodType | undefined = field; s;) {
    const found = wires.get(s);
    if (found) return found.encoding;
    s = (s._zod.def as { innerType?: z.ZodType }).innerType;
  }
  return undefined;
}

/**
 * A query parameter holding one JSON value of `schema`, travelling as JSON text (clients encode
 * object values so, see `queryWire`'s callers): absent or empty gives undefined, text that is not
 * JSON says it must be JSON text of `what`, and the schema's own issues keep their paths.
 */
export function jsonParam<T extends z.ZodType>(schema: T, what: string) {
  return z.unknown().transform((v, ctx): z.output<T> | undefined => {
    if (v === undefined || v === '') return undefined;
    let json: unknown = v;
    if (typeof v === 'string') {
      try {
        json = JSON.parse(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be JSON text of ${what}` });
        return z.NEVER;
      }
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: issue.path } as never);
      return z.NEVER;
    }
    return parsed.data;
  });
}
