import { errorSentence } from '@genesis-lab/contract/core';

/**
 * Error helpers that need no contract code at startup. Errors thrown by the client are the
 * contract's `GenesisError`s (created in the lazily loaded I/O module); "unreachable" ones are
 * marked here, because only they mean "show the unreachable banner and keep trying", unlike a
 * platform that answers `503 unavailable` itself.
 */
const unreachable = new WeakSet<object>();

export function markUnreachable<E extends Error>(err: E): E {
  unreachable.add(err);
  return err;
}

export function isUnreachable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && unreachable.has(err);
}

/** The contract error code of a thrown `GenesisError` (`forbidden`, `not_found`, ...). */
export function errorCode(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** True for a request the caller cancelled (a stale search, a closed panel). */
export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

export function abortError(): DOMException {
  return new DOMException('The request was cancelled', 'AbortError');
}

/** One sentence for the UI: the platform's message, suggestions and hint (the contract's rule). */
export const describeError = errorSentence;

/** The message and the hint of a thrown error, separately (the banner shows the hint folded). */
export function splitError(err: unknown): { message: string; hint?: string } {
  if (err instanceof Error) {
    const hint = (err as { hint?: unknown }).hint;
    return typeof hint === 'string' && hint ? { message: err.message, hint } : { message: err.message };
  }
  return { message: String(err) };
}

/**
 * What a panel shows for a failed background load: nothing when the platform is unreachable
 * (the connection banner says so once, and the panel reloads when it is back), else the error.
 */
export function panelError(err: unknown): string | null {
  return isUnreachable(err) ? null : describeError(err);
}
