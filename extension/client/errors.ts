import { GenesisError } from '@genesis-lab/contract';

/**
 * The platform could not be reached at all (network failure, proxy without a platform behind
 * it). Distinct from a platform that answers `503 unavailable` itself: only this one means
 * "show the unreachable banner and keep trying".
 */
export class PlatformUnreachableError extends GenesisError {
  constructor(message: string, hint?: string) {
    super('unavailable', message, { hint });
    this.name = 'PlatformUnreachableError';
  }
}

export function isUnreachable(err: unknown): err is PlatformUnreachableError {
  return err instanceof PlatformUnreachableError;
}

/** True for a request the caller cancelled (a stale search, a closed panel). */
export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

export function abortError(): DOMException {
  return new DOMException('The request was cancelled', 'AbortError');
}

/** One sentence for the UI: the platform's message plus its hint, whatever was thrown. */
export function describeError(err: unknown): string {
  if (err instanceof GenesisError) return err.hint ? `${err.message} ${err.hint}` : err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
