import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { GraphLayouter, IGraphEdge, IGraphNode, IPlacedEdge, IPlacedNode } from './graphModel';

type Elk = { layout(graph: ElkNode): Promise<ElkNode> };
let elk: Promise<Elk> | null = null;

/** elkjs's bundled build (no worker file to serve): its own chunk, loaded with the first graph. */
function loadElk(): Promise<Elk> {
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => {
    const Ctor = (m as unknown as { default: new () => Elk }).default;
    return new Ctor();
  });
  return elk;
}

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 40;

/**
 * The layered (Sugiyama) layout of ELK, left to right: data flows from dataset versions through
 * cell executions to outputs and jobs; orthogonal edges keep 200 nodes readable.
 */
export const elkLayout: GraphLayouter = async (nodes: readonly IGraphNode[], edges: readonly IGraphEdge[]) => {
  const engine = await loadElk();
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.spacing.nodeNode': '16',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF'
    },
    children: nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: edges.map((e): ElkExtendedEdge => ({ id: e.id, sources: [e.from], targets: [e.to] }))
  };
  const out = await engine.layout(graph);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const placed: IPlacedNode[] = (out.children ?? []).map((c) => ({
    ...byId.get(c.id)!,
    x: c.x ?? 0,
    y: c.y ?? 0,
    width: c.width ?? NODE_WIDTH,
    height: c.height ?? NODE_HEIGHT
  }));
  const edgeById = new Map(edges.map((e) => [e.id, e]));
  const placedEdges: IPlacedEdge[] = ((out.edges ?? []) as ElkExtendedEdge[]).map((e) => ({
    ...edgeById.get(e.id)!,
    points: (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint])
  }));
  return { nodes: placed, edges: placedEdges, width: out.width ?? 0, height: out.height ?? 0 };
};
