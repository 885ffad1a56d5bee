import { inspect } from 'node:util';
import { ErrorBody, GenesisError, STATUS_OF, type ErrorCode } from '@genesis-lab/contract';

/**
 * Errors reach notebooks as GenesisError with the platform's own message, unchanged. When a
 * kernel prints one (tslab prints thrown errors with console.error), it shows what was wrong,
 * where (JSON paths), the closest names, and how to fix it, instead of a stack trace.
 */
export function presentable(err: GenesisError): GenesisError {
  const text = `GenesisError [${err.code}]: ${err.describe()}`;
  Object.defineProperty(err, inspect.custom, { value: () => text, enumerable: false });
  Object.defineProperty(err, 'stack', { value: text, enumerable: false, writable: true, configurable: true });
  return err;
}

function codeForStatus(status: number): ErrorCode {
  const match = (Object.entries(STATUS_OF) as [ErrorCode, number][]).find(([, s]) => s === status);
  return match ? match[0] : status >= 500 ? 'internal' : 'bad_request';
}

/** The platform's error body as a GenesisError; anything else (a proxy's HTML page) described plainly. */
export function errorFromResponse(status: number, text: string, url: string): GenesisError {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return presentable(GenesisError.fromBody(parsed.data));
  } catch {
    /* not JSON */
  }
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return presentable(
    new GenesisError(
      codeForStatus(status),
      `The platform at ${url} answered HTTP ${status}${snippet ? `: ${snippet}` : ''}`,
      {
        status,
        hint:
          status === 502 || status === 503
            ? 'The platform may be starting or stopped; try again, or restart it with `genesis serve`'
            : undefined
      }
    )
  );
}

/** A response that does not match the contract: a version mismatch between helpers and platform. */
export function contractMismatch(what: string, detail: string): GenesisError {
  return presentable(
    new GenesisError('internal', `The platform's ${what} does not match what these helpers expect: ${detail}`, {
      hint: 'Use the kernel helpers from the same Genesis Lab release as the platform'
    })
  );
}
