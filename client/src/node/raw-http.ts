import * as net from 'node:net';
import type { ByteSource, SourceHandlers } from './byte-source';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  source: ByteSource;
}

/**
 * Reads that are not a body's (headers, chunk framing, message metadata) go here. Such a read
 * also takes the start of the next body, which is then copied; a small buffer keeps that copy
 * small (the rest of the body arrives by direct reads), at the cost of a few more reads.
 */
const SCRATCH = 64 * 1024;
const MAX_HEAD = 64 * 1024;
/** Largest single read straight into a consumer's memory. */
const MAX_DIRECT = 8 * 1024 * 1024;

/**
 * A GET over plain HTTP/1.1 on its own connection, for our platform's streams on loopback.
 * The socket is read with `onread`, so there is no allocation per network read and no HTTP
 * parser stream; and while a message body is being received, the kernel writes the bytes
 * straight into the consumer's body buffer (no copy at all in user space). That is most of what
 * a client costs at a gigabyte per second. Handles chunked and Content-Length bodies in
 * identity encoding; everything else goes through node:http.
 */
export function rawGet(url: URL, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const scratch = Buffer.allocUnsafe(SCRATCH);
    let head = '';
    let parsed: RawResponse | undefined;
    // Body bytes read before the consumer started: copied, since the scratch buffer is reused.
    let early: Buffer[] | undefined = [];
    let handlers: SourceHandlers | undefined;
    let framing: { kind: 'chunked' } | { kind: 'length'; left: number } | { kind: 'close' } = { kind: 'close' };
    let chunk: 'size' | 'data' | 'crlf' = 'size';
    let chunkLeft = 0;
    let sizeLine = '';
    let finished = false;
    let failed: Error | undefined;
    /** The consumer's memory the current read goes into (undefined: the scratch buffer). */
    let direct: Uint8Array | undefined;

    const finish = () => {
      if (finished) return;
      finished = true;
      socket.destroy();
      handlers?.end();
    };
    const fail = (err: Error) => {
      if (finished) return;
      finished = true;
      failed = err;
      socket.destroy();
      if (handlers) handlers.error(err);
      else if (!parsed) reject(err);
    };
    const deliver = (bytes: Buffer) => {
      if (handlers) handlers.data(bytes);
      else early!.push(Buffer.from(bytes));
    };
    /** Body bytes left in the current framing unit (Infinity: until the connection closes). */
    const bodyLeft = (): number =>
      framing.kind === 'chunked'
        ? chunk === 'data'
          ? chunkLeft
          : 0
        : framing.kind === 'length'
          ? framing.left
          : Infinity;
    const consumed = (n: number) => {
      if (framing.kind === 'chunked') {
        chunkLeft -= n;
        if (chunkLeft === 0) chunk = 'crlf';
      } else if (framing.kind === 'length') {
        framing.left -= n;
        if (framing.left === 0) finish();
      }
    };

    /** Body bytes (from the scratch buffer) through the framing. */
    const body = (b: Buffer) => {
      if (framing.kind !== 'chunked') {
        const n = Math.min(bodyLeft(), b.length);
        if (n > 0) deliver(b.subarray(0, n));
        consumed(n);
        return;
      }
      let i = 0;
      while (i < b.length && !finished) {
        if (chunk === 'size') {
          while (i < b.length && b[i] !== 10) sizeLine += String.fromCharCode(b[i++]!);
          if (i === b.length) break;
          i++;
          chunkLeft = Number.parseInt(sizeLine.split(';')[0]!.trim(), 16);
          sizeLine = '';
          if (!Number.isFinite(chunkLeft) || chunkLeft < 0) return fail(new Error('malformed chunked encoding'));
          if (chunkLeft === 0) return finish();
          chunk = 'data';
        } else if (chunk === 'data') {
          const n = Math.min(chunkLeft, b.length - i);
          deliver(b.subarray(i, i + n));
          i += n;
          consumed(n);
        } else {
          while (i < b.length && b[i] !== 10) i++;
          if (i < b.length) {
            i++;
            chunk = 'size';
          }
        }
      }
    };

    const headers_ = (bytes: Buffer) => {
      head += bytes.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD) fail(new Error('response headers too large'));
        return;
      }
      const lines = head.slice(0, end).split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
      if (!m) return fail(new Error(`not an HTTP response: ${lines[0]}`));
      const h: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const c = line.indexOf(':');
        if (c > 0) {
          const k = line.slice(0, c).trim().toLowerCase();
          h[k] = h[k] ? `${h[k]}, ${line.slice(c + 1).trim()}` : line.slice(c + 1).trim();
        }
      }
      if ((h['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) framing = { kind: 'chunked' };
      else if (h['content-length'] !== undefined) framing = { kind: 'length', left: Number(h['content-length']) };
      parsed = { status: Number(m[1]), headers: h, source };
      const rest = Buffer.from(head.slice(end + 4), 'latin1');
      head = '';
      resolve(parsed);
      // Nothing more is read until the consumer starts (it may only want an error's text).
      socket.pause();
      if (rest.length) body(rest);
      else if (framing.kind === 'length' && framing.left === 0) finish();
    };

    const socket = net.connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 80),
      onread: {
        // Called before each read: where the kernel should put the next bytes.
        buffer: (): Uint8Array => {
          direct = undefined;
          if (parsed && handlers?.target && !finished) {
            const left = bodyLeft();
            if (left > 0) direct = handlers.target(Math.min(left, MAX_DIRECT));
            if (direct && direct.byteLength === 0) direct = undefined;
          }
          return direct ?? scratch;
        },
        callback: (n: number, buf: Uint8Array): boolean => {
          if (direct && buf === direct) {
            consumed(n);
            handlers!.filled!(n);
            return true;
          }
          const bytes = Buffer.from(buf.buffer, buf.byteOffset, n);
          if (parsed) body(bytes);
          else headers_(bytes);
          return true;
        }
      }
    });
    socket.setNoDelay(true);
    socket.on('connect', () => {
      const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, 'Connection: close'];
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    socket.on('end', () => {
      if (framing.kind === 'close' && parsed) finish();
      else if (!finished) fail(new Error('the connection closed before the end of the response'));
    });
    socket.on('error', (err) => fail(err));
    socket.on('close', () => {
      if (!finished) fail(new Error('the connection closed before the end of the response'));
    });

    const source: ByteSource = {
      start(h) {
        handlers = h;
        const pending = early!;
        early = undefined;
        for (const b of pending) h.data(b);
        if (failed) h.error(failed);
        else if (finished) h.end();
        else socket.resume();
      },
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      destroy: () => {
        finished = true;
        socket.destroy();
      }
    };
  });
}
