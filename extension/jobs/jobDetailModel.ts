import { isNewerJob, isNewerUpdate } from '@genesis-lab/client/core';
import { isFinal, type Job, type JobUpdate, type LogStream } from '@genesis-lab/contract';
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import { describeError, isAbort, panelError } from '../client/errors';
import type { IConnectionState, IGenesisClient, ILogTail } from '../tokens';

/**
 * One job as its detail view shows it: the job (kept current by `job:update` pushes) and a
 * live tail of each log stream, which resumes by byte offset across reconnects.
 */
export class JobDetailModel implements IDisposable {
  constructor(
    readonly id: string,
    private _client: IGenesisClient,
    private _tailBytes: number
  ) {
    _client.jobUpdated.connect(this._onUpdate, this);
    _client.connectionChanged.connect(this._onConnection, this);
    this._watch = _client.watchJobs();
  }

  get job(): Job | null {
    return this._job;
  }
  get error(): string | null {
    return this._error;
  }
  get actionError(): string | null {
    return this._actionError;
  }
  get cancelling(): boolean {
    return this._cancelling;
  }
  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }

  /** The live tail of a stream, started on first use. */
  tail(stream: LogStream): ILogTail {
    let t = this._tails.get(stream);
    if (!t) {
      t = this._client.tailLog(this.id, stream, this._tailBytes);
      this._tails.set(stream, t);
    }
    return t;
  }

  async load(): Promise<void> {
    try {
      this._setJob(await this._client.getJob(this.id));
      this._error = null;
    } catch (err) {
      if (isAbort(err)) return;
      this._error = panelError(err);
    }
    this._changed.emit();
  }

  async cancel(): Promise<void> {
    this._cancelling = true;
    this._actionError = null;
    this._changed.emit();
    try {
      this._setJob(await this._client.cancelJob(this.id));
    } catch (err) {
      this._actionError = `Cancel failed: ${describeError(err)}`;
    } finally {
      this._cancelling = false;
      this._changed.emit();
    }
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._watch.dispose();
    for (const t of this._tails.values()) t.dispose();
    this._tails.clear();
    Signal.clearData(this);
  }

  private _setJob(job: Job): void {
    if (!isNewerJob(job, this._job)) return;
    this._job = job;
  }

  private _onUpdate(_: IGenesisClient, update: JobUpdate): void {
    if (update.job.id !== this.id) return;
    if (!isNewerUpdate(update, this._job)) return;
    this._job = update.job;
    this._error = null;
    // The job ended: read the rest of its logs now rather than wait for the last push.
    if (isFinal(update.job.state)) for (const t of this._tails.values()) t.catchUp();
    this._changed.emit();
  }

  private _onConnection(_: IGenesisClient, state: IConnectionState): void {
    if (state.status === 'connected') void this.load();
  }

  private _job: Job | null = null;
  private _error: string | null = null;
  private _actionError: string | null = null;
  private _cancelling = false;
  private _tails = new Map<LogStream, ILogTail>();
  private _watch: IDisposable;
  private _disposed = false;
  private _changed = new Signal<this, void>(this);
}
