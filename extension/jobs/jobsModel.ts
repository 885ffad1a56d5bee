import type { FacilityInfo, Job, JobUpdate } from '@genesis-lab/contract';
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import { isAbort, panelError } from '../client/errors';
import type { IConnectionState, IGenesisClient } from '../tokens';

/** How many recent jobs the panel lists. */
const LIST_LIMIT = 200;
/** Facility queues are re-read at most this often, and only when a job changed (never on a timer). */
const FACILITY_REFRESH_MS = 300;

/** The last event sequence number a job has seen (its history is in seq order). */
export function lastSeq(job: Job): number {
  return job.history.length ? job.history[job.history.length - 1]!.seq : -1;
}

/**
 * The jobs the panel shows, kept current by push: one `GET /api/jobs` when the panel starts
 * (and again after every reconnect, to catch up), then `job:update` events. An event whose
 * `seq` the job has already reached is dropped, so a replay never moves a job backwards.
 */
export class JobsModel implements IDisposable {
  constructor(private _client: IGenesisClient) {
    this._url = _client.connection.url;
    _client.jobUpdated.connect(this._onUpdate, this);
    _client.connectionChanged.connect(this._onConnection, this);
    _client.liveChanged.connect(this._onLive, this);
  }

  get jobs(): readonly Job[] {
    return this._sorted;
  }
  get facilities(): readonly FacilityInfo[] {
    return this._facilities;
  }
  get facilitiesError(): string | null {
    return this._facilitiesError;
  }
  get loading(): boolean {
    return this._loading;
  }
  get loaded(): boolean {
    return this._loaded;
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

  job(id: string): Job | undefined {
    return this._jobs.get(id);
  }

  /** Subscribe to live updates and read the current list (idempotent). */
  start(): void {
    if (this._watch) return;
    this._watch = this._client.watchJobs();
    void this.reload();
  }

  /** Catch up: the list and the facilities, over HTTP. */
  async reload(): Promise<void> {
    this._controller?.abort();
    const controller = (this._controller = new AbortController());
    this._loading = true;
    this._changed.emit();
    try {
      const list = await this._client.listJobs({ limit: LIST_LIMIT }, controller.signal);
      if (controller.signal.aborted) return;
      for (const job of list.jobs) this._put(job);
      this._error = null;
      this._loaded = true;
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      this._error = panelError(err);
    } finally {
      if (this._controller === controller) {
        this._loading = false;
        this._resort();
        this._changed.emit();
      }
    }
    await this.reloadFacilities();
  }

  async reloadFacilities(): Promise<void> {
    try {
      this._facilities = await this._client.facilities();
      this._facilitiesError = null;
    } catch (err) {
      if (isAbort(err)) return;
      this._facilitiesError = panelError(err);
    }
    this._changed.emit();
  }

  /** Record a job we just learnt about (submitted, cancelled, fetched). */
  upsert(job: Job): void {
    if (this._put(job)) {
      this._resort();
      this._changed.emit();
    }
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._watch?.dispose();
    this._controller?.abort();
    clearTimeout(this._facilityTimer);
    Signal.clearData(this);
  }

  /** Keep the newer of two views of a job; true when it changed. */
  private _put(job: Job): boolean {
    const known = this._jobs.get(job.id);
    if (known && lastSeq(known) > lastSeq(job)) return false;
    if (known && lastSeq(known) === lastSeq(job) && known.updatedAt >= job.updatedAt) return false;
    this._jobs.set(job.id, job);
    return true;
  }

  private _resort(): void {
    this._sorted = [...this._jobs.values()].sort((a, b) =>
      a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0
    );
  }

  private _onUpdate(_: IGenesisClient, update: JobUpdate): void {
    if (!this._watch) return;
    const known = this._jobs.get(update.job.id);
    if (known && update.event.seq <= lastSeq(known)) return;
    if (this._put(update.job)) {
      this._resort();
      this._changed.emit();
    }
    // Queue counts move with job states: re-read them (throttled) when a job changed.
    if (!this._facilityTimer) {
      this._facilityTimer = setTimeout(() => {
        this._facilityTimer = undefined;
        void this.reloadFacilities();
      }, FACILITY_REFRESH_MS);
    }
  }

  private _onConnection(_: IGenesisClient, state: IConnectionState): void {
    // Back from an outage: catch up (the socket's own reconnect triggers the same, once).
    if (state.status === 'unreachable' || state.status === 'error' || state.url !== this._url) this._stale = true;
    this._url = state.url;
    if (state.status === 'connected' && this._watch && this._stale) {
      this._stale = false;
      void this.reload();
    }
  }

  private _onLive(_: IGenesisClient, live: boolean): void {
    // Events may have been missed while the socket was down: catch up after a reconnect.
    if (live && this._watch && this._liveLost) void this.reload();
    if (this._watch) this._liveLost = !live && this._liveSeen;
    if (live) this._liveSeen = true;
  }

  private _jobs = new Map<string, Job>();
  private _sorted: Job[] = [];
  private _facilities: FacilityInfo[] = [];
  private _facilitiesError: string | null = null;
  private _loading = false;
  private _loaded = false;
  private _stale = false;
  private _url: string;
  private _liveSeen = false;
  private _liveLost = false;
  private _error: string | null = null;
  private _watch: IDisposable | null = null;
  private _controller: AbortController | null = null;
  private _facilityTimer: ReturnType<typeof setTimeout> | undefined;
  private _disposed = false;
  private _changed = new Signal<this, void>(this);
}
