import type { TranslationBundle } from '@jupyterlab/translation';
import { VDomRenderer } from '@jupyterlab/ui-components';
import * as React from 'react';
import type { IPlacedEdge, IPlacedNode, LineageGraphModel } from './graphModel';

export interface IGraphActions {
  openDataset(ref: string): void;
  openJob(id: string): void;
}

const ZOOM_STEP = 1.25;

/**
 * The lineage graph as SVG, rendered from `LineageGraphModel` (layout, folding, search and zoom
 * are its state). Every node is a focusable button: Tab walks them, Enter opens a dataset or job
 * (the catalog and job views' commands) or folds/unfolds an execution's outputs.
 */
export class LineageGraphView extends VDomRenderer<LineageGraphModel> {
  constructor(
    model: LineageGraphModel,
    private _trans: TranslationBundle,
    private _actions: IGraphActions
  ) {
    super(model);
    this.addClass('jp-Genesis-graph');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', _trans.__('Lineage graph'));
  }

  protected render(): React.ReactElement {
    const { model, _trans: trans } = this;
    const layout = model.layout;
    const zoom = model.zoom;
    return (
      <div className="jp-Genesis-graphBody">
        <div className="jp-Genesis-graphToolbar" role="toolbar" aria-label={trans.__('Graph tools')}>
          <input
            type="search"
            className="jp-Genesis-graphSearch"
            placeholder={trans.__('Find a cell, dataset, job or output')}
            aria-label={trans.__('Find in the graph')}
            value={model.query}
            onChange={(e) => void model.search(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') this._focusFirstMatch();
            }}
          />
          <span className="jp-Genesis-graphMatches" aria-live="polite">
            {model.query ? trans._n('%2 match', '%2 matches', model.matches.size, model.matches.size) : ''}
          </span>
          <button
            className="jp-Button jp-mod-styled"
            aria-label={trans.__('Zoom out')}
            onClick={() => model.setZoom(zoom / ZOOM_STEP)}
          >
            −
          </button>
          <span className="jp-Genesis-graphZoom">{Math.round(zoom * 100)}%</span>
          <button
            className="jp-Button jp-mod-styled"
            aria-label={trans.__('Zoom in')}
            onClick={() => model.setZoom(zoom * ZOOM_STEP)}
          >
            +
          </button>
          <button className="jp-Button jp-mod-styled" onClick={() => this._fit()}>
            {trans.__('Fit')}
          </button>
          <button className="jp-Button jp-mod-styled" onClick={() => void model.expandAll(true)}>
            {trans.__('Expand all')}
          </button>
          <button className="jp-Button jp-mod-styled" onClick={() => void model.expandAll(false)}>
            {trans.__('Collapse outputs')}
          </button>
        </div>
        {model.error && (
          <div className="jp-Genesis-error" role="alert">
            {trans.__('Could not lay the graph out: %1', model.error)}
          </div>
        )}
        <div
          className="jp-Genesis-graphCanvas"
          onWheel={(e) => {
            if (!e.ctrlKey && !e.metaKey) return;
            e.preventDefault();
            model.setZoom(zoom * (e.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP));
          }}
        >
          {!layout ? (
            <p className="jp-Genesis-empty">
              {model.laying ? trans.__('Laying the graph out…') : trans.__('No run to show.')}
            </p>
          ) : (
            <svg
              className="jp-Genesis-graphSvg"
              width={Math.max(1, layout.width * zoom)}
              height={Math.max(1, layout.height * zoom)}
              viewBox={`0 0 ${Math.max(1, layout.width)} ${Math.max(1, layout.height)}`}
              data-nodes={layout.nodes.length}
              data-edges={layout.edges.length}
            >
              <defs>
                <marker
                  id="jp-Genesis-arrow"
                  viewBox="0 0 10 10"
                  refX="10"
                  refY="5"
                  markerWidth="6"
                  markerHeight="6"
                  orient="auto-start-reverse"
                >
                  <path d="M0,0 L10,5 L0,10 z" className="jp-Genesis-graphArrow" />
                </marker>
              </defs>
              {layout.edges.map((e) => (
                <Edge key={e.id} edge={e} />
              ))}
              {layout.nodes.map((n) => (
                <Node
                  key={n.id}
                  node={n}
                  match={model.matches.has(n.id)}
                  expanded={model.isExpanded(n.id)}
                  trans={trans}
                  onActivate={() => this._activate(n)}
                />
              ))}
            </svg>
          )}
        </div>
      </div>
    );
  }

  private _activate(n: IPlacedNode): void {
    if (n.kind === 'dataset' && n.target) this._actions.openDataset(n.target);
    else if (n.kind === 'job' && n.target) this._actions.openJob(n.target);
    else if (n.kind === 'execution') void this.model.toggle(n.id);
  }

  private _fit(): void {
    const layout = this.model.layout;
    const canvas = this.node.querySelector('.jp-Genesis-graphCanvas');
    if (!layout || !canvas || !layout.width) return;
    const rect = canvas.getBoundingClientRect();
    this.model.setZoom(Math.min(rect.width / layout.width, rect.height / layout.height, 1));
  }

  private _focusFirstMatch(): void {
    const first = this.node.querySelector<SVGGElement>('.jp-Genesis-graphNode.jp-mod-match');
    first?.focus();
    first?.scrollIntoView?.({ block: 'center', inline: 'center' });
  }
}

function Edge(props: { edge: IPlacedEdge }) {
  const { edge } = props;
  if (edge.points.length < 2) return null;
  const d = edge.points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ');
  return (
    <path
      className={`jp-Genesis-graphEdge jp-mod-${edge.relation}`}
      d={d}
      markerEnd="url(#jp-Genesis-arrow)"
      data-relation={edge.relation}
    />
  );
}

function Node(props: {
  node: IPlacedNode;
  match: boolean;
  expanded: boolean;
  trans: TranslationBundle;
  onActivate: () => void;
}) {
  const { node: n, match, expanded, trans, onActivate } = props;
  const kindLabel =
    n.kind === 'execution'
      ? trans.__('Cell execution')
      : n.kind === 'dataset'
        ? trans.__('Dataset version')
        : n.kind === 'model'
          ? trans.__('Model version')
          : n.kind === 'job'
            ? trans.__('Job')
            : trans.__('Output');
  const classes = [
    'jp-Genesis-graphNode',
    `jp-mod-${n.kind}`,
    match ? 'jp-mod-match' : '',
    n.success === false ? 'jp-mod-failed' : '',
    n.stale ? 'jp-mod-stale' : ''
  ]
    .filter(Boolean)
    .join(' ');
  const fold = n.folded ? trans._n('+%2 output', '+%2 outputs', n.folded, n.folded) : '';
  return (
    <g
      className={classes}
      transform={`translate(${n.x},${n.y})`}
      tabIndex={0}
      role="button"
      data-node-id={n.id}
      data-kind={n.kind}
      aria-label={`${kindLabel}: ${n.label}, ${n.detail}${fold ? `, ${fold}` : ''}${n.stale ? `, ${trans.__('stale')}` : ''}`}
      aria-expanded={n.kind === 'execution' ? expanded : undefined}
      onClick={onActivate}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onActivate();
        }
      }}
    >
      <title>{`${kindLabel}: ${n.label}\n${n.detail}`}</title>
      <rect width={n.width} height={n.height} rx={n.kind === 'execution' ? 4 : 14} />
      <text x={8} y={16} className="jp-Genesis-graphLabel">
        {n.label.length > 28 ? `${n.label.slice(0, 27)}…` : n.label}
        {fold && <tspan className="jp-Genesis-graphFold"> {fold}</tspan>}
      </text>
      <text x={8} y={32} className="jp-Genesis-graphDetail">
        {n.detail.length > 30 ? `${n.detail.slice(0, 29)}…` : n.detail}
      </text>
    </g>
  );
}
