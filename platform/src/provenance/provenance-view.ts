import {
  GenesisError,
  LINEAGE_MIME_TYPE,
  OWNER,
  type CellExecution,
  pinsFromLineage,
  type ImpactAnswer,
  type LineageRecord,
  type Principal,
  type ProvGraph,
  type RunDetail,
  type RunTimeline
} from '@genesis-lab/contract';
import { runVisible } from '../access/policy';
import type { CatalogService } from '../catalog/service';
import type { JobService } from '../jobs/service';
import type { ModelService } from '../models/service';
import type { ProvenanceStore } from './store';

export interface ViewSources {
  store: ProvenanceStore;
  catalog?: CatalogService | undefined;
  jobs?: JobService | undefined;
  models?: ModelService | undefined;
}

/**
 * Provenance as one principal may see it: runs they may not read (policy.runVisible) are "not
 * found", and within the runs they read, dataset versions, models and jobs they may not know
 * exist are left out (lineage records, pins, timeline entries, graph nodes and their edges), so
 * the answer reads as if those had never been used. One verdict per id, per request.
 */
export class ProvenanceView {
  private readonly verdicts = new Map<string, boolean>();

  constructor(
    private readonly sources: ViewSources,
    readonly principal: Principal
  ) {}

  /** May the principal read the run? Unknown runs: true (the store then says "not found"). */
  visibleRun = (runId: string): boolean => {
    const access = this.sources.store.runAccess(runId);
    return !access || runVisible(this.principal, access);
  };

  /** The run's id when readable; "not found" exactly as for a run never recorded. */
  requireRun(runId: string): string {
    if (!this.visibleRun(runId))
      throw new GenesisError('not_found', `No run "${runId}" is recorded`, {
        hint: 'List the runs of a notebook: GET /api/provenance/notebooks/{id}/runs'
      });
    return runId;
  }

  private hidden(key: string, asPrincipal: (p: Principal) => unknown): boolean {
    let h = this.verdicts.get(key);
    if (h === undefined) {
      h = false;
      try {
        asPrincipal(this.principal);
      } catch (err) {
        if (!(err instanceof GenesisError && err.code === 'not_found')) throw err;
        try {
          asPrincipal(OWNER);
          h = true;
        } catch {
          h = false;
        }
      }
      this.verdicts.set(key, h);
    }
    return h;
  }

  datasetHidden(id: string): boolean {
    const catalog = this.sources.catalog;
    return !!catalog && this.hidden(`d:${id}`, (p) => catalog.getRecord(id, p));
  }

  modelHidden(id: string): boolean {
    const models = this.sources.models;
    return !!models && this.hidden(`m:${id}`, (p) => models.registry.get(id, p));
  }

  jobHidden(jobId: string): boolean {
    const jobs = this.sources.jobs;
    return !!jobs && this.hidden(`j:${jobId}`, (p) => jobs.reads.get(jobId, p));
  }

  /** Lineage records without what the principal may not see (a job's hidden stage-ins too). */
  lineage(records: readonly LineageRecord[]): LineageRecord[] {
    return records.flatMap((r): LineageRecord[] => {
      if (r.kind === 'dataset') return this.datasetHidden(r.id) ? [] : [r];
      if (r.kind === 'model') return this.modelHidden(r.id) ? [] : [r];
      if (this.jobHidden(r.jobId)) return [];
      if (!r.stagedIn?.some((d) => this.datasetHidden(d.id))) return [r];
      return [{ ...r, stagedIn: r.stagedIn.filter((d) => !this.datasetHidden(d.id)) }];
    });
  }

  /**
   * A capture as the principal may export it: its lineage filtered, and the lineage outputs
   * naming what they may not see left out (an output's bytes are its digest: it is dropped, not edited).
   */
  capture(e: CellExecution): CellExecution {
    const outputs = e.outputs.filter((o) => {
      const c = o.content;
      if (!c || (c.output_type !== 'display_data' && c.output_type !== 'execute_result')) return true;
      return !this.namesHidden(c.data[LINEAGE_MIME_TYPE]);
    });
    return { ...e, lineage: this.lineage(e.lineage), outputs };
  }

  /** Does a (normalised: no `at`, `jobId`, ...) lineage value name something hidden? */
  private namesHidden(value: unknown): boolean {
    if (value === null || typeof value !== 'object') return false;
    const r = value as { kind?: unknown; id?: unknown; jobId?: unknown; stagedIn?: unknown };
    if (r.kind === 'dataset' && typeof r.id === 'string') return this.datasetHidden(r.id);
    if (r.kind === 'model' && typeof r.id === 'string') return this.modelHidden(r.id);
    if (r.kind !== 'job') return false;
    if (typeof r.jobId === 'string' && this.jobHidden(r.jobId)) return true;
    return Array.isArray(r.stagedIn) && r.stagedIn.some((d) => this.namesHidden({ kind: 'dataset', ...d }));
  }

  detail(d: RunDetail): RunDetail {
    const executions = d.executions.map((e) => ({ ...e, lineage: this.lineage(e.lineage) }));
    return { ...d, executions, pins: pinsFromLineage(executions.flatMap((e) => e.lineage)) };
  }

  timeline(t: RunTimeline): RunTimeline {
    return {
      ...t,
      entries: t.entries.flatMap((e): RunTimeline['entries'] => {
        if (e.kind === 'job') return this.jobHidden(e.jobId) ? [] : [e];
        if (e.kind !== 'execution') return [e];
        return [
          {
            ...e,
            datasets: e.datasets.filter((d) => !this.datasetHidden(d.id)),
            jobs: e.jobs.filter((j) => !this.jobHidden(j))
          }
        ];
      })
    };
  }

  /** A graph without hidden dataset versions and jobs (and their edges). */
  graph(g: ProvGraph): ProvGraph {
    const drop = new Set(
      g.nodes
        .filter(
          (n) =>
            (n.kind === 'datasetVersion' && this.datasetHidden(n.datasetId)) ||
            (n.kind === 'job' && this.jobHidden(n.jobId))
        )
        .map((n) => n.id)
    );
    if (!drop.size) return g;
    return {
      ...g,
      roots: g.roots.filter((r) => !drop.has(r)),
      nodes: g.nodes.filter((n) => !drop.has(n.id)),
      edges: g.edges.filter((e) => !drop.has(e.from) && !drop.has(e.to))
    };
  }

  /** An impact answer without runs the principal may not read, nor hidden jobs. */
  impact(a: ImpactAnswer): ImpactAnswer {
    return {
      ...a,
      runs: a.runs.filter((r) => this.visibleRun(r.runId)),
      outputs: a.outputs.filter((o) => this.visibleRun(o.runId)),
      jobs: a.jobs.filter((j) => !this.jobHidden(j.jobId)),
      derived: a.derived.filter((d) => !this.jobHidden(d.jobId) && !this.datasetHidden(d.id))
    };
  }
}
