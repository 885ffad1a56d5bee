import * as fs from 'node:fs';
import type { LogChunk, LogStream } from '@genesis-lab/contract';

/**
 * How many bytes at the end of `buf` belong to a UTF-8 character that is not complete yet.
 * Chunks stop before it, so a chunk's `data` never splits a character and offsets stay exact.
 */
export function incompleteUtf8Tail(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = buf[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * Read a log from `offset` (at most `maxBytes`). `final` says the job has ended, so once the
 * whole file is read the chunk is marked `eof` (and a trailing partial character is sent as is).
 */
export function readLogChunk(
  jobId: string,
  stream: LogStream,
  file: string | null,
  offset: number,
  maxBytes: number,
  final: boolean
): LogChunk {
  let size = 0;
  let fd: number | undefined;
  try {
    if (file) {
      fd = fs.openSync(file, 'r');
      size = fs.fstatSync(fd).size;
    }
  } catch {
    fd = undefined; // not written yet
  }
  try {
    const start = Math.min(offset, size);
    const want = Math.min(maxBytes, size - start);
    let buf = Buffer.alloc(want);
    if (fd !== undefined && want > 0) {
      const got = fs.readSync(fd, buf, 0, want, start);
      buf = buf.subarray(0, got);
    }
    const atEnd = start + buf.length >= size;
    if (!(final && atEnd)) buf = buf.subarray(0, buf.length - incompleteUtf8Tail(buf));
    const nextOffset = start + buf.length;
    return { jobId, stream, offset: start, data: buf.toString('utf8'), nextOffset, eof: final && nextOffset >= size };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function fileSize(file: string | null): number {
  if (!file) return 0;
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
