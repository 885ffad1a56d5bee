import { GenesisError, IDEMPOTENCY_HEADER, routePath, routes, type RouteName } from '@genesis-lab/contract';
import type { z } from 'zod';
import { resolveConnection, unreachableHint, type ConnectOptions, type Connection } from './connection';
import { contractMismatch, errorFromResponse, presentable } from './errors';
import { readableSource, sourceText, type ByteSource } from './byte-source';
import { isLoopback, readText, request } from './http';
import { rawGet } from './raw-http';

/** A streamed response: its body as a flow-controlled byte source. */
export interface StreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  source: ByteSource;
  /** Abort the transfer (the platform then stops reading). */
  destroy(): void;
}

/** Query values: arrays go out as repeated keys, except the keys listed in `joined` (comma-separated). */
export type QueryValue = string | number | boolean | object | string[] | undefined;

/** What a JSON call sends besides its route: path params, query, a JSON body, extra headers. */
export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface StreamOptions {
  /** `auto`: none on loopback (compression would cost more than it saves), gzip/br elsewhere. */
  compression?: 'auto' | 'identity' | 'gzip' | 'br';
}

const JOINED = new Set(['columns']);

function encodeQuery(query: Record<string, QueryValue>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      if (JOINED.has(k)) u.set(k, v.join(','));
      else for (const x of v) u.append(k, String(x));
    } else u.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

/**
 * One connection to a platform, shared by every namespace of the helpers (catalog, data, jobs):
 * finds the platform, sends the token, maps the one error shape to GenesisError, validates
 * responses with the contract.
 */
export class GenesisClient {
  private conn: Connection | undefined;

  constructor(private options: ConnectOptions = {}) {}

  /** Use another platform (or re-read the environment and discovery file when called with nothing). */
  connect(options: ConnectOptions = {}): this {
    this.options = options;
    this.conn = undefined;
    return this;
  }

  /** The platform in use (resolved on first use). */
  connection(): Connection {
    this.conn ??= resolveConnection(this.options);
    return this.conn;
  }

  get url(): string {
    return this.connection().url;
  }

  /** GET a route and validate its JSON with `schema`. */
  async json<S extends z.ZodType>(
    route: RouteName,
    params: Record<string, string>,
    query: Record<string, QueryValue>,
    schema: S
  ): Promise<z.output<S>> {
    return (await this.call(route, { params, query }, schema)).value;
  }

  /**
   * Call a route with its own method (GET, POST, DELETE, ...) and validate the JSON answer with
   * `schema`; the status tells a created resource (201) from an existing one (200).
   */
  async call<S extends z.ZodType>(
    route: RouteName,
    options: CallOptions,
    schema: S
  ): Promise<{ status: number; value: z.output<S> }> {
    const { method } = routes[route];
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    // A POST that may have reached the platform is sent again only when a key makes it idempotent.
    const repeatable = method !== 'POST' || options.headers?.[IDEMPOTENCY_HEADER] !== undefined;
    const { status, text } = await this.withConnection(async (conn) => {
      const url = new URL(conn.url + routePath(route, options.params) + encodeQuery(options.query ?? {}));
      const res = await request(
        method,
        url,
        {
          authorization: `Bearer ${conn.token}`,
          accept: 'application/json',
          'accept-encoding': isLoopback(url) ? 'identity' : 'gzip, br',
          'user-agent': 'genesis-lab-kernel',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers
        },
        body
      );
      if (res.status >= 400) throw errorFromResponse(res.status, await readText(res.body, 1 << 20), conn.url);
      return { status: res.status, text: await readText(res.body) };
    }, repeatable);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw contractMismatch(`answer to ${route}`, 'not JSON');
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw contractMismatch(`answer to ${route}`, parsed.error.issues[0]?.message ?? 'invalid');
    return { status, value: parsed.data };
  }

  /**
   * GET a route whose body is streamed (Arrow); errors (4xx/5xx) are raised before any body is
   * read. Uncompressed plain-HTTP streams (the loopback default) take the lean raw-socket reader.
   */
  async stream(
    route: RouteName,
    params: Record<string, string>,
    query: Record<string, QueryValue>,
    options: StreamOptions = {}
  ): Promise<StreamResponse> {
    return this.withConnection(async (conn) => {
      const url = new URL(conn.url + routePath(route, params) + encodeQuery(query));
      const compression = options.compression ?? 'auto';
      const acceptEncoding = compression === 'auto' ? (isLoopback(url) ? 'identity' : 'gzip, br') : compression;
      const headers = {
        authorization: `Bearer ${conn.token}`,
        accept: '*/*',
        'accept-encoding': acceptEncoding,
        'user-agent': 'genesis-lab-kernel'
      };
      if (url.protocol === 'http:' && acceptEncoding === 'identity') {
        const res = await rawGet(url, headers);
        if (res.status >= 400) throw errorFromResponse(res.status, await sourceText(res.source), conn.url);
        if ((res.headers['content-encoding'] ?? 'identity') !== 'identity')
          throw contractMismatch(
            'stream',
            `it is ${res.headers['content-encoding']}-encoded though identity was asked`
          );
        return { status: res.status, headers: res.headers, source: res.source, destroy: () => res.source.destroy() };
      }
      const res = await request('GET', url, headers);
      if (res.status >= 400) throw errorFromResponse(res.status, await readText(res.body, 1 << 20), conn.url);
      return {
        status: res.status,
        headers: res.headers as Record<string, string>,
        source: readableSource(res.body),
        destroy: res.destroy
      };
    });
  }

  /**
   * Run a request against the platform in use, with the recoveries a local platform needs: one
   * retry for a kept-alive socket the server just closed, and one look at a rewritten discovery
   * file when the platform restarted on another port. Otherwise `unavailable`, saying what to check.
   * A request that is not `repeatable` is sent again only when it cannot have arrived (refused).
   */
  private async withConnection<T>(attempt: (conn: Connection) => Promise<T>, repeatable = true): Promise<T> {
    const conn = this.connection();
    try {
      try {
        return await attempt(conn);
      } catch (err) {
        if ((err as NodeJS.ErrnoException)?.code !== 'ECONNRESET' || !repeatable) throw err;
        return await attempt(conn);
      }
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      if (!repeatable && (err as NodeJS.ErrnoException).code === 'ECONNRESET') throw unreachable(conn, err);
      if (conn.source === 'discovery file') {
        this.conn = undefined;
        const again = this.connection();
        if (again.url !== conn.url) {
          try {
            return await attempt(again);
          } catch (err2) {
            if (!isConnectionError(err2)) throw err2;
          }
        }
      }
      throw unreachable(conn, err);
    }
  }
}

function unreachable(conn: Connection, err: unknown): GenesisError {
  return presentable(
    new GenesisError(
      'unavailable',
      `Cannot reach the Genesis platform at ${conn.url} (${(err as NodeJS.ErrnoException).code})`,
      { hint: unreachableHint(conn) }
    )
  );
}

function isConnectionError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ENOTFOUND' ||
    code === 'EHOSTUNREACH' ||
    code === 'ETIMEDOUT'
  );
}
