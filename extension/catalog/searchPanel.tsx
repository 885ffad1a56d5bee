import type { FacetName, SearchHit } from '@genesis-lab/contract';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';
import { ConnectionBanner } from '../common/connection';
import { formatBytes, formatCount } from '../common/format';
import { useSignal } from '../common/useSignal';
import type { IGenesisClient } from '../tokens';
import { ACCESS_TEXT, AccessBadge, LicenseBadge } from './badges';
import { Highlighted } from './highlight';
import { PANEL_FACETS, type CatalogSearchModel } from './searchModel';

export interface ISearchActions {
  open(hit: SearchHit): void;
  insert(hit: SearchHit): void;
  /** Start dragging a hit (onto a notebook) from a mouse-down. */
  startDrag(hit: SearchHit, event: React.MouseEvent): void;
}

const FACET_TITLES: Record<FacetName, string> = {
  license: 'Licence',
  accessLevel: 'Access',
  domain: 'Domain',
  publisher: 'Publisher',
  format: 'Format',
  keywords: 'Keyword'
};

/** The left-sidebar catalog: search box, facets, results. Renders the model; owns no I/O. */
export class CatalogSearchPanel extends ReactWidget {
  constructor(
    readonly model: CatalogSearchModel,
    private _client: IGenesisClient,
    private _actions: ISearchActions
  ) {
    super();
    this.addClass('jp-Genesis-catalog');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'Genesis catalog');
  }

  /**
   * Focus the search box (and optionally replace the query). Through an activate request, so it
   * is handled after any activation already queued (the command palette gives focus back to
   * the main area when it closes, by the same kind of message).
   */
  focusSearch(query?: string): void {
    if (query !== undefined) void this.model.setQueryNow(query);
    this.activate();
  }

  /** Activating the catalog (its sidebar tab, a command) puts the cursor in the search box. */
  protected override onActivateRequest(msg: import('@lumino/messaging').Message): void {
    super.onActivateRequest(msg);
    // A panel that was just created renders with React a frame or two later.
    const focus = (frames: number) => {
      const input = this.node.querySelector<HTMLInputElement>('input.jp-Genesis-searchInput');
      if (input) {
        input.focus();
        input.select();
      } else if (frames > 0) requestAnimationFrame(() => focus(frames - 1));
    };
    focus(30);
  }

  protected override onAfterAttach(msg: import('@lumino/messaging').Message): void {
    super.onAfterAttach(msg);
    if (this.model.generation === 0 && !this.model.loading) void this.model.refresh();
  }

  protected render(): React.ReactElement {
    return <SearchView model={this.model} client={this._client} actions={this._actions} />;
  }
}

function SearchView(props: { model: CatalogSearchModel; client: IGenesisClient; actions: ISearchActions }) {
  const { model, client, actions } = props;
  useSignal(model.changed);
  const listRef = React.useRef<HTMLUListElement>(null);

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void model.setQueryNow(e.currentTarget.value);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      listRef.current?.querySelector<HTMLElement>('[role="option"]')?.focus();
    } else if (e.key === 'Escape' && e.currentTarget.value) {
      e.preventDefault();
      void model.setQueryNow('');
    }
  };

  return (
    <div className="jp-Genesis-catalogBody">
      <div className="jp-Genesis-catalogHeader">
        <h2 className="jp-Genesis-panelTitle">Genesis catalog</h2>
        <input
          className="jp-Genesis-searchInput jp-mod-styled"
          type="search"
          placeholder="Search datasets (e.g. co2)"
          aria-label="Search the Genesis catalog"
          aria-controls="genesis-catalog-results"
          value={model.query}
          spellCheck={false}
          onChange={(e) => model.setQuery(e.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
      </div>
      <ConnectionBanner client={client} />
      <Facets model={model} />
      <ResultSummary model={model} />
      <Results model={model} actions={actions} listRef={listRef} />
    </div>
  );
}

function ResultSummary(props: { model: CatalogSearchModel }) {
  const { model } = props;
  // Nothing read yet (the platform is unreachable: the banner says so): no "0 records".
  if (!model.loading && !model.error && model.generation === 0) return null;
  if (model.error) {
    return (
      <div className="jp-Genesis-error" role="alert">
        {model.error}
      </div>
    );
  }
  return (
    <div
      className="jp-Genesis-resultSummary"
      aria-live="polite"
      data-generation={model.generation}
      data-query={model.resultQuery}
      data-loading={model.loading}
    >
      {model.loading ? 'Searching…' : `${formatCount(model.total)} ${model.total === 1 ? 'record' : 'records'}`}
      {model.filters.size > 0 && (
        <button className="jp-Genesis-linkButton" onClick={() => void model.clearFilters()}>
          Clear filters
        </button>
      )}
    </div>
  );
}

function Facets(props: { model: CatalogSearchModel }) {
  const { model } = props;
  const groups = PANEL_FACETS.map((facet) => {
    const counts = model.facets[facet] ?? [];
    // Keep a selected value visible even when the narrowed result no longer counts it.
    const selected = [...model.filters].filter((f) => f.startsWith(`${facet}:`)).map((f) => f.slice(facet.length + 1));
    const values = [...counts];
    for (const v of selected) if (!values.some((c) => c.value === v)) values.push({ value: v, count: 0 });
    return { facet, values };
  }).filter((g) => g.values.length > 0);
  if (groups.length === 0) return null;
  return (
    <div className="jp-Genesis-facets" role="group" aria-label="Narrow the results">
      {groups.map(({ facet, values }) => (
        <fieldset key={facet} className="jp-Genesis-facet" data-facet={facet}>
          <legend>{FACET_TITLES[facet]}</legend>
          {values.map(({ value, count }) => {
            const checked = model.filters.has(`${facet}:${value}`);
            return (
              <label key={value} className={`jp-Genesis-facetValue${checked ? ' jp-mod-selected' : ''}`}>
                <input
                  type="checkbox"
                  checked={checked}
                  onChange={() => void model.toggleFilter(facet, value)}
                  data-facet-value={`${facet}:${value}`}
                />
                <span className="jp-Genesis-facetLabel">
                  {facet === 'accessLevel' ? (ACCESS_TEXT[value as keyof typeof ACCESS_TEXT] ?? value) : value}
                </span>
                <span className="jp-Genesis-facetCount">{count}</span>
              </label>
            );
          })}
        </fieldset>
      ))}
    </div>
  );
}

function Results(props: {
  model: CatalogSearchModel;
  actions: ISearchActions;
  listRef: React.RefObject<HTMLUListElement>;
}) {
  const { model, actions, listRef } = props;
  const sentinel = React.useRef<HTMLDivElement>(null);
  // Roving tab stop: Tab enters the list once, arrow keys move inside it.
  const [active, setActive] = React.useState(0);
  const activeIndex = Math.min(active, Math.max(0, model.hits.length - 1));

  // Infinite scroll: load the next page when the end of the list comes into view.
  React.useEffect(() => {
    const node = sentinel.current;
    if (!node || !model.hasMore) return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void model.loadMore();
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [model, model.hasMore, model.hits.length]);

  const onKeyDown = (e: React.KeyboardEvent<HTMLUListElement>) => {
    const items = Array.from(listRef.current?.querySelectorAll<HTMLElement>('[role="option"]') ?? []);
    const index = items.indexOf(document.activeElement as HTMLElement);
    if (index < 0) return;
    const hit = model.hits[index];
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = e.key === 'ArrowDown' ? Math.min(index + 1, items.length - 1) : index - 1;
      if (next < 0)
        (listRef.current?.closest('.jp-Genesis-catalogBody')?.querySelector('input') as HTMLElement)?.focus();
      else items[next]?.focus();
      if (e.key === 'ArrowDown' && next >= items.length - 3) void model.loadMore();
    } else if (e.key === 'Enter' && hit) {
      e.preventDefault();
      if (e.shiftKey || e.ctrlKey || e.metaKey) actions.insert(hit);
      else actions.open(hit);
    } else if (e.key === 'Home') {
      e.preventDefault();
      items[0]?.focus();
    } else if (e.key === 'End') {
      e.preventDefault();
      items[items.length - 1]?.focus();
    }
  };

  return (
    <div className="jp-Genesis-resultsScroller">
      <ul
        id="genesis-catalog-results"
        ref={listRef}
        className="jp-Genesis-results"
        role="listbox"
        aria-label="Catalog records (Enter opens, Shift+Enter inserts into the notebook)"
        onKeyDown={onKeyDown}
        onFocus={(e) => {
          const i = model.hits.findIndex((h) => h.id === (e.target as HTMLElement).dataset.id);
          if (i >= 0 && i !== active) setActive(i);
        }}
      >
        {model.hits.map((hit, i) => (
          <ResultItem key={hit.id} hit={hit} actions={actions} tabStop={i === activeIndex} />
        ))}
      </ul>
      {!model.loading && !model.error && model.generation > 0 && model.hits.length === 0 && (
        <div className="jp-Genesis-empty">
          {model.query.trim() ? `Nothing in the catalog matches “${model.query.trim()}”.` : 'The catalog is empty.'}
        </div>
      )}
      {model.hasMore && (
        <div ref={sentinel} className="jp-Genesis-more">
          <button className="jp-Genesis-linkButton" disabled={model.loadingMore} onClick={() => void model.loadMore()}>
            {model.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </div>
  );
}

function ResultItem(props: { hit: SearchHit; actions: ISearchActions; tabStop: boolean }) {
  const { hit, actions, tabStop } = props;
  const canInsert = hit.kind === 'dataset' && hit.latestVersion !== undefined;
  return (
    <li
      className="jp-Genesis-result"
      role="option"
      aria-selected={tabStop}
      tabIndex={tabStop ? 0 : -1}
      data-id={hit.id}
      title={
        canInsert
          ? 'Enter or click: details. Shift+Enter, the + button, or drag onto a notebook: insert a cell.'
          : undefined
      }
      onClick={() => actions.open(hit)}
      onMouseDown={(e) => canInsert && actions.startDrag(hit, e)}
    >
      <div className="jp-Genesis-resultTitle">
        {hit.highlights.title ? <Highlighted spans={hit.highlights.title} /> : hit.title}
      </div>
      <div className="jp-Genesis-resultId">
        {hit.id}
        {hit.latestVersion ? `@${hit.latestVersion}` : ''}
      </div>
      <div className="jp-Genesis-resultDescription">
        {hit.highlights.description ? <Highlighted spans={hit.highlights.description} /> : hit.description}
      </div>
      <div className="jp-Genesis-resultMeta">
        <LicenseBadge license={hit.license} />
        <AccessBadge level={hit.accessLevel} />
        {hit.rowCount !== undefined && <span className="jp-Genesis-meta">{formatCount(hit.rowCount)} rows</span>}
        {hit.sizeBytes !== undefined && <span className="jp-Genesis-meta">{formatBytes(hit.sizeBytes)}</span>}
        {canInsert && (
          <button
            className="jp-Genesis-insertButton"
            aria-label={`Insert a cell that loads ${hit.id}@${hit.latestVersion}`}
            title="Insert a cell that loads this dataset into the current notebook"
            tabIndex={-1}
            onMouseDown={(e) => e.stopPropagation()}
            onClick={(e) => {
              e.stopPropagation();
              actions.insert(hit);
            }}
          >
            + Insert
          </button>
        )}
      </div>
    </li>
  );
}
