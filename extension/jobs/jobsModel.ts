import type { FacilityInfo, Job, JobUpdate } from '@genesis-lab/contract';
import { VDomModel } from '@jupyterlab/ui-components';
import type { IDisposable } from '@lumino/disposable';
import { Throttler } from '@lumino/polling';
import { describeError, isAbort, panelError } from '../client/errors';
import type { IConnectionState, IGenesisClient } from '../tokens';
import { lastSeq } from './lastSeq';

/** Facility queues are re-read at most this often, and only when a job changed (never on a timer). */
const FACILITY_REFRESH_MS = 300;
/** What `GET /api/jobs?limit=` accepts. */
const PAGE_LIMIT_MAX = 1000;

/** Newest first, as the platform pages them; the id breaks ties within one millisecond. */
function newestFirst(a: Job, b: Job): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The jobs the panel shows, kept current by push: the newest page of `GET /api/jobs` when the
 * panel starts, older pages on request (`loadOlder`, following `nextCursor`), then `job:update`
 * events. An event whose `seq` the job has already reached is dropped, so a replay never moves
 * a job backwards. Jobs are kept by id, so a job seen on two pages (or live and on a page) is
 * listed once.
 *
 * After a reconnect (events may have been missed) the model re-reads as many pages as it had
 * shown, newest first, so nothing the user paged to disappears; jobs created meanwhile push
 * the boundary down, and the ones pushed past it are kept (paging on reads them once more,
 * merged by id). A different platform (another URL) starts again from its newest page.
 */
export class JobsModel extends VDomModel {
  /** @param _pageSize jobs per page (the `pageSize` setting), read at every request. */
  constructor(
    private _client: IGenesisClient,
    private _pageSize: () => number
  ) {
    super();
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
  /** Older jobs exist beyond the pages loaded so far. */
  get hasOlder(): boolean {
    return this._nextCursor !== null;
  }
  /** An older page is being read. */
  get loadingOlder(): boolean {
    return this._olderController !== null;
  }
  /** Why the last older page could not be read (cleared by the next attempt). */
  get olderError(): string | null {
    return this._olderError;
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

  /**
   * Catch up over HTTP: the pages shown so far (at least the newest), then the facilities.
   * Supersedes any reload still running; an older page being read is read as part of it.
   */
  async reload(): Promise<void> {
    const list = this._reloadList();
    this._reloading = list;
    const done = await list;
    if (this._reloading === list) this._reloading = null;
    if (done) await this.reloadFacilities();
  }

  /**
   * Read the next older page and append it. While a reload runs it waits for it (and goes on
   * from where the reload ended); a second call while a page loads is ignored.
   */
  async loadOlder(): Promise<void> {
    if (this._olderController || !this._nextCursor) return;
    const controller = (this._olderController = new AbortController());
    this._olderError = null;
    this.stateChanged.emit();
    try {
      while (this._reloading && !controller.signal.aborted) await this._reloading;
      const cursor = this._nextCursor;
      if (!cursor || controller.signal.aborted) return;
      const list = await this._client.listJobs({ limit: this._limit(), cursor }, controller.signal);
      if (controller.signal.aborted) return;
      for (const job of list.jobs) this._put(job);
      this._nextCursor = list.nextCursor ?? null;
      this._pages++;
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      // Said next to the button even when the platform is unreachable: the click did nothing.
      this._olderError = describeError(err);
    } finally {
      if (this._olderController === controller) {
        this._olderController = null;
        this._resort();
        this.stateChanged.emit();
      }
    }
  }

  /** The list part of `reload`; false when a newer reload (or another platform) superseded it. */
  private async _reloadList(): Promise<boolean> {
    this._controller?.abort();
    // A page the user asked for is not lost: this reload reads it too.
    const extra = this._olderController ? 1 : 0;
    this._abortOlder();
    const controller = (this._controller = new AbortController());
    this._loading = true;
    this.stateChanged.emit();
    try {
      const pages = Math.max(1, this._pages + extra);
      let cursor: string | undefined;
      let read = 0;
      do {
        const list = await this._client.listJobs({ limit: this._limit(), cursor }, controller.signal);
        if (controller.signal.aborted) return false;
        for (const job of list.jobs) this._put(job);
        cursor = list.nextCursor;
        read++;
        // Partial progress is kept: the pages read so far are shown, and paging goes on from there.
        this._pages = read;
        this._nextCursor = cursor ?? null;
      } while (cursor && read < pages);
      this._error = null;
      this._loaded = true;
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return false;
      this._error = panelError(err);
    } finally {
      if (this._controller === controller) {
        this._controller = null;
        this._loading = false;
        this._resort();
        this.stateChanged.emit();
      }
    }
    return true;
  }

  async reloadFacilities(): Promise<void> {
    try {
      this._facilities = await this._client.facilities();
      this._facilitiesError = null;
    } catch (err) {
      if (isAbort(err)) return;
      this._facilitiesError = panelError(err);
    }
    this.stateChanged.emit();
  }

  /** Record a job we just learnt about (submitted, cancelled, fetched). */
  upsert(job: Job): void {
    if (this._put(job)) {
      this._resort();
      this.stateChanged.emit();
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._watch?.dispose();
    this._controller?.abort();
    this._abortOlder();
    this._facilityRefresh.dispose();
    super.dispose();
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
    this._sorted = [...this._jobs.values()].sort(newestFirst);
  }

  /** The page size from the settings, within what `GET /api/jobs` accepts. */
  private _limit(): number {
    const n = Math.floor(this._pageSize());
    return Number.isFinite(n) ? Math.min(PAGE_LIMIT_MAX, Math.max(1, n)) : PAGE_LIMIT_MAX;
  }

  private _abortOlder(): void {
    const older = this._olderController;
    this._olderController = null;
    older?.abort();
  }

  /** Another platform: nothing of the old one's list applies. */
  private _reset(): void {
    this._jobs.clear();
    this._sorted = [];
    this._pages = 0;
    this._nextCursor = null;
    this._olderError = null;
    this._loaded = false;
  }

  private _onUpdate(_: IGenesisClient, update: JobUpdate): void {
    if (!this._watch) return;
    const known = this._jobs.get(update.job.id);
    if (known && update.event.seq <= lastSeq(known)) return;
    if (this._put(update.job)) {
      this._resort();
      this.stateChanged.emit();
    }
    // Queue counts move with job states: re-read them (throttled, at the end of a burst) when a job changed.
    void this._facilityRefresh.invoke().catch(() => undefined);
  }

  private _onConnection(_: IGenesisClient, state: IConnectionState): void {
    // Back from an outage: catch up (the socket's own reconnect triggers the same, once).
    if (state.status === 'unreachable' || state.status === 'error' || state.url !== this._url) this._stale = true;
    if (state.url !== this._url) {
      this._controller?.abort();
      this._controller = null;
      this._abortOlder();
      this._reset();
      this.stateChanged.emit();
    }
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
  /** Pages of the list read so far (the newest is page 1); a reload re-reads this many. */
  private _pages = 0;
  private _nextCursor: string | null = null;
  private _olderController: AbortController | null = null;
  private _olderError: string | null = null;
  /** The list part of the reload in progress, which `loadOlder` waits for. */
  private _reloading: Promise<boolean> | null = null;
  private _watch: IDisposable | null = null;
  private _controller: AbortController | null = null;
  private _facilityRefresh = new Throttler(() => this.reloadFacilities(), {
    limit: FACILITY_REFRESH_MS,
    edge: 'trailing'
  });
}
