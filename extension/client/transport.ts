import {
  isByteStream,
  type ByteStream,
  type SendOptions,
  type Transport,
  type WireRequest,
  type WireResponse
} from '@genesis-lab/client/core';
import { ErrorBody, GenesisError } from '@genesis-lab/contract';
import { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IEndpoint } from './endpoint';
import { abortError, markUnreachable } from './errors';

/** Set by the genesis-lab server extension's proxy on its own 503 answers. */
const PROXY_UNAVAILABLE_HEADER = 'X-Genesis-Proxy';

/**
 * The browser's I/O for the client core: through the Jupyter server's `/genesis/` proxy with
 * `ServerConnection` (Jupyter's auth: cookie, token, XSRF), or `fetch` to a platform configured by
 * URL (its token as a bearer). Requests, error bodies and validation are the core's; this adds
 * the timeout, and the proxy's own answers ("no platform", "no proxy here") as unreachable.
 */
export class BrowserTransport implements Transport<Response> {
  constructor(
    private readonly _endpoint: IEndpoint,
    private readonly _timeoutMs: number,
    /** The words the user reads (the platform's own messages come in its language). */
    private readonly _trans: TranslationBundle
  ) {}

  async send(req: WireRequest, options: SendOptions): Promise<WireResponse<Response>> {
    const endpoint = this._endpoint;
    const url = endpoint.baseUrl + req.path.replace(/^\//, '');
    const headers: Record<string, string> = { ...req.headers };
    const init: RequestInit = { method: req.method, headers };
    if (isByteStream(req.body)) init.body = await blobOf(req.body);
    else if (req.body !== undefined) init.body = req.body as BodyInit;
    else if (req.method !== 'GET') {
      // No body: the Jupyter proxy (tornado) refuses a DELETE that has one, and the platform
      // refuses an empty body declared as JSON (which ServerConnection would otherwise declare).
      headers['content-type'] = 'text/plain';
    }
    // Streams are not timed out: the timeout covers the response headers only.
    const { signal, cleanup } = withTimeout(options.signal, this._timeoutMs);
    init.signal = signal;
    let response: Response;
    try {
      if (endpoint.mode === 'proxy') {
        // 'no-cache' (revalidate every time) instead of the settings' 'no-store', for which
        // ServerConnection appends a bare timestamp key to the query: the platform's strict
        // query schemas (e.g. the audit log's) would refuse it as an unknown parameter.
        response = await ServerConnection.makeRequest(url, { cache: 'no-cache', ...init }, endpoint.serverSettings);
      } else {
        if (endpoint.token) headers.authorization = `Bearer ${endpoint.token}`;
        response = await fetch(url, { ...init, credentials: 'omit' });
      }
    } catch (err) {
      cleanup();
      if (options.signal?.aborted) throw abortError();
      if (signal.aborted) {
        throw unreachableError(
          this._trans.__(
            'The Genesis platform at %1 did not answer within %2 s.',
            endpoint.baseUrl,
            Math.round(this._timeoutMs / 1000)
          )
        );
      }
      throw this._unreachable(err);
    }
    cleanup();
    return {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      text: () => response.text(),
      body: response,
      cancel: () => void response.body?.cancel().catch(() => undefined)
    };
  }

  failure(res: WireResponse<Response>, text: string, req: WireRequest): GenesisError | undefined {
    const endpoint = this._endpoint;
    const trans = this._trans;
    const body = ErrorBody.safeParse(parseJson(text));
    // The Jupyter proxy answers in the platform's error shape when it has no platform to forward
    // to (stopped, crashed, starting); that is "unreachable", not an error of the platform.
    if (body.success && res.header(PROXY_UNAVAILABLE_HEADER) === 'platform-unavailable') {
      return unreachableError(body.data.error.message, body.data.error.hint);
    }
    if (body.success) return undefined;
    // Not the platform's error shape: the Jupyter server or the proxy answered in its place.
    if (endpoint.mode === 'proxy' && res.status === 404) {
      return unreachableError(
        trans.__('The Jupyter server has no Genesis proxy at %1 (HTTP 404).', endpoint.baseUrl),
        trans.__(
          'Install the genesis-lab Python package in the environment that runs JupyterLab, or set a platform URL in Settings > Genesis Lab.'
        )
      );
    }
    if ([502, 503, 504, 599].includes(res.status)) {
      return unreachableError(
        endpoint.mode === 'proxy'
          ? trans.__(
              'The Genesis platform behind %1 is not answering (HTTP %2 from the Jupyter proxy).',
              endpoint.baseUrl,
              res.status
            )
          : trans.__(
              'The Genesis platform behind %1 is not answering (HTTP %2 from the server).',
              endpoint.baseUrl,
              res.status
            ),
        trans.__('It may be stopped or starting; the panel retries by itself.')
      );
    }
    if (res.status === 401 || res.status === 403) {
      return new GenesisError(
        res.status === 401 ? 'unauthorized' : 'forbidden',
        trans.__(
          '%1 %2 was refused (HTTP %3).',
          req.method,
          endpoint.baseUrl + req.path.replace(/^\//, ''),
          res.status
        ),
        {
          hint:
            endpoint.mode === 'direct'
              ? trans.__('Check the platform token in Settings > Genesis Lab.')
              : trans.__('Log in to JupyterLab again.')
        }
      );
    }
    return undefined;
  }

  describe(): string {
    return this._trans.__('The Genesis platform at %1', this._endpoint.baseUrl);
  }

  private _unreachable(err: unknown): GenesisError {
    const endpoint = this._endpoint;
    const detail = err instanceof Error && err.message ? ` (${err.message})` : '';
    return unreachableError(
      this._trans.__('Cannot reach the Genesis platform at %1%2.', endpoint.baseUrl, detail),
      endpoint.mode === 'direct'
        ? this._trans.__('Check that it runs and that the platform URL in Settings > Genesis Lab is right.')
        : this._trans.__('Check that the Jupyter server is running.')
    );
  }
}

/**
 * A streamed body as what every browser's fetch sends: a Blob. (Streaming uploads need HTTP/2
 * in Chromium and are missing elsewhere; the Jupyter proxy is HTTP/1.1.) Blob parts live in the
 * browser's blob store, not the JS heap.
 */
async function blobOf(stream: ByteStream): Promise<Blob> {
  const parts: BlobPart[] = [];
  for await (const chunk of stream) parts.push(chunk as BlobPart);
  return new Blob(parts);
}

/** A `GenesisError` (code `unavailable`) marked as "the platform could not be reached". */
export function unreachableError(message: string, hint?: string): GenesisError {
  return markUnreachable(new GenesisError('unavailable', message, { hint }));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Combine the caller's signal with a timeout on the response headers; `cleanup` stops the
 * timer once they arrive. The caller's signal stays linked so it can still cancel a body
 * that is being streamed.
 */
function withTimeout(outer: AbortSignal | undefined, ms: number): { signal: AbortSignal; cleanup: () => void } {
  const controller = new AbortController();
  if (outer?.aborted) controller.abort();
  outer?.addEventListener('abort', () => controller.abort(), { once: true });
  const timer = ms > 0 ? setTimeout(() => controller.abort(), ms) : undefined;
  return { signal: controller.signal, cleanup: () => timer !== undefined && clearTimeout(timer) };
}
