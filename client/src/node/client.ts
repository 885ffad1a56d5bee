import {
  GenesisApi,
  buildRequest,
  type CallArgs,
  type JsonRouteName,
  type RouteInput,
  type RouteOutput,
  type SendOptions,
  type Transport,
  type WireRequest,
  type WireResponse
} from '@genesis-lab/client/core';
import { GenesisError, type RouteName } from '@genesis-lab/contract';
import { readableSource, sourceText, type ByteSource } from './byte-source';
import { resolveConnection, unreachableHint, type ConnectOptions, type Connection } from './connection';
import { isLoopback, readText, request } from './http';
import { presentable } from './presentable';
import { rawGet } from './raw-http';

/** How a stream is compressed on the wire: `auto` = none on loopback (it would cost more than it saves), gzip/br elsewhere. */
export const COMPRESSIONS = ['auto', 'identity', 'gzip', 'br'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** A streamed response: its body as a flow-controlled byte source. */
export interface StreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  source: ByteSource;
  /** Abort the transfer (the platform then stops reading). */
  destroy(): void;
}

export interface StreamOptions {
  compression?: Compression;
}

/**
 * The platform's API from Node (cells, scripts, the CLI, tests, benchmarks): every route of the
 * contract through the client core (`call`, `send`, `stream`), on a connection found by
 * discovery (explicit options, GENESIS_URL/GENESIS_TOKEN, the discovery file). Errors are the
 * platform's GenesisError, printed readably by Node and tslab.
 */
export class GenesisClient {
  readonly api: GenesisApi<ByteSource>;
  private conn: Connection | undefined;

  constructor(private options: ConnectOptions = {}) {
    this.api = new GenesisApi(new NodeTransport(this));
  }

  /** Use another platform (or re-read the environment and discovery file when called with nothing). */
  connect(options: ConnectOptions = {}): this {
    this.options = options;
    this.conn = undefined;
    return this;
  }

  /** The platform in use (resolved on first use). */
  connection(): Connection {
    this.conn ??= presenting(() => resolveConnection(this.options));
    return this.conn;
  }

  /** Forget the connection, so the next request looks for the platform again (it may have moved). */
  reconnect(): Connection {
    this.conn = undefined;
    return this.connection();
  }

  get url(): string {
    return this.connection().url;
  }

  /** The validated answer of a JSON route: `call('getJob', { params: { id } })`. */
  call<N extends JsonRouteName>(name: N, ...args: CallArgs<N, SendOptions>): Promise<RouteOutput<N>> {
    return presentingAsync(() => this.api.call(name, ...args));
  }

  /** The answer with its status (201 created / 200 existing). */
  send<N extends JsonRouteName>(
    name: N,
    ...args: CallArgs<N, SendOptions>
  ): Promise<{ status: number; value: RouteOutput<N> }> {
    return presentingAsync(() => this.api.send(name, ...args));
  }

  /**
   * A route whose body is streamed (Arrow); errors (4xx/5xx) are raised before any body is read.
   * Uncompressed plain-HTTP streams (the loopback default) take the zero-copy raw-socket reader.
   */
  async stream<N extends RouteName>(
    name: N,
    input: RouteInput<N>,
    options: StreamOptions = {}
  ): Promise<StreamResponse> {
    const req = presenting(() => buildRequest(name, input));
    const res = await presentingAsync(() =>
      this.api.checked(req, { stream: true, acceptEncoding: this.acceptEncoding(options.compression ?? 'auto') })
    );
    return {
      status: res.status,
      headers: (res as NodeResponse).headers,
      source: res.body,
      destroy: () => res.cancel()
    };
  }

  private acceptEncoding(compression: Compression): string {
    return compression === 'auto' ? (isLoopback(new URL(this.url)) ? 'identity' : 'gzip, br') : compression;
  }
}

interface NodeResponse extends WireResponse<ByteSource> {
  readonly headers: Record<string, string | string[] | undefined>;
}

/** Node's I/O: node:http for JSON, the raw-socket reader for identity streams; recovery of a local platform. */
class NodeTransport implements Transport<ByteSource> {
  constructor(private readonly client: GenesisClient) {}

  send(req: WireRequest, options: SendOptions): Promise<WireResponse<ByteSource>> {
    return this.withConnection((conn) => this.attempt(conn, req, options), req.repeatable);
  }

  describe(): string {
    return `The platform at ${this.client.connection().url}`;
  }

  private async attempt(conn: Connection, req: WireRequest, options: SendOptions): Promise<NodeResponse> {
    const url = new URL(conn.url + req.path);
    const headers: Record<string, string> = {
      ...req.headers,
      authorization: `Bearer ${conn.token}`,
      'accept-encoding': options.acceptEncoding ?? (isLoopback(url) ? 'identity' : 'gzip, br'),
      'user-agent': 'genesis-lab-client'
    };
    if (
      options.stream &&
      req.method === 'GET' &&
      url.protocol === 'http:' &&
      headers['accept-encoding'] === 'identity'
    ) {
      const res = await rawGet(url, headers);
      const encoding = res.headers['content-encoding'] ?? 'identity';
      if (res.status < 400 && encoding !== 'identity') {
        res.source.destroy();
        throw new GenesisError('internal', `The platform's stream is ${encoding}-encoded though identity was asked`);
      }
      return {
        status: res.status,
        headers: res.headers,
        header: (n) => res.headers[n.toLowerCase()],
        text: (limit) => sourceText(res.source, limit),
        body: res.source,
        cancel: () => res.source.destroy()
      };
    }
    const res = await request(req.method, url, headers, req.body, options.signal);
    return {
      status: res.status,
      headers: res.headers,
      header: (n) => {
        const v = res.headers[n.toLowerCase()];
        return Array.isArray(v) ? v.join(', ') : v;
      },
      text: (limit) => readText(res.body, limit),
      body: readableSource(res.body),
      cancel: res.destroy
    };
  }

  /**
   * The recoveries a local platform needs: one retry for a kept-alive socket the server just
   * closed, and one look at a rewritten discovery file when the platform restarted on another
   * port. Otherwise `unavailable`, saying what to check. A request that is not `repeatable` is
   * sent again only when it cannot have arrived (refused).
   */
  private async withConnection<T>(attempt: (conn: Connection) => Promise<T>, repeatable: boolean): Promise<T> {
    const conn = this.client.connection();
    try {
      try {
        return await attempt(conn);
      } catch (err) {
        if (errno(err) !== 'ECONNRESET' || !repeatable) throw err;
        return await attempt(conn);
      }
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      if (!repeatable && errno(err) === 'ECONNRESET') throw unreachable(conn, err);
      if (conn.source === 'discovery file') {
        const again = this.client.reconnect();
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

const errno = (err: unknown) => (err as NodeJS.ErrnoException)?.code;

function unreachable(conn: Connection, err: unknown): GenesisError {
  return new GenesisError('unavailable', `Cannot reach the Genesis platform at ${conn.url} (${errno(err)})`, {
    hint: unreachableHint(conn)
  });
}

function isConnectionError(err: unknown): boolean {
  const code = errno(err);
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ENOTFOUND' ||
    code === 'EHOSTUNREACH' ||
    code === 'ETIMEDOUT'
  );
}

function presenting<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw err instanceof GenesisError ? presentable(err) : err;
  }
}

async function presentingAsync<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw err instanceof GenesisError ? presentable(err) : err;
  }
}
