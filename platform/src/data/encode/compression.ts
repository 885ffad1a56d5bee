import type { Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { negotiate } from '@fastify/accept-negotiator';

export type ContentEncoding = 'gzip' | 'br' | 'deflate';

/**
 * HTTP compression of a data response, negotiated from `Accept-Encoding` (q-values honoured;
 * gzip preferred on ties as the cheapest per byte; none when the client asks for `identity`
 * or names nothing we speak). Arrow IPC buffers themselves are never compressed.
 */
export function negotiateEncoding(acceptEncoding: string | string[] | undefined): ContentEncoding | undefined {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding;
  if (!header) return undefined;
  const chosen = negotiate(header, ['gzip', 'br', 'deflate', 'identity']);
  return chosen === 'gzip' || chosen === 'br' || chosen === 'deflate' ? chosen : undefined;
}

/** A streaming encoder. Fast settings: data responses are large, and numeric data compresses little more at higher levels. */
export function createEncoder(encoding: ContentEncoding): Transform {
  return encoding === 'gzip'
    ? zlib.createGzip({ level: 4 })
    : encoding === 'deflate'
      ? zlib.createDeflate({ level: 4 })
      : zlib.createBrotliCompress({
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: 4,
            [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_GENERIC
          }
        });
}
