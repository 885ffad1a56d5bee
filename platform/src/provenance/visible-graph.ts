import { GenesisError, OWNER, type Principal, type ProvGraph } from '@genesis-lab/contract';
import type { CatalogService } from '../catalog/service';

/**
 * A lineage graph as a principal may see it: dataset versions of records they may not know
 * exist (policy.recordVisible, asked through the catalog) are dropped with their edges, so the
 * graph answers as if they had never been used. Versions the catalog does not hold (imported
 * runs) stay: nothing here says they are restricted.
 */
export function visibleGraph(graph: ProvGraph, catalog: CatalogService | undefined, principal: Principal): ProvGraph {
  if (!catalog) return graph;
  const verdict = new Map<string, boolean>();
  const hidden = (datasetId: string): boolean => {
    let h = verdict.get(datasetId);
    if (h === undefined) {
      h = false;
      try {
        catalog.getRecord(datasetId, principal);
      } catch (err) {
        if (!(err instanceof GenesisError && err.code === 'not_found')) throw err;
        try {
          catalog.getRecord(datasetId, OWNER);
          h = true;
        } catch {
          h = false;
        }
      }
      verdict.set(datasetId, h);
    }
    return h;
  };
  const drop = new Set(graph.nodes.filter((n) => n.kind === 'datasetVersion' && hidden(n.datasetId)).map((n) => n.id));
  if (!drop.size) return graph;
  return {
    ...graph,
    roots: graph.roots.filter((r) => !drop.has(r)),
    nodes: graph.nodes.filter((n) => !drop.has(n.id)),
    edges: graph.edges.filter((e) => !drop.has(e.from) && !drop.has(e.to))
  };
}
