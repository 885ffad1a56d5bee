import { isFinal, type Job, type JobUpdate, type LogStream } from '@genesis-lab/contract';
import { VDomModel } from '@jupyterlab/ui-components';
import type { IDisposable } from '@lumino/disposable';
import { describeError, isAbort, panelError } from '../client/errors';
import type { IConnectionState, IGenesisClient, ILogTail } from '../tokens';
import { lastSeq } from './lastSeq';

/**
 * One job as its detail view shows it: the job (kept current by `job:update` pushes) and a
 * live tail of each log stream, which resumes by byte offset across reconnects.
 *
 * The log shown first is the one that explains the job: stderr for a failed job (unless it
 * turned out empty), stdout otherwise; once the user picks a stream, it stays.
 */
export class JobDetailModel extends VDomModel {
  constructor(
    readonly id: string,
    private _client: IGenesisClient,
    private _tailBytes: number
  ) {
    super();
    _client.jobUpdated.connect(this._onUpdate, this);
    _client.connectionChanged.connect(this._onConnection, this);
    _client.liveChanged.connect(this._onLive, this);
    this._watch = _client.watchJobs();
  }

  get job(): Job | null {
    return this._job;
  }
  get error(): string | null {
    return this._error;
  }
  /** Why the last cancel failed (the platform's words). */
  get cancelError(): string | null {
    return this._cancelError;
  }
  get cancelling(): boolean {
    return this._cancelling;
  }

  /** The log stream to show: the user's choice, else the one that explains the job's outcome. */
  get stream(): LogStream {
    if (this._chosenStream) return this._chosenStream;
    if (this._job?.state !== 'FAILED') return 'stdout';
    const stderr = this.tail('stderr');
    return stderr.eof && stderr.text === '' && stderr.startOffset === 0 ? 'stdout' : 'stderr';
  }

  selectStream(stream: LogStream): void {
    if (this._chosenStream === stream) return;
    this._chosenStream = stream;
    this.stateChanged.emit();
  }

  /** The live tail of a stream, started on first use. */
  tail(stream: LogStream): ILogTail {
    let t = this._tails.get(stream);
    if (!t) {
      t = this._client.tailLog(this.id, stream, this._tailBytes);
      this._tails.set(stream, t);
      // Whether stderr is empty decides which stream a failed job shows.
      if (stream === 'stderr') t.changed.connect(this._onStderr, this);
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
    this.stateChanged.emit();
  }

  /** Cancel the job (the caller has asked the user); the job as the platform then reports it. */
  async cancel(): Promise<Job | null> {
    this._cancelling = true;
    this._cancelError = null;
    this.stateChanged.emit();
    try {
      const job = await this._client.cancelJob(this.id);
      this._setJob(job);
      return job;
    } catch (err) {
      this._cancelError = describeError(err);
      return null;
    } finally {
      this._cancelling = false;
      this.stateChanged.emit();
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._watch.dispose();
    for (const t of this._tails.values()) t.dispose();
    this._tails.clear();
    super.dispose();
  }

  private _setJob(job: Job): void {
    if (this._job && lastSeq(this._job) > lastSeq(job)) return;
    this._job = job;
    this._readStderrOfFailure();
  }

  /** A failed job shows stderr unless it is empty: start reading it to know. */
  private _readStderrOfFailure(): void {
    if (this._job?.state === 'FAILED' && !this._chosenStream) this.tail('stderr');
  }

  private _onUpdate(_: IGenesisClient, update: JobUpdate): void {
    if (update.job.id !== this.id) return;
    if (this._job && update.event.seq <= lastSeq(this._job)) return;
    this._job = update.job;
    this._error = null;
    this._readStderrOfFailure();
    // The job ended: read the rest of its logs now rather than wait for the last push.
    if (isFinal(update.job.state)) for (const t of this._tails.values()) t.catchUp();
    this.stateChanged.emit();
  }

  private _onStderr(): void {
    if (!this._chosenStream && this._job?.state === 'FAILED') this.stateChanged.emit();
  }

  private _onConnection(_: IGenesisClient, state: IConnectionState): void {
    if (state.status === 'connected') void this.load();
  }

  /** Updates pushed before live events (re)subscribed were missed: read the job again. */
  private _onLive(_: IGenesisClient, live: boolean): void {
    if (live) void this.load();
  }

  private _job: Job | null = null;
  private _error: string | null = null;
  private _cancelError: string | null = null;
  private _cancelling = false;
  private _chosenStream: LogStream | null = null;
  private _tails = new Map<LogStream, ILogTail>();
  private _watch: IDisposable;
}
