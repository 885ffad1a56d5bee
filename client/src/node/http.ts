import * as http from 'node:http';
import * as https from 'node:https';
import * as zlib from 'node:zlib';
import type { Readable } from 'node:stream';

/** A response whose body is read as a stream (already decompressed). */
export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Readable;
  /** Abort the transfer (the platform then stops reading). */
  destroy(): void;
}

// Keep-alive: a pull resolves a version, then streams, on the same connection.
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true })
};

/**
 * A request with Node's own HTTP client: it hands the body over in large Buffers with no
 * per-chunk promise overhead, which matters at a gigabyte per second. A `string`/bytes body is
 * sent as is; a byte stream is sent chunked, pulled only as fast as the socket drains (so a slow
 * server never makes us hold the whole body), and stops being sent once the answer is an error.
 */
export function request(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body?: string | Uint8Array | AsyncIterable<Uint8Array>,
  signal?: AbortSignal
): Promise<HttpResponse> {
  const mod = url.protocol === 'https:' ? https : http;
  const agent = agents[url.protocol as 'http:' | 'https:'];
  const streamed = typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
  const sent =
    body === undefined || streamed
      ? headers
      : { ...headers, 'content-length': String(Buffer.byteLength(body as string | Uint8Array)) };
  return new Promise((resolve, reject) => {
    let answered = false;
    let refused = false;
    const req = mod.request(url, { method, headers: sent, agent, ...(signal ? { signal } : {}) }, (res) => {
      answered = true;
      if (streamed && (res.statusCode ?? 0) >= 400) {
        // The platform refused the body while we were still sending it: stop producing, and once its
        // answer is read close the connection (the rest of the body will never come, so it cannot be reused).
        refused = true;
        res.once('end', () => req.destroy());
      }
      const encoding = String(res.headers['content-encoding'] ?? 'identity').toLowerCase();
      let body: Readable = res;
      if (encoding === 'gzip' || encoding === 'x-gzip') body = res.pipe(zlib.createGunzip());
      else if (encoding === 'br') body = res.pipe(zlib.createBrotliDecompress());
      else if (encoding === 'deflate') body = res.pipe(zlib.createInflate());
      if (body !== res) res.on('error', (err) => body.destroy(err));
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body,
        destroy: () => {
          req.destroy();
          body.destroy();
        }
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (!streamed) req.end(body as string | Uint8Array | undefined);
    else
      void pump(
        req,
        body as AsyncIterable<Uint8Array>,
        () => answered,
        () => refused
      );
  });
}

/** Write a byte stream into a request, waiting for `drain` whenever the socket's buffer is full. */
async function pump(
  req: http.ClientRequest,
  source: AsyncIterable<Uint8Array>,
  answered: () => boolean,
  refused: () => boolean
): Promise<void> {
  try {
    for await (const chunk of source) {
      if (req.destroyed || refused()) return;
      if (chunk.byteLength === 0) continue;
      if (!req.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            req.off('drain', done);
            req.off('close', done);
            resolve();
          };
          req.on('drain', done);
          req.on('close', done);
        });
      }
    }
    if (!req.destroyed && !refused()) req.end();
  } catch (err) {
    // The producer failed: abort the request, so the platform sees an incomplete body, not a short one.
    if (!answered()) req.destroy(err as Error);
    else req.destroy();
  }
}

/** Read a whole (small) body as text, refusing more than `limit` bytes. */
export async function readText(body: Readable, limit = 64 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) throw new Error(`response larger than ${limit} bytes`);
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]', '::1'].includes(url.hostname) || url.hostname.startsWith('127.');
}
