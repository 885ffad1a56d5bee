import type { AccessLevel, FacetName, SearchHit } from '@genesis-lab/contract';
import type { TranslationBundle } from '@jupyterlab/translation';
import { VDomRenderer } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import * as React from 'react';
import { ConnectionBanner } from '../common/connection';
import { IdentityLine } from '../common/identity';
import { formatBytes, formatCount, formatRows } from '../common/format';
import { useRovingListbox } from '../common/rovingListbox';
import type { IGenesisClient } from '../tokens';
import { AccessBadge, LicenseBadge, ModelBadge, accessText } from './badges';
import { Highlighted } from './highlight';
import { PANEL_FACETS, type CatalogSearchModel } from './searchModel';

export interface ISearchActions {
  open(hit: SearchHit): void;
  insert(hit: SearchHit): void;
  /** Start dragging a hit (onto a notebook) from a mouse-down. */
  startDrag(hit: SearchHit, event: React.MouseEvent): void;
}

function facetTitle(trans: TranslationBundle, facet: FacetName): string {
  switch (facet) {
    case 'license':
      return trans.__('Licence');
    case 'accessLevel':
      return trans.__('Access');
    case 'domain':
      return trans.__('Domain');
    case 'publisher':
      return trans.__('Publisher');
    case 'format':
      return trans.__('Format');
    case 'keywords':
      return trans.__('Keyword');
    case 'kind':
      return trans.__('Kind');
  }
}

/** The left-sidebar catalog: search box, facets, results. Renders the model; owns no I/O. */
export class CatalogSearchPanel extends VDomRenderer<CatalogSearchModel> {
  constructor(
    model: CatalogSearchModel,
    private _client: IGenesisClient,
    private _trans: TranslationBundle,
    private _actions: ISearchActions
  ) {
    super(model);
    this.addClass('jp-Genesis-catalog');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', _trans.__('Genesis catalog'));
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
  protected override onActivateRequest(msg: Message): void {
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

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.model.generation === 0 && !this.model.loading) void this.model.refresh();
  }

  protected render(): React.ReactElement {
    return <SearchView model={this.model} client={this._client} trans={this._trans} actions={this._actions} />;
  }
}

interface IViewProps {
  model: CatalogSearchModel;
  trans: TranslationBundle;
}

function SearchView(props: IViewProps & { client: IGenesisClient; actions: ISearchActions }) {
  const { model, client, trans, actions } = props;
  const inputRef = React.useRef<HTMLInputElement>(null);
  const list = useRovingListbox({
    items: model.hits,
    keyOf: (hit) => hit.id,
    onEnter: (hit, e) => {
      if (e.shiftKey || e.ctrlKey || e.metaKey) actions.insert(hit);
      else actions.open(hit);
    },
    onExitTop: () => inputRef.current?.focus(),
    onNearEnd: () => void model.loadMore()
  });

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void model.setQueryNow(e.currentTarget.value);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      list.focusFirst();
    } else if (e.key === 'Escape' && e.currentTarget.value) {
      e.preventDefault();
      void model.setQueryNow('');
    }
  };

  return (
    <div className="jp-Genesis-catalogBody">
      <div className="jp-Genesis-catalogHeader">
        <h2 className="jp-Genesis-panelTitle">{trans.__('Genesis catalog')}</h2>
        <input
          ref={inputRef}
          className="jp-Genesis-searchInput jp-mod-styled"
          type="search"
          placeholder={trans.__('Search datasets (e.g. co2)')}
          aria-label={trans.__('Search the Genesis catalog')}
          aria-controls="genesis-catalog-results"
          value={model.query}
          spellCheck={false}
          onChange={(e) => model.setQuery(e.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
      </div>
      <ConnectionBanner client={client} trans={trans} />
      <IdentityLine client={client} trans={trans} />
      <Facets model={model} trans={trans} />
      <ResultSummary model={model} trans={trans} />
      <Results model={model} trans={trans} actions={actions} list={list} />
    </div>
  );
}

function ResultSummary(props: IViewProps) {
  const { model, trans } = props;
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
      {model.loading
        ? trans.__('Searching…')
        : trans._n('%2 record', '%2 records', model.total, formatCount(model.total))}
      {model.filters.size > 0 && (
        <button className="jp-Genesis-linkButton" onClick={() => void model.clearFilters()}>
          {trans.__('Clear filters')}
        </button>
      )}
    </div>
  );
}

/**
 * The facets as groups of checkboxes: several values of one facet may be selected (they OR
 * together), facets AND together. A selected value stays listed even when no result counts it.
 */
function Facets(props: IViewProps) {
  const { model, trans } = props;
  const groups = PANEL_FACETS.map((facet) => {
    const values = [...(model.facets[facet] ?? [])];
    for (const v of model.selected(facet)) if (!values.some((c) => c.value === v)) values.push({ value: v, count: 0 });
    return { facet, values };
  }).filter((g) => g.values.length > 0);
  if (groups.length === 0) return null;
  return (
    <div className="jp-Genesis-facets" role="group" aria-label={trans.__('Narrow the results')}>
      {groups.map(({ facet, values }) => (
        <fieldset key={facet} className="jp-Genesis-facet" data-facet={facet}>
          <legend>{facetTitle(trans, facet)}</legend>
          {values.map(({ value, count }) => {
            const checked = model.isSelected(facet, value);
            return (
              <label key={value} className={`jp-Genesis-facetValue${checked ? ' jp-mod-selected' : ''}`}>
                <input
                  type="checkbox"
                  checked={checked}
                  onChange={() => void model.toggleFilter(facet, value)}
                  data-facet-value={`${facet}:${value}`}
                />
                <span className="jp-Genesis-facetLabel">
                  {facet === 'accessLevel' ? accessText(trans, value as AccessLevel) || value : value}
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

function Results(props: IViewProps & { actions: ISearchActions; list: ReturnType<typeof useRovingListbox> }) {
  const { model, trans, actions, list } = props;
  const sentinel = React.useRef<HTMLDivElement>(null);

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

  return (
    <div className="jp-Genesis-resultsScroller">
      <ul
        id="genesis-catalog-results"
        className="jp-Genesis-results"
        aria-label={trans.__('Catalog records (Enter opens, Shift+Enter inserts into the notebook)')}
        {...list.listProps}
      >
        {model.hits.map((hit, i) => (
          <ResultItem key={hit.id} hit={hit} trans={trans} actions={actions} option={list.optionProps(i, hit.id)} />
        ))}
      </ul>
      {!model.loading && !model.error && model.generation > 0 && model.hits.length === 0 && (
        <div className="jp-Genesis-empty">
          {model.query.trim()
            ? trans.__('Nothing in the catalog matches “%1”.', model.query.trim())
            : trans.__('The catalog is empty.')}
        </div>
      )}
      {model.hasMore && (
        <div ref={sentinel} className="jp-Genesis-more">
          <button className="jp-Genesis-linkButton" disabled={model.loadingMore} onClick={() => void model.loadMore()}>
            {model.loadingMore ? trans.__('Loading…') : trans.__('Load more')}
          </button>
        </div>
      )}
    </div>
  );
}

function ResultItem(props: {
  hit: SearchHit;
  trans: TranslationBundle;
  actions: ISearchActions;
  option: ReturnType<ReturnType<typeof useRovingListbox>['optionProps']>;
}) {
  const { hit, trans, actions, option } = props;
  const canInsert = hit.latestVersion !== undefined;
  // Dragging carries a dataset's cell; a model's cell needs its signature, which Insert fetches.
  const canDrag = canInsert && hit.kind === 'dataset';
  const isModel = hit.kind === 'model';
  const ref = `${hit.id}@${hit.latestVersion ?? ''}`;
  return (
    <li
      className="jp-Genesis-result"
      {...option}
      data-id={hit.id}
      title={
        canDrag
          ? trans.__('Enter or click: details. Shift+Enter, the + button, or drag onto a notebook: insert a cell.')
          : canInsert
            ? trans.__('Enter or click: details. Shift+Enter or the + button: insert a cell.')
            : undefined
      }
      onClick={() => actions.open(hit)}
      onMouseDown={(e) => canDrag && actions.startDrag(hit, e)}
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
        {hit.kind === 'model' && <ModelBadge trans={trans} />}
        <LicenseBadge license={hit.license} trans={trans} />
        <AccessBadge level={hit.accessLevel} trans={trans} />
        {hit.rowCount !== undefined && <span className="jp-Genesis-meta">{formatRows(trans, hit.rowCount)}</span>}
        {hit.sizeBytes !== undefined && <span className="jp-Genesis-meta">{formatBytes(hit.sizeBytes)}</span>}
        {canInsert && (
          <button
            className="jp-Genesis-insertButton"
            aria-label={
              isModel ? trans.__('Insert a cell that calls %1', ref) : trans.__('Insert a cell that loads %1', ref)
            }
            title={
              isModel
                ? trans.__('Insert a cell that calls this model into the current notebook')
                : trans.__('Insert a cell that loads this dataset into the current notebook')
            }
            tabIndex={-1}
            onMouseDown={(e) => e.stopPropagation()}
            onClick={(e) => {
              e.stopPropagation();
              actions.insert(hit);
            }}
          >
            {trans.__('+ Insert')}
          </button>
        )}
      </div>
    </li>
  );
}
