import {
  ErrorBody,
  GenesisError,
  LAB_PLATFORM_PATH,
  ManagedPlatformStatus,
  routePath,
  routes,
  validationError,
  type ManagedPlatformAction,
  type RouteDef,
  type RouteName
} from '@genesis-lab/contract';
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { z } from 'zod';
import type { IEndpoint } from './endpoint';
import { abortError, markUnreachable } from './errors';

/** Set by the genesis-lab server extension's proxy on its own 503 answers. */
const PROXY_UNAVAILABLE_HEADER = 'X-Genesis-Proxy';

export interface IRequest {
  route: RouteName;
  params?: Record<string, string>;
  query?: URLSearchParams;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Give up after this long (ms) unless the caller cancels first; 0 = never (streams). */
  timeoutMs?: number;
}

/** The absolute URL of a contract route on this endpoint. */
export function routeUrl(
  endpoint: IEndpoint,
  route: RouteName,
  params?: Record<string, string>,
  query?: URLSearchParams
) {
  const path = routePath(route, params).replace(/^\//, '');
  const qs = query?.toString();
  return endpoint.baseUrl + path + (qs ? `?${qs}` : '');
}

/**
 * Send one request and return the 2xx response. Anything else becomes a `GenesisError`: the
 * platform's own error body when it sent one, one marked unreachable when nothing (or
 * only the Jupyter server / proxy) answered.
 */
export async function send(endpoint: IEndpoint, req: IRequest): Promise<Response> {
  const def: RouteDef = routes[req.route];
  const url = routeUrl(endpoint, req.route, req.params, req.query);
  const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
  const init: RequestInit = { method: def.method, headers };
  if (def.body) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(req.body ?? {});
  } else if (def.method !== 'GET') {
    // No body: the Jupyter proxy (tornado) refuses a DELETE that has one, and the platform
    // refuses an empty body declared as JSON (which ServerConnection would otherwise declare).
    headers['Content-Type'] = 'text/plain';
  }
  const { signal, cleanup } = withTimeout(req.signal, req.timeoutMs ?? 0);
  init.signal = signal;
  let response: Response;
  try {
    if (endpoint.mode === 'proxy') {
      response = await ServerConnection.makeRequest(url, init, endpoint.serverSettings);
    } else {
      if (endpoint.token) headers.Authorization = `Bearer ${endpoint.token}`;
      response = await fetch(url, { ...init, credentials: 'omit' });
    }
  } catch (err) {
    cleanup();
    if (req.signal?.aborted) throw abortError();
    if (signal.aborted) {
      throw unreachableError(
        `The Genesis platform at ${endpoint.baseUrl} did not answer within ${Math.round((req.timeoutMs ?? 0) / 1000)} s.`
      );
    }
    throw unreachable(endpoint, err);
  }
  cleanup();
  if (response.ok) return response;
  throw await errorOf(endpoint, def.method, url, response);
}

/** `send`, then parse and validate the JSON body with `schema`. */
export async function requestJson<S extends z.ZodType>(
  endpoint: IEndpoint,
  req: IRequest,
  schema: S
): Promise<z.output<S>> {
  const response = await send(endpoint, req);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new GenesisError(
      'internal',
      `The platform answered ${routes[req.route].path} with something that is not JSON.`
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const e = validationError('response', parsed.error, 'internal');
    throw new GenesisError(
      'internal',
      `The platform answered ${routes[req.route].path} with an unexpected shape (${e.message}); is it a different version?`,
      { issues: e.issues }
    );
  }
  return parsed.data;
}

/** A `GenesisError` (code `unavailable`) marked as "the platform could not be reached". */
function unreachableError(message: string, hint?: string): GenesisError {
  return markUnreachable(new GenesisError('unavailable', message, { hint }));
}

function unreachable(endpoint: IEndpoint, err: unknown): GenesisError {
  const detail = err instanceof Error && err.message ? ` (${err.message})` : '';
  return unreachableError(
    `Cannot reach the Genesis platform at ${endpoint.baseUrl}${detail}.`,
    endpoint.mode === 'direct'
      ? 'Check that it runs and that the platform URL in Settings > Genesis Lab is right.'
      : 'Check that the Jupyter server is running.'
  );
}

async function errorOf(endpoint: IEndpoint, method: string, url: string, response: Response): Promise<GenesisError> {
  const text = await response.text().catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const body = ErrorBody.safeParse(json);
  // The Jupyter proxy answers in the platform's error shape when it has no platform to forward
  // to (stopped, crashed, starting); that is "unreachable", not an error of the platform.
  if (body.success && response.headers.get(PROXY_UNAVAILABLE_HEADER) === 'platform-unavailable') {
    return unreachableError(body.data.error.message, body.data.error.hint);
  }
  if (body.success) return GenesisError.fromBody(body.data);
  // Not the platform's error shape: the Jupyter server or the proxy answered in its place.
  if (endpoint.mode === 'proxy' && response.status === 404) {
    return unreachableError(
      `The Jupyter server has no Genesis proxy at ${endpoint.baseUrl} (HTTP 404).`,
      'Install the genesis-lab Python package in the environment that runs JupyterLab, or set a platform URL in Settings > Genesis Lab.'
    );
  }
  if ([502, 503, 504, 599].includes(response.status)) {
    return unreachableError(
      `The Genesis platform behind ${endpoint.baseUrl} is not answering (HTTP ${response.status}${
        response.statusText ? ' ' + response.statusText : ''
      } from ${endpoint.mode === 'proxy' ? 'the Jupyter proxy' : 'the server'}).`,
      'It may be stopped or starting; the panel retries by itself.'
    );
  }
  if (response.status === 401 || response.status === 403) {
    return new GenesisError(
      response.status === 401 ? 'unauthorized' : 'forbidden',
      `${method} ${url} was refused (HTTP ${response.status}).`,
      {
        hint:
          endpoint.mode === 'direct'
            ? 'Check the platform token in Settings > Genesis Lab.'
            : 'Log in to JupyterLab again.'
      }
    );
  }
  return new GenesisError('internal', `${method} ${url} failed with HTTP ${response.status}.`, {
    status: response.status >= 400 && response.status < 600 ? response.status : 500
  });
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

/**
 * The Jupyter server extension's view of its platform (`GET <base_url>genesis-lab/platform`),
 * or an action on it (`POST` with `{"action": ...}`). Refusals come back as a status carrying
 * `message` and `hint`, which become the thrown error.
 */
export async function labPlatform(endpoint: IEndpoint, action?: ManagedPlatformAction): Promise<ManagedPlatformStatus> {
  const url = URLExt.join(endpoint.serverSettings.baseUrl, LAB_PLATFORM_PATH);
  const init: RequestInit = action
    ? { method: 'POST', body: JSON.stringify(action), headers: { 'Content-Type': 'application/json' } }
    : { method: 'GET' };
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, endpoint.serverSettings);
  } catch (err) {
    throw unreachable(endpoint, err);
  }
  const json: unknown = await response.json().catch(() => undefined);
  const status = ManagedPlatformStatus.safeParse(json);
  if (!response.ok) {
    if (status.success && status.data.message) {
      throw new GenesisError('unavailable', status.data.message, { hint: status.data.hint ?? undefined });
    }
    if (response.status === 404) {
      throw new GenesisError('not_found', 'This Jupyter server does not run the genesis-lab server extension.', {
        hint: 'Install the genesis-lab Python package in the environment that runs JupyterLab.'
      });
    }
    const message = (json as { message?: unknown } | undefined)?.message;
    throw new GenesisError(
      'internal',
      `${init.method} ${url} failed (HTTP ${response.status})${typeof message === 'string' ? `: ${message}` : ''}`
    );
  }
  if (!status.success) {
    throw new GenesisError(
      'internal',
      `The Jupyter server answered ${url} with an unexpected shape: ${validationError('status', status.error).message}`
    );
  }
  return status.data;
}
