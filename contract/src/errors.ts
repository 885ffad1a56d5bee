import { z } from 'zod';
import { ERROR_CODES, GenesisError, type ErrorCode as ErrorCodeName } from './core/errors';

/**
 * Every error the platform answers, on every route and socket, has this one shape,
 * so the CLI, the kernel helpers and the extension can show the same message.
 */
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = ErrorCodeName;

export const ErrorIssue = z.object({
  /** JSON path of the offending value, e.g. `filter.args[1]` or `body.resources.nodeCount`. */
  path: z.string(),
  message: z.string()
});
export type ErrorIssue = z.infer<typeof ErrorIssue>;

export const ErrorBody = z
  .object({
    error: z.object({
      code: ErrorCode,
      status: z.number().int().min(400).max(599),
      message: z.string().describe('What was wrong, in one sentence a scientist can act on'),
      hint: z.string().optional().describe('How to fix it'),
      issues: z.array(ErrorIssue).optional(),
      suggestions: z.array(z.string()).optional().describe('Closest existing ids, columns or values'),
      requestId: z.string().optional()
    })
  })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Format a zod issue path (`['args', 1, 'property']`) as `args[1].property`, prefixed by `root`. */
export function formatPath(root: string, path: ReadonlyArray<PropertyKey>): string {
  let out = root;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

/**
 * One zod issue in words. zod says "Invalid input: expected string, received undefined" for a
 * missing field; say it is missing.
 */
export function issueMessage(i: z.core.$ZodIssue): string {
  if (i.code === 'invalid_type' && /received undefined$/.test(i.message)) return `required (${i.expected}) but missing`;
  return i.message;
}

/** Turn a zod failure into the wire error, naming every offending JSON path. */
export function validationError(root: string, error: z.ZodError, code: ErrorCode = 'validation_failed'): GenesisError {
  const issues = error.issues.map((i) => ({ path: formatPath(root, i.path), message: issueMessage(i) }));
  const first = issues[0];
  // A problem with the whole input (path = root) needs no "at": "Invalid --progress: ..." reads better.
  const where = first && first.path && first.path !== root ? ` at ${first.path}` : '';
  return new GenesisError(code, `Invalid ${root || 'input'}${where}: ${first?.message ?? 'invalid value'}`, {
    issues
  });
}

/** Parse with a schema or throw a GenesisError naming the path; `root` names the input (e.g. `query`). */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  root: string,
  code: ErrorCode = 'validation_failed'
): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(root, r.error, code);
  return r.data;
}
