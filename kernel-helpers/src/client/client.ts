import { GenesisError, routePath, type RouteName } from '@genesis-lab/contract';
import type { z } from 'zod';
import { resolveConnection, unreachableHint, type ConnectOptions, type Connection } from './connection';
import { contractMismatch, errorFromResponse, presentable } from './errors';
import { readableSource, sourceText, type ByteSource } from './byte-source';
import { get, isLoopback, readText, type HttpResponse } from './http';
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
    const res = await this.get(route, params, query, { accept: 'application/json' });
    const text = await readText(res.body);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw contractMismatch(`answer to ${route}`, 'not JSON');
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw contractMismatch(`answer to ${route}`, parsed.error.issues[0]?.message ?? 'invalid');
    return parsed.data;
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
      const res = await get(url, headers);
      if (res.status >= 400) throw errorFromResponse(res.status, await readText(res.body, 1 << 20), conn.url);
      return {
        status: res.status,
        headers: res.headers as Record<string, string>,
        source: readableSource(res.body),
        destroy: res.destroy
      };
    });
  }

  private get(
    route: RouteName,
    params: Record<string, string>,
    query: Record<string, QueryValue>,
    opts: { accept: string }
  ): Promise<HttpResponse> {
    return this.withConnection(async (conn) => {
      const url = new URL(conn.url + routePath(route, params) + encodeQuery(query));
      const res = await get(url, {
        authorization: `Bearer ${conn.token}`,
        accept: opts.accept,
        'accept-encoding': isLoopback(url) ? 'identity' : 'gzip, br',
        'user-agent': 'genesis-lab-kernel'
      });
      if (res.status >= 400) throw errorFromResponse(res.status, await readText(res.body, 1 << 20), conn.url);
      return res;
    });
  }

  /**
   * Run a request against the platform in use, with the recoveries a local platform needs: one
   * retry for a kept-alive socket the server just closed, and one look at a rewritten discovery
   * file when the platform restarted on another port. Otherwise `unavailable`, saying what to check.
   */
  private async withConnection<T>(attempt: (conn: Connection) => Promise<T>): Promise<T> {
    const conn = this.connection();
    try {
      try {
        return await attempt(conn);
      } catch (err) {
        if ((err as NodeJS.ErrnoException)?.code !== 'ECONNRESET') throw err;
        return await attempt(conn);
      }
    } catch (err) {
      if (!isConnectionError(err)) throw err;
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
      throw presentable(
        new GenesisError(
          'unavailable',
          `Cannot reach the Genesis platform at ${conn.url} (${(err as NodeJS.ErrnoException).code})`,
          { hint: unreachableHint(conn) }
        )
      );
    }
  }
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
