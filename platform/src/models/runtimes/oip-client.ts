import {
  GenesisError,
  OipInferResponse,
  OipModelMetadata,
  OipServerMetadata,
  type OipEndpoint,
  type OipInferRequest
} from '@genesis-lab/contract';
import type { z } from 'zod';

/**
 * A client of one configured OIP v2 server (REST, JSON tensors). Every request has the endpoint's
 * timeout; retries happen only where they are safe:
 * - reads (health, metadata) are idempotent: retried on a connection failure, a timeout or a 5xx;
 * - an infer is retried only when the server cannot have processed it: the connection was refused
 *   (nothing was sent), or the server answered 503/429 (refused before processing). A timeout, a
 *   reset connection or another 5xx after the request was sent is never retried: the model may
 *   have run, and the caller decides.
 * Redirects are not followed, so nothing goes to an address the operator did not configure.
 */
export class OipClient {
  private readonly base: URL;

  constructor(
    readonly name: string,
    readonly endpoint: OipEndpoint,
    private readonly backoffMs = 100
  ) {
    this.base = new URL(endpoint.url.endsWith('/') ? endpoint.url : `${endpoint.url}/`);
  }

  /** `OIP endpoint "mlserver" (http://127.0.0.1:8080/)`, for messages. */
  get label(): string {
    return `OIP endpoint "${this.name}" (${this.base.href})`;
  }

  /**
   * Health and readiness are answered by the status (the spec: 200 is true, 4xx false; Triton and
   * MLServer send an empty body), so they are probes, not JSON reads. A 503 is "not ready" too.
   */
  async live(signal?: AbortSignal): Promise<boolean> {
    return this.probe('v2/health/live', signal);
  }

  async ready(signal?: AbortSignal): Promise<boolean> {
    return this.probe('v2/health/ready', signal);
  }

  async serverMetadata(signal?: AbortSignal): Promise<OipServerMetadata> {
    return this.request('GET', 'v2', OipServerMetadata, { signal });
  }

  async modelMetadata(model: string, version?: string, signal?: AbortSignal): Promise<OipModelMetadata> {
    return this.request('GET', modelPath(model, version), OipModelMetadata, { signal });
  }

  async modelReady(model: string, version?: string, signal?: AbortSignal): Promise<boolean> {
    return this.probe(`${modelPath(model, version)}/ready`, signal);
  }

  private async probe(relPath: string, signal?: AbortSignal): Promise<boolean> {
    const r = await this.send('GET', relPath, { signal, accept: (status) => status < 500 || status === 503 });
    return r.status === 200;
  }

  async infer(
    model: string,
    version: string | undefined,
    body: OipInferRequest,
    signal?: AbortSignal
  ): Promise<OipInferResponse> {
    return this.request('POST', `${modelPath(model, version)}/infer`, OipInferResponse, {
      signal,
      body: JSON.stringify(body),
      idempotent: false
    });
  }

  private async request<S extends z.ZodType>(
    method: 'GET' | 'POST',
    relPath: string,
    schema: S,
    opts: { signal?: AbortSignal; body?: string; idempotent?: boolean }
  ): Promise<z.output<S>> {
    const what = `${method} /${relPath}`;
    const { text } = await this.send(method, relPath, opts);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw this.garbage(what, `it is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw this.garbage(what, `${i?.path.join('.') || '(root)'}: ${i?.message ?? 'invalid'}`);
    }
    return parsed.data;
  }

  /** Send with the timeout and the retry rule; answers a 2xx (or a status `accept` takes), else throws. */
  private async send(
    method: 'GET' | 'POST',
    relPath: string,
    opts: { signal?: AbortSignal; body?: string; idempotent?: boolean; accept?: (status: number) => boolean }
  ): Promise<{ status: number; text: string }> {
    const url = new URL(relPath, this.base);
    const what = `${method} /${relPath}`;
    const idempotent = opts.idempotent ?? method === 'GET';
    const tries = 1 + this.endpoint.retries;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= tries;
      const timeout = AbortSignal.timeout(this.endpoint.timeoutMs);
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
      let res: Response;
      let text: string;
      try {
        res = await fetch(url, {
          method,
          headers: {
            accept: 'application/json',
            ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...this.endpoint.headers
          },
          body: opts.body,
          signal,
          redirect: 'manual'
        });
        text = await res.text();
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        const timedOut = timeout.aborted;
        // Refused: nothing was sent, so even an infer may go again. Otherwise only a read may.
        if (!last && (connectionRefused(err) || idempotent)) {
          await pause(this.backoffMs * 2 ** (attempt - 1), opts.signal);
          continue;
        }
        if (timedOut)
          throw new GenesisError(
            'unavailable',
            `${this.label} did not answer ${what} within ${this.endpoint.timeoutMs / 1000} s` +
              (idempotent ? ` (${attempt} tries)` : ' (an infer that was sent is not retried)'),
            { hint: 'The server is slow or stuck; raise "timeoutMs" in the model endpoints file if it needs longer' }
          );
        throw new GenesisError(
          'unavailable',
          `${this.label} is not reachable (${what}: ${networkCause(err)}${attempt > 1 ? `, ${attempt} tries` : ''})`,
          { hint: 'Is the model server running at that address?' }
        );
      }
      if (res.status >= 300 && res.status < 400)
        throw new GenesisError(
          'unavailable',
          `${this.label} answered ${what} with a redirect (${res.status}); redirects are not followed`,
          { hint: 'Configure the URL the server really answers on' }
        );
      if (res.ok || opts.accept?.(res.status)) return { status: res.status, text };
      // 503/429: the server refused before processing, so even an infer may go again.
      const retryable = res.status === 503 || res.status === 429 || (idempotent && res.status >= 500);
      if (!last && retryable) {
        await pause(this.backoffMs * 2 ** (attempt - 1), opts.signal);
        continue;
      }
      throw this.remoteError(res.status, text, what);
    }
  }

  /** A server's own error (`{"error": "..."}` per the spec), as the platform's error. */
  private remoteError(status: number, text: string, what: string): GenesisError {
    let said = text.slice(0, 500);
    try {
      const j = JSON.parse(text) as { error?: unknown; detail?: unknown };
      const e = j.error ?? j.detail;
      if (e !== undefined) said = typeof e === 'string' ? e : JSON.stringify(e);
    } catch {
      // not JSON: keep the start of the text
    }
    const message = `${this.label} refused ${what} (${status}): ${said || 'no message'}`;
    if (status === 404)
      return new GenesisError('not_found', message, { hint: 'Is the model name in the version right?' });
    if (status === 401 || status === 403)
      return new GenesisError('unavailable', message, { hint: 'The endpoint wants credentials: set "headers"' });
    if (status < 500) return new GenesisError('unprocessable', message);
    return new GenesisError('unavailable', message);
  }

  private garbage(what: string, why: string): GenesisError {
    return new GenesisError('unavailable', `${this.label} answered ${what} with something that is not OIP v2: ${why}`);
  }
}

/** `v2/models/<model>[/versions/<v>]`, each segment escaped (a name cannot reach another path). */
function modelPath(model: string, version?: string): string {
  return `v2/models/${encodeURIComponent(model)}${version ? `/versions/${encodeURIComponent(version)}` : ''}`;
}

function connectionRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED';
}

function networkCause(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true }
    );
  });
}
