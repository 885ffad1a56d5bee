import * as net from 'node:net';
import type { ByteSource } from './byte-source';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  source: ByteSource;
}

const READ_BUFFER = 1 << 20;
const MAX_HEAD = 64 * 1024;

/**
 * A GET over plain HTTP/1.1 on its own connection, reading the socket into one reused buffer
 * (`onread`): no allocation per network read and no HTTP parser stream, which at a gigabyte per
 * second on loopback is most of what the generic client costs. Only for our platform's simple
 * responses (chunked or Content-Length, identity encoding); anything else uses node:http.
 */
export function rawGet(url: URL, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const buffer = Buffer.allocUnsafe(READ_BUFFER);
    let head = '';
    let parsed: RawResponse | undefined;
    // Body bytes read before the consumer started: copied, since the read buffer is reused.
    let early: Buffer[] | undefined = [];
    let handlers: Parameters<ByteSource['start']>[0] | undefined;
    let framing: { kind: 'chunked' } | { kind: 'length'; left: number } | { kind: 'close' } = { kind: 'close' };
    let chunk: 'size' | 'data' | 'crlf' | 'trailer' = 'size';
    let chunkLeft = 0;
    let sizeLine = '';
    let finished = false;
    let failed: Error | undefined;

    const finish = () => {
      if (finished) return;
      finished = true;
      socket.destroy();
      if (handlers) handlers.end();
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

    /** Body bytes through the framing (chunked or length). */
    const body = (b: Buffer) => {
      if (framing.kind === 'close') return deliver(b);
      if (framing.kind === 'length') {
        const n = Math.min(framing.left, b.length);
        if (n > 0) deliver(b.subarray(0, n));
        framing.left -= n;
        if (framing.left === 0) finish();
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
          chunk = chunkLeft === 0 ? 'trailer' : 'data';
          if (chunk === 'trailer') return finish();
        } else if (chunk === 'data') {
          const n = Math.min(chunkLeft, b.length - i);
          deliver(b.subarray(i, i + n));
          i += n;
          chunkLeft -= n;
          if (chunkLeft === 0) chunk = 'crlf';
        } else {
          while (i < b.length && b[i] !== 10) i++;
          if (i < b.length) {
            i++;
            chunk = 'size';
          }
        }
      }
    };

    const socket = net.connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 80),
      onread: {
        buffer,
        callback: (n: number, b: Uint8Array): boolean => {
          const bytes = Buffer.from(b.buffer, b.byteOffset, n);
          if (parsed) {
            body(bytes);
            return true;
          }
          head += bytes.toString('latin1');
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) {
            if (head.length > MAX_HEAD) fail(new Error('response headers too large'));
            return true;
          }
          const lines = head.slice(0, end).split('\r\n');
          const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
          if (!m) {
            fail(new Error(`not an HTTP response: ${lines[0]}`));
            return false;
          }
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
