/**
 * Reusable buffers for batch bodies read from disk. A scan reads the same few megabytes per
 * batch over and over; allocating them fresh each time makes V8 collect garbage for the
 * external memory every few dozen megabytes, which costs more than the reading. A body goes
 * back to the pool only when its bytes have been written out (the writer says so); one that is
 * never released is simply collected.
 */
export class BodyPool {
  private readonly free: Buffer[] = [];
  private freeBytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** A buffer of at least `size` bytes whose memory starts at offset 0 (aligned for typed arrays). */
  acquire(size: number): Buffer {
    const i = this.free.findIndex((b) => b.byteLength >= size && b.byteLength <= size * 2 + 4096);
    if (i >= 0) {
      const b = this.free.splice(i, 1)[0]!;
      this.freeBytes -= b.byteLength;
      return b;
    }
    // Unpooled (own ArrayBuffer at offset 0), rounded up so bodies of one dataset share sizes.
    return Buffer.allocUnsafeSlow(Math.max(size, 64) + (-Math.max(size, 64) & 0xffff));
  }

  release(buffer: Buffer): void {
    if (this.freeBytes + buffer.byteLength > this.maxBytes) return;
    this.free.push(buffer);
    this.freeBytes += buffer.byteLength;
  }
}

/** The process-wide pool the data routes share. */
export const bodyPool = new BodyPool();
