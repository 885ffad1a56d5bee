import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Write a file so readers see either the old content or the whole new content, never
 * a part: write a sibling temp file, fsync it, rename over the target, fsync the dir.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array, mode = 0o644): void {
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, target);
  fsyncDir(dir);
}

/** Make a rename durable (the directory entry itself). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* some filesystems refuse fsync on directories; the rename is still atomic */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Move a finished temp file into its final place atomically; a no-op if the same content is already there. */
export function publishFile(tmp: string, target: string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.renameSync(tmp, target);
  fsyncDir(path.dirname(target));
}
