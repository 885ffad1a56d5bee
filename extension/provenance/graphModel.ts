import { provNodeId as nodeId, type RunDetail } from '@genesis-lab/contract';
import { VDomModel } from '@jupyterlab/ui-components';

export type GraphNodeKind = 'execution' | 'dataset' | 'model' | 'job' | 'output';

export interface IGraphNode {
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** Second line: a digest, a state, a duration. */
  detail: string;
  /** Dataset nodes: the ref to open; job nodes: the job id. */
  target?: string;
  success?: boolean;
  stale?: boolean;
  /** Execution nodes: how many output nodes are folded into it. */
  folded?: number;
}

export interface IGraphEdge {
  id: string;
  from: string;
  to: string;
  relation: 'used' | 'generated' | 'submitted' | 'followed';
}

export interface IPlacedNode extends IGraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface IPlacedEdge extends IGraphEdge {
  points: { x: number; y: number }[];
}

export interface IGraphLayout {
  nodes: IPlacedNode[];
  edges: IPlacedEdge[];
  width: number;
  height: number;
}

/** Lays a graph out (elkjs in the lab, loaded as its own chunk). */
export type GraphLayouter = (nodes: readonly IGraphNode[], edges: readonly IGraphEdge[]) => Promise<IGraphLayout>;

export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 4;

/**
 * The lineage graph of one run: its cell executions (in order, each linked to the one before it
 * on the kernel), the dataset versions they used, the jobs they submitted or awaited, the outputs
 * they produced. Above `collapseAbove` nodes, outputs start folded into their execution; the user
 * expands one execution or all. Search marks matching nodes; zoom is state too, so the view only
 * renders. Node ids are the platform's PROV node ids (provNodeId), so they name the same things.
 */
export class LineageGraphModel extends VDomModel {
  constructor(
    private _layouter: GraphLayouter,
    private _collapseAbove: () => number
  ) {
    super();
  }

  get runId(): string | null {
    return this._runId;
  }
  get layout(): IGraphLayout | null {
    return this._layout;
  }
  get laying(): boolean {
    return this._laying;
  }
  get error(): string | null {
    return this._error;
  }
  get query(): string {
    return this._query;
  }
  get zoom(): number {
    return this._zoom;
  }
  /** Every node, folded or not (what search looks through). */
  get allNodes(): readonly IGraphNode[] {
    return this._nodes;
  }
  /** Ids of the nodes matching the search (empty query: none). */
  get matches(): ReadonlySet<string> {
    return this._matches;
  }
  isExpanded(executionNodeId: string): boolean {
    return this._expanded === 'all' || (this._expanded !== 'none' && this._expanded.has(executionNodeId));
  }

  /** Show a run (null: none); `stale` names the executions whose results are stale. */
  async setRun(detail: RunDetail | null, stale: ReadonlySet<string> = new Set()): Promise<void> {
    this._runId = detail?.run.runId ?? null;
    const { nodes, edges } = detail ? graphOf(detail, stale) : { nodes: [], edges: [] };
    this._nodes = nodes;
    this._edges = edges;
    // Until the user folds or unfolds something, the size of the graph decides.
    if (!this._userChose) this._expanded = nodes.length > this._collapseAbove() ? new Set() : 'all';
    this._rematch();
    await this._relayout();
  }

  /** Fold or unfold one execution's outputs. */
  async toggle(executionNodeId: string): Promise<void> {
    this._userChose = true;
    if (this._expanded === 'all') {
      this._expanded = new Set(this._nodes.filter((n) => n.kind === 'execution').map((n) => n.id));
    }
    if (this._expanded === 'none') this._expanded = new Set();
    if (this._expanded.has(executionNodeId)) this._expanded.delete(executionNodeId);
    else this._expanded.add(executionNodeId);
    await this._relayout();
  }

  async expandAll(expand: boolean): Promise<void> {
    this._userChose = true;
    this._expanded = expand ? 'all' : 'none';
    await this._relayout();
  }

  /** Mark the nodes whose label or detail contains `query` (case-insensitive); folded ones unfold. */
  async search(query: string): Promise<void> {
    this._query = query;
    this._rematch();
    const hidden = [...this._matches].filter((id) => !this._visibleIds.has(id));
    if (hidden.length) {
      const owners = new Set(hidden.map((id) => this._ownerOf.get(id)).filter((x): x is string => !!x));
      if (this._expanded === 'none') this._expanded = new Set();
      if (this._expanded !== 'all') for (const o of owners) this._expanded.add(o);
      await this._relayout();
    } else this.stateChanged.emit();
  }

  setZoom(zoom: number): void {
    const z = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
    if (z === this._zoom) return;
    this._zoom = z;
    this.stateChanged.emit();
  }

  /** The nodes and edges shown now (outputs of folded executions left out, counted on them). */
  visible(): { nodes: IGraphNode[]; edges: IGraphEdge[] } {
    const hidden = new Set<string>();
    const folded = new Map<string, number>();
    for (const n of this._nodes) {
      const owner = this._ownerOf.get(n.id);
      if (n.kind === 'output' && owner && !this.isExpanded(owner)) {
        hidden.add(n.id);
        folded.set(owner, (folded.get(owner) ?? 0) + 1);
      }
    }
    const nodes = this._nodes
      .filter((n) => !hidden.has(n.id))
      .map((n) => (folded.has(n.id) ? { ...n, folded: folded.get(n.id) } : n));
    const edges = this._edges.filter((e) => !hidden.has(e.from) && !hidden.has(e.to));
    return { nodes, edges };
  }

  private _rematch(): void {
    const q = this._query.trim().toLowerCase();
    this._matches = new Set(
      q ? this._nodes.filter((n) => `${n.label}\n${n.detail}`.toLowerCase().includes(q)).map((n) => n.id) : []
    );
    this._ownerOf = new Map(
      this._edges.filter((e) => e.relation === 'generated').map((e) => [e.to, e.from] as [string, string])
    );
  }

  private async _relayout(): Promise<void> {
    const { nodes, edges } = this.visible();
    this._visibleIds = new Set(nodes.map((n) => n.id));
    const generation = ++this._generation;
    this._laying = true;
    this.stateChanged.emit();
    try {
      const layout = nodes.length ? await this._layouter(nodes, edges) : { nodes: [], edges: [], width: 0, height: 0 };
      if (generation !== this._generation) return;
      this._layout = layout;
      this._error = null;
    } catch (err) {
      if (generation !== this._generation) return;
      this._error = err instanceof Error ? err.message : String(err);
    } finally {
      if (generation === this._generation) {
        this._laying = false;
        this.stateChanged.emit();
      }
    }
  }

  private _runId: string | null = null;
  private _nodes: IGraphNode[] = [];
  private _edges: IGraphEdge[] = [];
  private _ownerOf = new Map<string, string>();
  private _visibleIds = new Set<string>();
  private _expanded: Set<string> | 'all' | 'none' = 'all';
  private _userChose = false;
  private _query = '';
  private _matches: ReadonlySet<string> = new Set();
  private _zoom = 1;
  private _layout: IGraphLayout | null = null;
  private _laying = false;
  private _error: string | null = null;
  private _generation = 0;
}

/** The graph of a run's executions, from what the platform answered for it. */
export function graphOf(detail: RunDetail, stale: ReadonlySet<string>): { nodes: IGraphNode[]; edges: IGraphEdge[] } {
  const nodes = new Map<string, IGraphNode>();
  const edges = new Map<string, IGraphEdge>();
  const edge = (from: string, to: string, relation: IGraphEdge['relation']) => {
    const id = `${relation}:${from}->${to}`;
    if (!edges.has(id)) edges.set(id, { id, from, to, relation });
  };
  let previous: string | null = null;
  for (const e of detail.executions) {
    const id = nodeId.execution(e.executionId);
    const firstLine = e.code.split('\n').find((l) => l.trim()) ?? '';
    nodes.set(id, {
      id,
      kind: 'execution',
      label: `[${e.executionCount ?? ' '}] cell ${e.cellIndex + 1}`,
      detail: firstLine.length > 40 ? `${firstLine.slice(0, 39)}…` : firstLine,
      success: e.success,
      stale: stale.has(e.executionId)
    });
    if (previous) edge(previous, id, 'followed');
    previous = id;
    for (const l of e.lineage) {
      if (l.kind === 'dataset') {
        const d = nodeId.datasetVersion(l.id, l.version);
        nodes.set(d, {
          id: d,
          kind: 'dataset',
          label: `${l.id}@${l.version}`,
          detail: `sha256 ${l.sha256.slice(0, 12)}`,
          target: `${l.id}@${l.version}`
        });
        edge(d, id, 'used');
      } else if (l.kind === 'model') {
        const m = nodeId.modelVersion(l.id, l.version);
        nodes.set(m, {
          id: m,
          kind: 'model',
          label: `${l.id}@${l.version}`,
          detail: `${l.runtime} · weights ${l.sha256.slice(0, 12)}`
        });
        edge(m, id, 'used');
      } else {
        const j = nodeId.job(l.jobId);
        nodes.set(j, { id: j, kind: 'job', label: l.name, detail: `${l.jobId} · ${l.state}`, target: l.jobId });
        if (l.action === 'submitted') edge(id, j, 'submitted');
        else edge(j, id, 'used');
      }
    }
    for (const o of e.outputs) {
      const out = nodeId.output(o.sha256);
      if (!nodes.has(out)) {
        nodes.set(out, {
          id: out,
          kind: 'output',
          label: o.mimeTypes.find((m) => m !== 'text/plain') ?? o.mimeTypes[0] ?? o.outputType,
          detail: `sha256 ${o.sha256.slice(0, 12)}`
        });
        edge(id, out, 'generated');
      }
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
