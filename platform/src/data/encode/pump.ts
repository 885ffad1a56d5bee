import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { createEncoder, type ContentEncoding } from './compression';
import type { Piece } from './piece';

/**
 * Write pieces to an HTTP response as fast as the client takes them: wait for 'drain' when the
 * socket is full (so nothing is read ahead of the client), release each piece's pooled memory
 * when its bytes are out, and when the client goes away stop at once and end the source (which
 * closes the dataset file). Headers are sent before the first piece.
 */
export async function pump(
  res: ServerResponse,
  headers: Record<string, string | number | string[]>,
  pieces: AsyncIterable<Piece>,
  encoding: ContentEncoding | undefined,
  onError: (err: unknown) => void,
  /** Told when the stream starts and stops waiting for its client (health's `waitingStreams`). */
  waits?: { onWait(): void; onWake(): void }
): Promise<void> {
  const source = pieces[Symbol.asyncIterator]();
  let gone = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  res.on('close', () => {
    gone = true;
    notify();
  });
  res.writeHead(200, headers);
  const out: Writable = encoding ? createEncoder(encoding) : res;
  if (encoding) {
    out.pipe(res);
    out.on('error', (err) => res.destroy(err));
  }
  let ahead: Promise<IteratorResult<Piece>> | undefined;
  try {
    ahead = source.next();
    for (;;) {
      if (gone) return;
      const next = await ahead;
      if (next.done) break;
      const { chunks, release } = next.value;
      let room = true;
      chunks.forEach((c, i) => {
        room = out.write(c, i === chunks.length - 1 && release ? () => release() : undefined);
      });
      if (chunks.length === 0) release?.();
      // Read the next piece while this one drains: the disk and the socket work at the same
      // time, and memory stays at two pieces.
      ahead = source.next();
      if (!room && !gone) {
        out.once('drain', notify);
        waits?.onWait();
        try {
          await new Promise<void>((resolve) => (wake = resolve));
        } finally {
          waits?.onWake();
        }
        out.off('drain', notify);
      }
    }
    if (!gone) out.end();
  } catch (err) {
    // Headers are out: all we can do is cut the response so the client sees it truncated.
    onError(err);
    res.destroy(err instanceof Error ? err : undefined);
  } finally {
    // A read still in flight for a client that left: nobody awaits it any more.
    ahead?.catch(() => undefined);
    if (gone && out !== res) out.destroy();
    await source.return?.(undefined);
  }
}
