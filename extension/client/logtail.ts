import type { LogChunk, LogStream } from '@genesis-lab/contract';
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import type { ILogTail } from '../tokens';
import { describeError, isAbort } from './errors';
import type { LiveChannel, LiveStatus } from './live';

/** Keep at most this much text in memory; older text scrolls out (its offset moves on). */
const MAX_TEXT_BYTES = 2 * 1024 * 1024;

export interface ILogSource {
  /** Read from `offset` (or the last `tail` bytes). */
  read(jobId: string, stream: LogStream, query: { offset?: number; tail?: number }): Promise<LogChunk>;
}

/**
 * A job log followed live. Bytes are placed by their offset in the file, so a chunk that
 * arrives twice (after a reconnect) is dropped and a chunk that arrives after a gap first
 * makes us read the missing bytes over HTTP: the text never has a hole or a repeat.
 */
export class LogTail implements ILogTail {
  constructor(
    readonly jobId: string,
    readonly stream: LogStream,
    private _tailBytes: number,
    private _source: ILogSource,
    live: Promise<LiveChannel>
  ) {
    void live.then((channel) => {
      if (this._disposed) return;
      this._live = channel;
      channel.logChunk.connect(this._onChunk, this);
      channel.statusChanged.connect(this._onLiveStatus, this);
      this._start();
    });
  }

  get text(): string {
    return this._text;
  }
  get startOffset(): number {
    return this._startOffset;
  }
  get nextOffset(): number {
    return this._nextOffset;
  }
  get eof(): boolean {
    return this._eof;
  }
  get error(): string | null {
    return this._error;
  }
  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }

  catchUp(): void {
    this._enqueue(async () => {
      if (!this._started || this._eof) return;
      for (;;) {
        const chunk = await this._source.read(this.jobId, this.stream, { offset: this._nextOffset });
        const before = this._nextOffset;
        this._append(chunk);
        if (chunk.eof || this._nextOffset === before) return;
      }
    });
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._follow?.dispose();
    this._live?.logChunk.disconnect(this._onChunk, this);
    this._live?.statusChanged.disconnect(this._onLiveStatus, this);
    Signal.clearData(this);
  }

  /** Read the tail, then follow live from its end (again, if a first attempt failed). */
  private _start(): void {
    this._enqueue(async () => {
      if (this._started) return;
      const first = await this._source.read(this.jobId, this.stream, { tail: this._tailBytes });
      this._started = true;
      this._startOffset = first.offset;
      this._nextOffset = first.offset;
      this._append(first);
      if (!this._eof && this._live) {
        this._follow = this._live.followLog(
          this.jobId,
          this.stream,
          () => this._nextOffset,
          (m) => this._fail(m)
        );
      }
    });
  }

  private _onLiveStatus(_: LiveChannel, status: LiveStatus): void {
    if (status.connected && !this._started) this._start();
  }

  private _onChunk(_: LiveChannel, chunk: LogChunk): void {
    if (chunk.jobId !== this.jobId || chunk.stream !== this.stream || !this._started) return;
    this._enqueue(async () => {
      // A gap (we missed bytes while disconnected): read them before this chunk.
      while (!this._eof && this._nextOffset < chunk.offset) {
        const missing = await this._source.read(this.jobId, this.stream, { offset: this._nextOffset });
        if (missing.nextOffset <= this._nextOffset) break;
        this._append(missing);
      }
      this._append(chunk);
    });
  }

  /** Place a chunk at its offset: skip what we already have, never leave a hole. */
  private _append(chunk: LogChunk): void {
    if (this._disposed) return;
    if (chunk.nextOffset > this._nextOffset && chunk.offset <= this._nextOffset) {
      const skip = this._nextOffset - chunk.offset;
      const data = skip === 0 ? chunk.data : sliceBytes(chunk.data, skip);
      this._text += data;
      this._nextOffset = chunk.nextOffset;
      this._trim();
    }
    if (chunk.eof && chunk.nextOffset >= this._nextOffset) {
      this._eof = true;
      this._follow?.dispose();
    }
    this._error = null;
    this._changed.emit();
  }

  private _trim(): void {
    if (this._text.length <= MAX_TEXT_BYTES) return;
    const drop = this._text.length - MAX_TEXT_BYTES;
    this._startOffset += encoder.encode(this._text.slice(0, drop)).byteLength;
    this._text = this._text.slice(drop);
  }

  private _fail(message: string): void {
    this._error = message;
    this._changed.emit();
  }

  /** Chunks are applied strictly in arrival order, each after the previous one's reads. */
  private _enqueue(work: () => Promise<void>): void {
    this._queue = this._queue
      .then(() => (this._disposed ? undefined : work()))
      .catch((err: unknown) => {
        if (!isAbort(err)) this._fail(describeError(err));
      });
  }

  private _live: LiveChannel | null = null;
  private _started = false;
  private _text = '';
  private _startOffset = 0;
  private _nextOffset = 0;
  private _eof = false;
  private _error: string | null = null;
  private _disposed = false;
  private _follow: IDisposable | null = null;
  private _queue: Promise<void> = Promise.resolve();
  private _changed = new Signal<this, void>(this);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Drop the first `bytes` UTF-8 bytes of `text` (offsets are byte offsets in the file). */
function sliceBytes(text: string, bytes: number): string {
  return decoder.decode(encoder.encode(text).subarray(bytes));
}
