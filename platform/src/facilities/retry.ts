import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Attempts after the first. */
  retries: number;
  /** The wait before retry k (from 0) is `baseMs * 2^k`. */
  baseMs?: number;
  /** Whether a failure is worth another attempt; a definitive answer (a refusal) is not. */
  retryable?: (err: unknown) => boolean;
  /** Told of every failed attempt (for counters). */
  onFailure?: (err: unknown) => void;
  /** Gives up at once, with the last failure, when aborted (the connector is stopping). */
  signal?: AbortSignal;
}

/**
 * Call `attempt` until it succeeds, with exponential backoff between tries. Throws the last
 * failure when the attempts are used up, a failure is not retryable, or `signal` aborts.
 * A failed status call is only ever a reason to ask again (never a verdict on a job), so
 * connectors retry through this before they call a facility unhealthy.
 */
export async function retry<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { retries, baseMs = 200, retryable = () => true, onFailure, signal } = options;
  for (let k = 0; ; k++) {
    if (signal?.aborted) throw signal.reason;
    try {
      return await attempt();
    } catch (err) {
      onFailure?.(err);
      if (k >= retries || !retryable(err) || signal?.aborted) throw err;
      try {
        await sleep(baseMs * 2 ** k, undefined, { signal });
      } catch {
        throw err;
      }
    }
  }
}
