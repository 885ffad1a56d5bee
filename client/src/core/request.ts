import {
  GenesisError,
  IDEMPOTENCY_HEADER,
  parseOrThrow,
  queryWire,
  routePath,
  routes,
  type RouteDef,
  type RouteName
} from '@genesis-lab/contract';
import type { ByteStream, RawContent, RouteInput } from './route-types';

/** One HTTP request, ready for any transport: the wire form of a call. */
export interface WireRequest {
  readonly route: RouteName;
  readonly method: RouteDef['method'];
  /** Path and query string from the platform's base URL: `/api/jobs?state=QUEUED,ACTIVE`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text, or the raw bytes (all of them, or a stream) of a route that `consumes` another media type. */
  readonly body?: WireBody;
  /** Whether sending it twice is harmless (a POST is only with an idempotency key; a streamed body never is). */
  readonly repeatable: boolean;
}

export type WireBody = string | Uint8Array | ByteStream;

/** Whether a body is produced as it is sent (it can be sent only once). */
export function isByteStream(body: WireBody | undefined): body is ByteStream {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}

/**
 * The wire request of a call of any route: params, query and body validated with the route's
 * own schemas (the same checks and messages as the platform's, before anything is sent), the
 * query encoded as its schema declares (`queryWire`: repeated keys or comma lists, objects as
 * JSON), the body as JSON, `Accept` from what the route produces.
 */
export function buildRequest<N extends RouteName>(name: N, input: RouteInput<N> = {} as RouteInput<N>): WireRequest {
  const def: RouteDef = routes[name];
  const given = input as {
    params?: unknown;
    query?: unknown;
    body?: unknown;
    headers?: Record<string, string>;
    content?: RawContent;
  };
  const params = def.params ? (parseOrThrow(def.params, given.params ?? {}, 'params') as Record<string, string>) : {};
  const query = def.query ? encodeQuery(def.query, parseOrThrow(def.query, given.query ?? {}, 'query')) : '';
  const headers: Record<string, string> = {
    accept: def.response ? 'application/json' : (def.produces?.[0] ?? '*/*'),
    ...given.headers
  };
  let body: WireBody | undefined;
  if (def.body) {
    body = JSON.stringify(parseOrThrow(def.body, given.body ?? {}, 'body'));
    headers['content-type'] = 'application/json';
  } else if (def.consumes && given.content) {
    const content = given.content;
    if (!def.consumes.includes(content.type))
      throw new GenesisError('unsupported_media_type', `${name} takes a body of type ${def.consumes.join(' or ')}`, {
        hint: `got ${content.type}`
      });
    body = 'stream' in content ? content.stream : content.bytes;
    headers['content-type'] = content.type;
  }
  return {
    route: name,
    method: def.method,
    path: routePath(name, params) + query,
    headers,
    ...(body === undefined ? {} : { body }),
    repeatable: !isByteStream(body) && (def.method !== 'POST' || headers[IDEMPOTENCY_HEADER] !== undefined)
  };
}

/** `?a=1&b=x,y`: values of `schema`'s object, lists as it declares them; '' when there is nothing. */
export function encodeQuery(schema: RouteDef['query'] & object, values: unknown): string {
  const wire = queryWire(schema);
  const u = new URLSearchParams();
  for (const [key, v] of Object.entries((values ?? {}) as Record<string, unknown>)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      const encoding = wire[key];
      if (!encoding)
        throw new Error(`query parameter "${key}" is a list but its schema declares no encoding (listParam)`);
      if (encoding === 'comma') u.set(key, v.map(String).join(','));
      else for (const x of v) u.append(key, String(x));
    } else u.set(key, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}
