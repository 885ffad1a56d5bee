import { GenesisError } from '@genesis-lab/contract';

/**
 * The GenesisError a promise rejects with, to assert on its code, status and words. Anything else
 * (success, or another kind of error) fails the test: the error itself is rethrown.
 */
export async function genesisFailure(promise: Promise<unknown>): Promise<GenesisError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GenesisError) return err;
    throw err;
  }
  throw new Error('expected a GenesisError, but the call succeeded');
}
