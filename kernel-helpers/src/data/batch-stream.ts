import type { RecordBatch, Schema } from 'apache-arrow';
import type { ByteSource } from '@genesis-lab/client';
import { IpcStreamDecoder } from './ipc-decoder';

/** Decoded batches held ahead of the consumer before the socket is paused (TCP then slows the platform). */
const AHEAD = 2;

/**
 * Record batches from a response body carrying an Arrow IPC stream, decoded as bytes arrive
 * and handed out one at a time. Memory is bounded: when the consumer falls behind, the source
 * is paused, so the platform's writes block and it stops reading. A body that ends before the
 * stream's end-of-stream marker is an error, never a silently short table.
 */
export class BatchStream {
  private readonly decoder = new IpcStreamDecoder();
  private readonly queue: RecordBatch[] = [];
  private failure: Error | undefined;
  private ended = false;
  private paused = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly source: ByteSource,
    onBytes: (n: number) => void
  ) {
    const took = (n: number, decode: () => RecordBatch[]) => {
      if (this.failure) return;
      onBytes(n);
      try {
        for (const b of decode()) this.queue.push(b);
      } catch (err) {
        this.fail(err as Error);
        source.destroy();
        return;
      }
      if (this.queue.length >= AHEAD && !this.paused) {
        this.paused = true;
        source.pause();
      }
      this.notify();
    };
    source.start({
      data: (bytes) => took(bytes.byteLength, () => this.decoder.push(bytes)),
      // Sources that can read straight into a message body's memory (the loopback reader) do.
      target: (max) => (this.failure ? undefined : this.decoder.bodyTarget(max)),
      filled: (n) => took(n, () => this.decoder.filled(n)),
      end: () => {
        if (!this.decoder.done)
          this.fail(new Error(`the stream ended early (${this.decoder.pending} bytes of an incomplete message)`));
        this.ended = true;
        this.notify();
      },
      error: (err) => this.fail(err)
    });
  }

  /** The stream's schema (the first message). */
  async schema(): Promise<Schema> {
    for (;;) {
      if (this.decoder.schema) return this.decoder.schema;
      if (this.failure) throw this.failure;
      if (this.ended) throw new Error('the stream ended before its schema');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** The next batch, or undefined at the end of the stream. */
  async next(): Promise<RecordBatch | undefined> {
    for (;;) {
      const b = this.queue.shift();
      if (b) {
        if (this.paused && this.queue.length < AHEAD) {
          this.paused = false;
          this.source.resume();
        }
        return b;
      }
      if (this.failure) throw this.failure;
      if (this.ended || this.decoder.done) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
