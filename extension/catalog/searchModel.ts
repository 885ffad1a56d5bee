import {
  SearchQuery,
  validationError,
  type FacetCount,
  type FacetName,
  type SearchHit,
  type SearchResult
} from '@genesis-lab/contract';
import { VDomModel } from '@jupyterlab/ui-components';
import { Debouncer } from '@lumino/polling';
import { isAbort, panelError } from '../client/errors';
import type { IConnectionState, IGenesisClient } from '../tokens';

/** The facets the panel offers, in display order. */
export const PANEL_FACETS: readonly FacetName[] = ['license', 'accessLevel', 'domain', 'publisher'];

export interface ISearchOptions {
  debounceMs: number;
  pageSize: number;
}

/** `facet:value`, the wire form of one facet filter. */
function filterKey(facet: FacetName, value: string): string {
  return `${facet}:${value}`;
}

/**
 * State of the catalog search: query, facet filters, the hits so far (pages appended as
 * the user scrolls) and what went wrong. Typing schedules one search after `debounceMs`;
 * a newer search cancels the request of an older one, so a slow answer can never overwrite
 * a newer one.
 *
 * Facets combine as in every faceted search: values of one facet OR together, facets AND
 * together. The counts shown for a facet with a selection are those of the results without
 * that facet's own selection, so its other values stay visible (and selectable) with the
 * number each would add.
 */
export class CatalogSearchModel extends VDomModel {
  constructor(
    private _client: IGenesisClient,
    private _options: ISearchOptions
  ) {
    super();
    this._url = _client.connection.url;
    this._debouncer = new Debouncer(() => this.refresh(), _options.debounceMs);
    _client.connectionChanged.connect(this._onConnection, this);
    _client.catalogChanged.connect(this._onCatalogChanged, this);
  }

  get query(): string {
    return this._query;
  }
  /** The selected facet values, as `facet:value`. */
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
  /** Increases every time results are replaced; 0 while nothing was ever read. */
  get generation(): number {
    return this._generation;
  }

  /** The values of `facet` that are selected. */
  selected(facet: FacetName): string[] {
    const prefix = `${facet}:`;
    return [...this._filters].filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
  }

  isSelected(facet: FacetName, value: string): boolean {
    return this._filters.has(filterKey(facet, value));
  }

  configure(options: Partial<ISearchOptions>): void {
    const debounceMs = this._options.debounceMs;
    this._options = { ...this._options, ...options };
    if (this._options.debounceMs !== debounceMs) {
      this._debouncer.dispose();
      this._debouncer = new Debouncer(() => this.refresh(), this._options.debounceMs);
    }
  }

  /** The user typed: search after the debounce delay. */
  setQuery(query: string): void {
    if (query === this._query) return;
    this._query = query;
    void this._debouncer.invoke();
    this.stateChanged.emit();
  }

  /** Search now (Enter, the panel opening). */
  setQueryNow(query: string): Promise<void> {
    this._query = query;
    return this.refresh();
  }

  /** Select or unselect one value of a facet (other values of that facet stay selected). */
  toggleFilter(facet: FacetName, value: string): Promise<void> {
    const key = filterKey(facet, value);
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
    this._debouncer.stop();
    this._controller?.abort();
    const controller = (this._controller = new AbortController());
    const parsed = SearchQuery.safeParse({
      q: this._query.trim(),
      filter: [...this._filters],
      limit: this._options.pageSize
    });
    if (!parsed.success) {
      // Say what is wrong with the query without asking the platform.
      this._error = validationError('query', parsed.error).message;
      this._loading = false;
      this.stateChanged.emit();
      return;
    }
    this._loading = true;
    this.stateChanged.emit();
    try {
      const [result, ownCounts] = await Promise.all([
        this._client.search(parsed.data, controller.signal),
        this._countsWithoutOwnSelection(parsed.data.q, controller.signal)
      ]);
      if (controller.signal.aborted) return;
      this._hits = result.hits;
      this._total = result.total;
      this._facets = { ...result.facets, ...ownCounts };
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
        this.stateChanged.emit();
      }
    }
  }

  /** Append the next page (infinite scroll); a no-op while one is loading. */
  async loadMore(): Promise<void> {
    const cursor = this._nextCursor;
    if (cursor === undefined || this._loadingMore || this._loading) return;
    const controller = this._controller;
    this._loadingMore = true;
    this.stateChanged.emit();
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
      this.stateChanged.emit();
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._debouncer.dispose();
    this._controller?.abort();
    super.dispose();
  }

  /**
   * For each facet with a selection, its counts over the results without its own selection
   * (one small request per such facet, beside the main search): what selecting one more value
   * of it would add. Nothing to ask while no facet is selected.
   */
  private async _countsWithoutOwnSelection(
    q: string,
    signal: AbortSignal
  ): Promise<Partial<Record<FacetName, FacetCount[]>>> {
    const facets = [...new Set([...this._filters].map((f) => f.slice(0, f.indexOf(':')) as FacetName))];
    const results = await Promise.all(
      facets.map((facet): Promise<SearchResult> => {
        const others = [...this._filters].filter((f) => !f.startsWith(`${facet}:`));
        return this._client.search({ q, filter: others, limit: 1 }, signal);
      })
    );
    return Object.fromEntries(facets.map((facet, i) => [facet, results[i]!.facets[facet] ?? []]));
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
    void this._debouncer.invoke();
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
  private _debouncer: Debouncer<void>;
  private _controller: AbortController | null = null;
}
