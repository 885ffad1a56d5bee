import type { Readable } from 'node:stream';

/**
 * A response body as a push source with flow control. `data` may hand over a view of a buffer
 * the source reuses: the consumer must copy what it keeps before returning.
 */
export interface ByteSource {
  start(handlers: SourceHandlers): void;
  pause(): void;
  resume(): void;
  destroy(): void;
}

export interface SourceHandlers {
  data(bytes: Uint8Array): void;
  end(): void;
  error(err: Error): void;
  /**
   * Optional zero-copy path: memory where the next (at most `max`) body bytes should land, if
   * the consumer has such a place; the source then reads straight into it and calls `filled`.
   */
  target?(max: number): Uint8Array | undefined;
  filled?(n: number): void;
}

/** A Node readable stream (an HTTP response, a decompressor) as a ByteSource. */
export function readableSource(body: Readable): ByteSource {
  return {
    start(h) {
      let finished = false;
      body.on('data', (chunk: Buffer) => h.data(chunk));
      body.on('end', () => {
        finished = true;
        h.end();
      });
      body.on('error', (err) => h.error(err));
      body.on('close', () => {
        if (!finished) h.error(new Error('the connection closed before the end of the response'));
      });
    },
    pause: () => body.pause(),
    resume: () => body.resume(),
    destroy: () => body.destroy()
  };
}

/** Read a whole (small) body as text, refusing more than `limit` bytes. */
export function sourceText(source: ByteSource, limit = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    source.start({
      data(bytes) {
        n += bytes.byteLength;
        if (n > limit) {
          source.destroy();
          reject(new Error(`response larger than ${limit} bytes`));
        } else parts.push(Buffer.from(bytes));
      },
      end: () => resolve(Buffer.concat(parts).toString('utf8')),
      error: reject
    });
  });
}

/**
 * A ByteSource as an async iterable of chunks (each copied: the source may reuse its buffer),
 * paused while `max` bytes wait unread, so a slow consumer holds the transfer back.
 */
export async function* sourceChunks(source: ByteSource, max = 4 * 1024 * 1024): AsyncGenerator<Uint8Array> {
  const queue: Uint8Array[] = [];
  let queued = 0;
  let done = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  source.start({
    data(bytes) {
      queue.push(Buffer.from(bytes));
      queued += bytes.byteLength;
      if (queued >= max) source.pause();
      notify();
    },
    end() {
      done = true;
      notify();
    },
    error(err) {
      failure = err;
      notify();
    }
  });
  try {
    for (;;) {
      const next = queue.shift();
      if (next) {
        queued -= next.byteLength;
        if (queued < max) source.resume();
        yield next;
      } else if (failure) throw failure;
      else if (done) return;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    if (!done) source.destroy();
  }
}
