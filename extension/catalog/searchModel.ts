import { SearchQuery, validationError, type FacetCount, type FacetName, type SearchHit } from '@genesis-lab/contract';
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import { isAbort, panelError } from '../client/errors';
import type { IConnectionState, IGenesisClient } from '../tokens';

/** The facets the panel offers, in display order. */
export const PANEL_FACETS: readonly FacetName[] = ['license', 'accessLevel', 'domain', 'publisher'];

export interface ISearchOptions {
  debounceMs: number;
  pageSize: number;
}

/**
 * State of the catalog search: query, facet filters, the hits so far (pages appended as
 * the user scrolls) and what went wrong. Typing schedules one search after `debounceMs`;
 * a newer search cancels the request of an older one, so a slow answer can never overwrite
 * a newer one.
 */
export class CatalogSearchModel implements IDisposable {
  constructor(
    private _client: IGenesisClient,
    private _options: ISearchOptions
  ) {
    this._url = _client.connection.url;
    _client.connectionChanged.connect(this._onConnection, this);
    _client.catalogChanged.connect(this._onCatalogChanged, this);
  }

  get query(): string {
    return this._query;
  }
  get filters(): ReadonlySet<string> {
    return this._filters;
  }
  get hits(): readonly SearchHit[] {
    return this._hits;
  }
  get total(): number {
    return this._total;
  }
  get facets(): Partial<Record<FacetName, FacetCount[]>> {
    return this._facets;
  }
  get loading(): boolean {
    return this._loading;
  }
  get loadingMore(): boolean {
    return this._loadingMore;
  }
  get hasMore(): boolean {
    return this._nextCursor !== undefined;
  }
  get error(): string | null {
    return this._error;
  }
  /** The query (trimmed) whose results are shown. */
  get resultQuery(): string {
    return this._resultQuery;
  }
  /** Increases every time results are replaced (tests and benchmarks wait on it). */
  get generation(): number {
    return this._generation;
  }
  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }

  configure(options: Partial<ISearchOptions>): void {
    this._options = { ...this._options, ...options };
  }

  /** The user typed: search after the debounce delay. */
  setQuery(query: string): void {
    if (query === this._query) return;
    this._query = query;
    clearTimeout(this._timer);
    this._timer = setTimeout(() => void this.refresh(), this._options.debounceMs);
    this._changed.emit();
  }

  /** Search now (Enter, a facet click, the panel opening). */
  setQueryNow(query: string): Promise<void> {
    this._query = query;
    return this.refresh();
  }

  toggleFilter(facet: FacetName, value: string): Promise<void> {
    const key = `${facet}:${value}`;
    if (this._filters.has(key)) this._filters.delete(key);
    else this._filters.add(key);
    return this.refresh();
  }

  clearFilters(): Promise<void> {
    this._filters.clear();
    return this.refresh();
  }

  /** Run the current query from the first page. */
  async refresh(): Promise<void> {
    clearTimeout(this._timer);
    this._controller?.abort();
    const controller = (this._controller = new AbortController());
    const parsed = SearchQuery.safeParse({
      q: this._query.trim(),
      filter: [...this._filters],
      limit: this._options.pageSize
    });
    if (!parsed.success) {
      // Say what is wrong with the query without asking the platform.
      this._setError(validationError('query', parsed.error).message);
      return;
    }
    this._loading = true;
    this._changed.emit();
    try {
      const result = await this._client.search(parsed.data, controller.signal);
      if (controller.signal.aborted) return;
      this._hits = result.hits;
      this._total = result.total;
      this._facets = result.facets;
      this._nextCursor = result.nextCursor;
      this._error = null;
      this._resultQuery = parsed.data.q;
      this._generation++;
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      this._error = panelError(err);
    } finally {
      if (this._controller === controller) {
        this._loading = false;
        this._changed.emit();
      }
    }
  }

  /** Append the next page (infinite scroll); a no-op while one is loading. */
  async loadMore(): Promise<void> {
    const cursor = this._nextCursor;
    if (cursor === undefined || this._loadingMore || this._loading) return;
    const controller = this._controller;
    this._loadingMore = true;
    this._changed.emit();
    try {
      const result = await this._client.search(
        { q: this._query.trim(), filter: [...this._filters], limit: this._options.pageSize, cursor },
        controller?.signal
      );
      // A new search started meanwhile: this page belongs to the old one.
      if (this._controller !== controller || controller?.signal.aborted) return;
      const seen = new Set(this._hits.map((h) => h.id));
      this._hits = [...this._hits, ...result.hits.filter((h) => !seen.has(h.id))];
      this._nextCursor = result.nextCursor;
    } catch (err) {
      if (!isAbort(err)) this._error = panelError(err);
    } finally {
      this._loadingMore = false;
      this._changed.emit();
    }
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    clearTimeout(this._timer);
    this._controller?.abort();
    Signal.clearData(this);
  }

  private _setError(message: string): void {
    this._error = message;
    this._loading = false;
    this._changed.emit();
  }

  private _onConnection(_: IGenesisClient, state: IConnectionState): void {
    // Back from an outage (or pointed at another platform): show fresh results.
    if (state.status === 'unreachable' || state.status === 'error' || state.url !== this._url) this._stale = true;
    this._url = state.url;
    if (state.status === 'connected' && this._stale) {
      this._stale = false;
      void this.refresh();
    }
  }

  private _onCatalogChanged(): void {
    clearTimeout(this._timer);
    this._timer = setTimeout(() => void this.refresh(), this._options.debounceMs);
  }

  private _query = '';
  private _resultQuery = '';
  /** The platform went away (or changed) since the results were read. */
  private _stale = false;
  private _url: string;
  private _filters = new Set<string>();
  private _hits: SearchHit[] = [];
  private _total = 0;
  private _facets: Partial<Record<FacetName, FacetCount[]>> = {};
  private _nextCursor: string | undefined;
  private _loading = false;
  private _loadingMore = false;
  private _error: string | null = null;
  private _generation = 0;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _controller: AbortController | null = null;
  private _disposed = false;
  private _changed = new Signal<this, void>(this);
}
