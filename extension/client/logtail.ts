import { LogCursor, LogFollower } from '@genesis-lab/client/core';
import type { LogChunk, LogQuery, LogStream } from '@genesis-lab/contract';
import type { z } from 'zod';
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import type { ILogTail } from '../tokens';
import { describeError, isAbort } from './errors';
import type { LiveChannel, LiveStatus } from './live';

/** Keep at most this much text in memory; older text scrolls out (its offset moves on). */
const MAX_TEXT_BYTES = 2 * 1024 * 1024;

export interface ILogSource {
  /** Read from `offset` (or the last `tail` bytes). */
  read(jobId: string, stream: LogStream, query: Pick<z.input<typeof LogQuery>, 'offset' | 'tail'>): Promise<LogChunk>;
}

/**
 * A job log followed live, by the core's log cursor: bytes are placed by their offset in the
 * file, so a chunk that arrives twice (after a reconnect) is dropped and a chunk that arrives
 * after a gap first makes the follower read the missing bytes over HTTP: the text never has a
 * hole or a repeat.
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
    return this._follower?.cursor.offset ?? this._startOffset;
  }
  get eof(): boolean {
    return this._follower?.cursor.eof ?? false;
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
    if (this._follower && !this.eof) this._applied(this._follower.catchUp());
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
    if (this._starting || this._follower) return;
    this._starting = true;
    const started = this._source.read(this.jobId, this.stream, { tail: this._tailBytes }).then((first) => {
      if (this._disposed) return;
      this._startOffset = first.offset;
      this._follower = new LogFollower(
        new LogCursor(first.offset),
        (offset) => this._source.read(this.jobId, this.stream, { offset }),
        (text) => this._add(text)
      );
      this._applied(this._follower.push(first));
      if (!this.eof && this._live) {
        this._follow = this._live.followLog(
          this.jobId,
          this.stream,
          () => this.nextOffset,
          (m) => this._fail(m)
        );
      }
    });
    this._applied(started.finally(() => (this._starting = false)));
  }

  private _onLiveStatus(_: LiveChannel, status: LiveStatus): void {
    if (status.connected && !this._follower) this._start();
  }

  private _onChunk(_: LiveChannel, chunk: LogChunk): void {
    if (chunk.jobId !== this.jobId || chunk.stream !== this.stream || !this._follower) return;
    this._applied(this._follower.push(chunk));
  }

  private _add(text: string): void {
    if (this._disposed) return;
    this._text += text;
    this._trim();
  }

  /** Once a step is applied: tell the view, end the live subscription at eof, or show the failure. */
  private _applied(step: Promise<void>): void {
    step.then(
      () => {
        if (this._disposed) return;
        if (this.eof) this._follow?.dispose();
        this._error = null;
        this._changed.emit();
      },
      (err: unknown) => {
        if (!isAbort(err)) this._fail(describeError(err));
      }
    );
  }

  private _trim(): void {
    if (this._text.length <= MAX_TEXT_BYTES) return;
    const drop = this._text.length - MAX_TEXT_BYTES;
    this._startOffset += encoder.encode(this._text.slice(0, drop)).byteLength;
    this._text = this._text.slice(drop);
  }

  private _fail(message: string): void {
    if (this._disposed) return;
    this._error = message;
    this._changed.emit();
  }

  private _live: LiveChannel | null = null;
  private _follower: LogFollower | null = null;
  private _starting = false;
  private _text = '';
  private _startOffset = 0;
  private _error: string | null = null;
  private _disposed = false;
  private _follow: IDisposable | null = null;
  private _changed = new Signal<this, void>(this);
}

const encoder = new TextEncoder();
