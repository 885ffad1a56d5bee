import { inspect } from 'node:util';
import { GenesisError } from '@genesis-lab/contract';

/**
 * Errors reach terminals and notebooks as GenesisError with the platform's own message,
 * unchanged. When Node prints one (tslab prints thrown errors with console.error), it shows what
 * was wrong, where (JSON paths), the closest names, and how to fix it, instead of a stack trace.
 */
export function presentable<E extends GenesisError>(err: E): E {
  const text = `GenesisError [${err.code}]: ${err.describe()}`;
  Object.defineProperty(err, inspect.custom, { value: () => text, enumerable: false, configurable: true });
  Object.defineProperty(err, 'stack', { value: text, enumerable: false, writable: true, configurable: true });
  return err;
}

/** Rethrow what a call threw, a GenesisError made presentable (as the helpers hand every error to a cell). */
export function rethrowPresentable(err: unknown): never {
  throw err instanceof GenesisError ? presentable(err) : err;
}
