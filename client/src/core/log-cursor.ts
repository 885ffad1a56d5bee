import type { LogChunk } from '@genesis-lab/contract';

/**
 * Where a reader is in one job log, by byte offset in the file (the one rule for following a log
 * live): a chunk that starts at or before the cursor adds what is new (a repeat after a
 * reconnect adds nothing); one that starts after it leaves a gap the reader must fill over HTTP
 * first (`GET /api/jobs/{id}/logs?offset=`), so the text never has a hole or a repeat.
 */
export type Placement =
  | { kind: 'append'; text: string; from: number; to: number }
  | { kind: 'duplicate' }
  | { kind: 'gap'; from: number; to: number };

export class LogCursor {
  /** True once a chunk with `eof` reached the end: the job is final and the log fully read. */
  eof = false;

  constructor(
    /** The byte offset just after what the reader has. */
    public offset = 0
  ) {}

  /** Place a chunk; an `append` or a duplicate moves the cursor (and may end it). */
  place(chunk: LogChunk): Placement {
    if (chunk.offset > this.offset) return { kind: 'gap', from: this.offset, to: chunk.offset };
    if (chunk.nextOffset >= this.offset && chunk.eof) this.eof = true;
    if (chunk.nextOffset <= this.offset) return { kind: 'duplicate' };
    const from = this.offset;
    const skip = from - chunk.offset;
    const text = skip === 0 ? chunk.data : dropBytes(chunk.data, skip);
    this.offset = chunk.nextOffset;
    return { kind: 'append', text, from, to: chunk.nextOffset };
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `text` without its first `bytes` UTF-8 bytes (offsets are byte offsets in the file). */
export function dropBytes(text: string, bytes: number): string {
  return decoder.decode(encoder.encode(text).subarray(bytes));
}

/** What a follower reads over HTTP: the log from a byte offset. */
export type ReadLog = (offset: number) => Promise<LogChunk>;

/**
 * Follows one log from pushed chunks (socket.io) and fills every gap over HTTP, strictly in
 * arrival order: the shared driver of the Node client's `followLogs` and the panel's log tail.
 */
export class LogFollower {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly cursor: LogCursor,
    private readonly read: ReadLog,
    private readonly onText: (text: string, from: number, to: number) => void
  ) {}

  /** A pushed chunk: read what is missing before it, then add it. Resolves once applied. */
  push(chunk: LogChunk): Promise<void> {
    return this.enqueue(async () => {
      for (let p = this.cursor.place(chunk); p.kind !== 'duplicate'; p = this.cursor.place(chunk)) {
        if (p.kind === 'append') {
          this.onText(p.text, p.from, p.to);
          return;
        }
        const missing = await this.read(p.from);
        const before = this.cursor.offset;
        this.apply(missing);
        // Nothing new over HTTP either: leave the chunk, never a hole (a later read brings it).
        if (this.cursor.offset === before) return;
      }
    });
  }

  /** Read from the cursor to the log's current end over HTTP (a job just ended; a first read). */
  catchUp(): Promise<void> {
    return this.enqueue(async () => {
      while (!this.cursor.eof) {
        const before = this.cursor.offset;
        this.apply(await this.read(before));
        if (this.cursor.offset === before) return; // nothing new (or only part of a character)
      }
    });
  }

  /** Applies every chunk in order; a failure is the caller's (the queue goes on after it). */
  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private apply(chunk: LogChunk): void {
    const p = this.cursor.place(chunk);
    if (p.kind === 'append') this.onText(p.text, p.from, p.to);
  }
}
