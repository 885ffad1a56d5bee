import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';

/**
 * A file read as a stream of chunks, counting bytes for progress and (optionally) hashing
 * them, so the first pass over a file also yields its sha256 without another read.
 */
export async function* fileChunks(
  file: string,
  onBytes?: (bytes: number) => void,
  hash?: Hash
): AsyncGenerator<Buffer> {
  let done = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    const b = chunk as Buffer;
    hash?.update(b);
    done += b.length;
    onBytes?.(done);
    yield b;
  }
}

export async function sha256File(file: string, onBytes?: (bytes: number) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const _ of fileChunks(file, onBytes, hash));
  return hash.digest('hex');
}
