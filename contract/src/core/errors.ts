import type { ErrorBody, ErrorIssue } from '../errors';

/**
 * The error every boundary answers and every client raises, without zod: the extension creates
 * and tests for it at start-up. The wire shape (`ErrorBody`) is the zod schema in ../errors.ts.
 */
export const ERROR_CODES = [
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
  'rate_limited',
  'unavailable',
  'internal'
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

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
  rate_limited: 429,
  unavailable: 503,
  internal: 500
};

/** The code an HTTP status stands for when a body did not say (a proxy's own page). */
export function codeForStatus(status: number): ErrorCode {
  const match = (Object.entries(STATUS_OF) as [ErrorCode, number][]).find(([, s]) => s === status);
  return match ? match[0] : status >= 500 ? 'internal' : 'bad_request';
}

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

/**
 * One sentence for a UI line: the message, the suggestions and the hint, whatever was thrown
 * (a GenesisError, another Error, anything).
 */
export function errorSentence(err: unknown): string {
  if (err instanceof Error) {
    const { hint, suggestions } = err as { hint?: unknown; suggestions?: unknown };
    const sentence = (t: string) => (/[.!?:]$/.test(t.trim()) ? t.trim() : `${t.trim()}.`);
    let text = sentence(err.message);
    if (Array.isArray(suggestions) && suggestions.length) text += ` Did you mean ${suggestions.join(', ')}?`;
    if (typeof hint === 'string' && hint) text += ` ${sentence(hint)}`;
    return text;
  }
  return String(err);
}
