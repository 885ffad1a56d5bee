import { ErrorBody, GenesisError, routePath, routes, validationError, type RouteName } from '@genesis-lab/contract';
import { ServerConnection } from '@jupyterlab/services';
import type { z } from 'zod';
import type { IEndpoint } from './endpoint';
import { PlatformUnreachableError, abortError } from './errors';

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
 * platform's own error body when it sent one, `PlatformUnreachableError` when nothing (or
 * only the Jupyter server / proxy) answered.
 */
export async function send(endpoint: IEndpoint, req: IRequest): Promise<Response> {
  const def = routes[req.route];
  const url = routeUrl(endpoint, req.route, req.params, req.query);
  const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
  const init: RequestInit = { method: def.method, headers };
  if (def.method !== 'GET') {
    // Fastify rejects an empty JSON body, and DELETE/POST without one still carry the JSON type.
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(req.body ?? {});
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
      throw new PlatformUnreachableError(
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

function unreachable(endpoint: IEndpoint, err: unknown): PlatformUnreachableError {
  const detail = err instanceof Error && err.message ? ` (${err.message})` : '';
  return new PlatformUnreachableError(
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
  if (body.success) return GenesisError.fromBody(body.data);
  // Not the platform's error shape: the Jupyter server or the proxy answered in its place.
  if (endpoint.mode === 'proxy' && response.status === 404) {
    return new PlatformUnreachableError(
      `The Jupyter server has no Genesis proxy at ${endpoint.baseUrl} (HTTP 404).`,
      'Install the genesis-lab Python package in the environment that runs JupyterLab, or set a platform URL in Settings > Genesis Lab.'
    );
  }
  if (response.status >= 500) {
    return new PlatformUnreachableError(
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
