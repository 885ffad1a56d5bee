import { ErrorBody, GenesisError, codeForStatus } from '@genesis-lab/contract';

/** The platform's error body as a GenesisError, or undefined when `text` is not one. */
export function platformError(text: string): GenesisError | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = ErrorBody.safeParse(json);
  return parsed.success ? GenesisError.fromBody(parsed.data) : undefined;
}

/** An error status that carries no error body, described plainly (what answered, the start of its text). */
export function httpError(status: number, text: string, where: string): GenesisError {
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return new GenesisError(codeForStatus(status), `${where} answered HTTP ${status}${snippet ? `: ${snippet}` : ''}`, {
    status: status >= 400 && status < 600 ? status : 500,
    hint:
      status === 502 || status === 503
        ? 'The platform may be starting or stopped; try again, or restart it with `genesis serve`'
        : undefined
  });
}

/** An answer that does not match the contract: client and platform are from different releases. */
export function contractMismatch(what: string, detail: string): GenesisError {
  return new GenesisError('internal', `The platform's ${what} does not match what this client expects: ${detail}`, {
    hint: 'Use a client from the same Genesis Lab release as the platform'
  });
}
