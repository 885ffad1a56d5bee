import { z } from 'zod';

/**
 * Every error the platform answers, on every route and socket, has this one shape,
 * so the CLI, the kernel helpers and the extension can show the same message.
 */
export const ErrorCode = z.enum([
  'bad_request',
  'validation_failed',
  'invalid_ref',
  'invalid_filter',
  'unknown_column',
  'limit_out_of_range',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'unprocessable',
  'unavailable',
  'internal'
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

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

export const STATUS_OF: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  invalid_ref: 400,
  invalid_filter: 400,
  unknown_column: 400,
  limit_out_of_range: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  unavailable: 503,
  internal: 500
};

/** A thrown error that carries the wire shape; the platform serialises it, clients re-raise it. */
export class GenesisError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly hint?: string;
  readonly issues?: ErrorIssue[];
  readonly suggestions?: string[];

  constructor(
    code: ErrorCode,
    message: string,
    extra: { hint?: string; issues?: ErrorIssue[]; suggestions?: string[]; status?: number } = {}
  ) {
    super(message);
    this.name = 'GenesisError';
    this.code = code;
    this.status = extra.status ?? STATUS_OF[code];
    this.hint = extra.hint;
    this.issues = extra.issues;
    this.suggestions = extra.suggestions;
  }

  toBody(requestId?: string): ErrorBody {
    return {
      error: {
        code: this.code,
        status: this.status,
        message: this.message,
        ...(this.hint !== undefined ? { hint: this.hint } : {}),
        ...(this.issues !== undefined ? { issues: this.issues } : {}),
        ...(this.suggestions !== undefined ? { suggestions: this.suggestions } : {}),
        ...(requestId !== undefined ? { requestId } : {})
      }
    };
  }

  static fromBody(body: ErrorBody): GenesisError {
    const e = body.error;
    return new GenesisError(e.code, e.message, {
      hint: e.hint,
      issues: e.issues,
      suggestions: e.suggestions,
      status: e.status
    });
  }

  /** A multi-line message for terminals and notebook stderr. */
  describe(): string {
    const lines = [this.message];
    // The message already names the first issue; list them all only when there are several.
    if ((this.issues?.length ?? 0) > 1)
      for (const i of this.issues!) lines.push(`  at ${i.path || '(root)'}: ${i.message}`);
    if (this.suggestions?.length) lines.push(`Did you mean: ${this.suggestions.join(', ')}?`);
    if (this.hint) lines.push(`Hint: ${this.hint}`);
    return lines.join('\n');
  }
}

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
