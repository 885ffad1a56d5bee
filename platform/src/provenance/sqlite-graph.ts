import {
  provNodeId,
  type CellExecution,
  type DatasetVersionRef,
  type ExecutionEnvironment,
  type ImpactAnswer,
  type KernelInfo,
  type ProvEdge,
  type ProvGraph,
  type ProvNode,
  type ReproducibilityReport
} from '@genesis-lab/contract';
import type { Db } from '../db/database';
import type { ExecutionRow, JobLookup, ReproductionRow, RunRow } from './sqlite-store';

type Capture = Omit<CellExecution, 'code' | 'outputs'> & {
  outputs: { sha256: string; outputType: CellExecution['outputs'][number]['outputType']; mimeTypes: string[] }[];
};

/** Nodes and edges collected once each, up to a node budget. */
class GraphBuilder {
  readonly nodes = new Map<string, ProvNode>();
  private readonly edges = new Map<string, ProvEdge>();
  truncated = false;

  constructor(private readonly maxNodes: number) {}

  /** Add a node unless present; false when the budget is spent (the graph is then truncated). */
  node(n: ProvNode): boolean {
    if (this.nodes.has(n.id)) return true;
    if (this.nodes.size >= this.maxNodes) {
      this.truncated = true;
      return false;
    }
    this.nodes.set(n.id, n);
    return true;
  }

  edge(e: ProvEdge): void {
    if (!this.nodes.has(e.from) || !this.nodes.has(e.to)) return;
    const key = `${e.relation} ${e.from} ${e.to} ${e.role ?? ''}`;
    if (!this.edges.has(key)) this.edges.set(key, e);
  }

  graph(roots: string[]): ProvGraph {
    return { roots, nodes: [...this.nodes.values()], edges: [...this.edges.values()], truncated: this.truncated };
  }
}

type Work =
  | { kind: 'execution'; row: ExecutionRow }
  | { kind: 'dataset'; id: string; version: string; sha256: string }
  | { kind: 'job'; jobId: string };

/**
 * The PROV graph read from the provenance tables. Relations (PROV-DM names):
 * - execution wasStartedBy run; run used notebook; run and execution wasAssociatedWith user
 *   and kernel; kernel actedOnBehalfOf user;
 * - execution used cell source (role code) and dataset versions (role data);
 * - execution wasInformedBy the execution before it in the same run: the kernel's state flows
 *   from cell to cell, so an output depends on everything that ran before it in that kernel;
 * - output wasGeneratedBy execution;
 * - job wasStartedBy the execution that submitted it; an execution that awaited or observed a
 *   job wasInformedBy it; job used the dataset versions it staged in;
 * - dataset version wasGeneratedBy job, and wasDerivedFrom what that job used;
 * - reproduction wasInformedBy the original run; the reproduction's run wasStartedBy it.
 */
export class ProvGraphWalker {
  private readonly s;

  constructor(
    db: Db,
    private readonly jobLookup: JobLookup
  ) {
    this.s = {
      run: db.prepare<[string], RunRow>('SELECT * FROM prov_runs WHERE run_id = ?'),
      previous: db.prepare<[string, number, number, number], ExecutionRow>(
        `SELECT * FROM prov_executions WHERE run_id = ? AND (started_ms < ? OR (started_ms = ? AND seq < ?))
         ORDER BY started_ms DESC, seq DESC LIMIT 1`
      ),
      later: db.prepare<[string, number, number, number], ExecutionRow>(
        `SELECT * FROM prov_executions WHERE run_id = ? AND (started_ms > ? OR (started_ms = ? AND seq > ?))
         ORDER BY started_ms, seq`
      ),
      ofRun: db.prepare<[string], ExecutionRow>(
        'SELECT * FROM prov_executions WHERE run_id = ? ORDER BY started_ms, seq'
      ),
      bySeq: db.prepare<[number], ExecutionRow>('SELECT * FROM prov_executions WHERE seq = ?'),
      jobRow: db.prepare<
        [string],
        { job_id: string; facility: string; name: string; state: string; started_at: string; ended_at: string | null }
      >('SELECT * FROM prov_jobs WHERE job_id = ?'),
      jobDatasets: db.prepare<[string, string], { dataset_id: string; version: string; sha256: string }>(
        'SELECT dataset_id, version, sha256 FROM prov_job_datasets WHERE job_id = ? AND role = ?'
      ),
      generatedBy: db.prepare<[string, string], { job_id: string }>(
        `SELECT job_id FROM prov_job_datasets WHERE dataset_id = ? AND version = ? AND role = 'generated'`
      ),
      jobsUsing: db.prepare<[string, string], { job_id: string }>(
        `SELECT job_id FROM prov_job_datasets WHERE dataset_id = ? AND version = ? AND role = 'used'`
      ),
      submitter: db.prepare<[string], { execution_seq: number }>(
        `SELECT execution_seq FROM prov_job_uses WHERE job_id = ? AND action = 'submitted' ORDER BY execution_seq LIMIT 1`
      ),
      awaiting: db.prepare<[string], { execution_seq: number }>(
        `SELECT DISTINCT execution_seq FROM prov_job_uses WHERE job_id = ? AND action != 'submitted'`
      ),
      directUses: db.prepare<[string, string], ExecutionRow>(
        `SELECT e.* FROM prov_dataset_uses u JOIN prov_executions e ON e.seq = u.execution_seq
         WHERE u.dataset_id = ? AND u.version = ? GROUP BY e.seq ORDER BY e.started_ms, e.seq`
      ),
      outputsOf: db.prepare<[number], { sha256: string; output_type: string; position: number }>(
        'SELECT sha256, output_type, position FROM prov_execution_outputs WHERE execution_seq = ? ORDER BY position'
      )
    };
  }

  /** Parsed records of the current walk: an execution is reached from its successor and expanded itself. */
  private readonly parsed = new Map<number, Capture>();

  private capture(row: ExecutionRow): Capture {
    let c = this.parsed.get(row.seq);
    if (!c) this.parsed.set(row.seq, (c = JSON.parse(row.record) as Capture));
    return c;
  }

  // ---- nodes -------------------------------------------------------------------------------

  private agents(g: GraphBuilder, user: string, kernel: KernelInfo): { user: string; kernel: string } {
    const u = provNodeId.user(user);
    const k = provNodeId.kernel(kernel.name, kernel.version);
    g.node({ id: u, kind: 'agent', prov: 'agent', agentType: 'person', name: user, label: user });
    g.node({
      id: k,
      kind: 'agent',
      prov: 'agent',
      agentType: 'software',
      name: kernel.name,
      ...(kernel.version ? { version: kernel.version } : {}),
      label: kernel.displayName ?? kernel.name
    });
    g.edge({ relation: 'actedOnBehalfOf', from: k, to: u });
    return { user: u, kernel: k };
  }

  private runNode(g: GraphBuilder, runId: string): string | undefined {
    const row = this.s.run.get(runId);
    if (!row) return undefined;
    const id = provNodeId.run(runId);
    if (g.nodes.has(id)) return id;
    if (
      !g.node({
        id,
        kind: 'run',
        prov: 'activity',
        runId,
        startedAt: row.started_at,
        endedAt: row.last_at,
        label: `run of ${row.notebook_path}`
      })
    )
      return undefined;
    const nb = provNodeId.notebook(row.notebook_id);
    g.node({
      id: nb,
      kind: 'notebook',
      prov: 'entity',
      notebookId: row.notebook_id,
      path: row.notebook_path,
      label: row.notebook_path
    });
    g.edge({ relation: 'used', from: id, to: nb, role: 'notebook' });
    const a = this.agents(g, row.user, JSON.parse(row.kernel) as KernelInfo);
    g.edge({ relation: 'wasAssociatedWith', from: id, to: a.user, role: 'user' });
    g.edge({ relation: 'wasAssociatedWith', from: id, to: a.kernel, role: 'kernel' });
    return id;
  }

  private datasetNode(g: GraphBuilder, d: { id: string; version: string; sha256: string }): string | undefined {
    const id = provNodeId.datasetVersion(d.id, d.version);
    const ok = g.node({
      id,
      kind: 'datasetVersion',
      prov: 'entity',
      datasetId: d.id,
      version: d.version,
      sha256: d.sha256,
      label: `${d.id}@${d.version}`
    });
    return ok ? id : undefined;
  }

  private jobNode(g: GraphBuilder, jobId: string): string | undefined {
    const id = provNodeId.job(jobId);
    if (g.nodes.has(id)) return id;
    const row = this.s.jobRow.get(jobId);
    const now = this.jobLookup(jobId);
    if (!row && !now) return undefined;
    const ok = g.node({
      id,
      kind: 'job',
      prov: 'activity',
      jobId,
      facility: now?.facility ?? row!.facility,
      name: now?.name ?? row!.name,
      state: now?.state ?? row!.state,
      ...((now?.startedAt ?? row?.started_at) ? { startedAt: now?.startedAt ?? row!.started_at } : {}),
      ...((now?.endedAt ?? row?.ended_at) ? { endedAt: (now?.endedAt ?? row!.ended_at)! } : {}),
      label: `job ${now?.name ?? row!.name}`
    });
    return ok ? id : undefined;
  }

  /** The execution node with its run, agents and code; false when over budget. */
  private executionNode(g: GraphBuilder, row: ExecutionRow, e: Capture): string | undefined {
    const id = provNodeId.execution(e.executionId);
    if (g.nodes.has(id)) return id;
    const ok = g.node({
      id,
      kind: 'execution',
      prov: 'activity',
      executionId: e.executionId,
      runId: e.runId,
      cellId: e.cellId,
      executionCount: e.executionCount,
      startedAt: e.startedAt,
      endedAt: e.endedAt,
      success: e.success,
      ...environmentOf(e.environment),
      label: `cell ${e.cellId}${e.executionCount !== null ? ` [${e.executionCount}]` : ''}`
    });
    if (!ok) return undefined;
    const run = this.runNode(g, e.runId);
    if (run) g.edge({ relation: 'wasStartedBy', from: id, to: run, time: e.startedAt });
    const a = this.agents(g, e.user, e.environment.kernel);
    g.edge({ relation: 'wasAssociatedWith', from: id, to: a.user, role: 'user' });
    g.edge({ relation: 'wasAssociatedWith', from: id, to: a.kernel, role: 'kernel' });
    const src = provNodeId.cellSource(row.code_sha256);
    g.node({
      id: src,
      kind: 'cellSource',
      prov: 'entity',
      sha256: row.code_sha256,
      cellId: e.cellId,
      label: `code of cell ${e.cellId}`
    });
    g.edge({ relation: 'used', from: id, to: src, role: 'code', time: e.startedAt });
    return id;
  }

  private outputNode(
    g: GraphBuilder,
    exec: string,
    o: { sha256: string; outputType: string; mimeTypes?: string[] },
    time: string
  ): void {
    const id = provNodeId.output(o.sha256);
    g.node({
      id,
      kind: 'output',
      prov: 'entity',
      sha256: o.sha256,
      outputType: o.outputType as 'stream',
      mimeTypes: o.mimeTypes ?? [],
      label: `${o.outputType} ${o.sha256.slice(0, 8)}`
    });
    g.edge({ relation: 'wasGeneratedBy', from: id, to: exec, time });
  }

  // ---- walks -------------------------------------------------------------------------------

  /** Expand one item of an upstream walk; returns what to expand next. */
  private expandUp(g: GraphBuilder, w: Work): Work[] {
    const next: Work[] = [];
    if (w.kind === 'execution') {
      const e = this.capture(w.row);
      const id = this.executionNode(g, w.row, e);
      if (!id) return next;
      for (const r of e.lineage) {
        if (r.kind === 'dataset') {
          const d = this.datasetNode(g, r);
          if (d) g.edge({ relation: 'used', from: id, to: d, role: 'data', time: r.at });
          next.push({ kind: 'dataset', id: r.id, version: r.version, sha256: r.sha256 });
        } else if (r.kind === 'model') {
          // Model versions are pinned (run pins) and kept in the capture; graph nodes for them come with the model view.
          continue;
        } else {
          const j = this.jobNode(g, r.jobId);
          if (!j) continue;
          if (r.action === 'submitted') g.edge({ relation: 'wasStartedBy', from: j, to: id, time: r.at });
          else {
            g.edge({ relation: 'wasInformedBy', from: id, to: j, role: r.action });
            next.push({ kind: 'job', jobId: r.jobId });
          }
        }
      }
      const prev = this.s.previous.get(w.row.run_id, w.row.started_ms, w.row.started_ms, w.row.seq);
      if (prev) {
        const p = this.executionNode(g, prev, this.capture(prev));
        if (p) g.edge({ relation: 'wasInformedBy', from: id, to: p, role: 'kernel state' });
        next.push({ kind: 'execution', row: prev });
      }
    } else if (w.kind === 'job') {
      const id = this.jobNode(g, w.jobId);
      if (!id) return next;
      for (const d of this.jobUsed(w.jobId)) {
        const n = this.datasetNode(g, d);
        if (n) g.edge({ relation: 'used', from: id, to: n, role: 'stage-in' });
        next.push({ kind: 'dataset', ...d });
      }
      const sub = this.s.submitter.get(w.jobId);
      const row = sub ? this.s.bySeq.get(sub.execution_seq) : undefined;
      if (row) {
        const x = this.executionNode(g, row, this.capture(row));
        if (x) g.edge({ relation: 'wasStartedBy', from: id, to: x });
        next.push({ kind: 'execution', row });
      }
    } else {
      const id = provNodeId.datasetVersion(w.id, w.version);
      for (const { job_id } of this.s.generatedBy.all(w.id, w.version)) {
        const j = this.jobNode(g, job_id);
        if (!j) continue;
        g.edge({ relation: 'wasGeneratedBy', from: id, to: j });
        for (const d of this.jobUsed(job_id)) {
          const n = this.datasetNode(g, d);
          if (n) g.edge({ relation: 'wasDerivedFrom', from: id, to: n });
        }
        next.push({ kind: 'job', jobId: job_id });
      }
    }
    return next;
  }

  private jobUsed(jobId: string): DatasetVersionRef[] {
    return this.s.jobDatasets
      .all(jobId, 'used')
      .map((d) => ({ id: d.dataset_id, version: d.version, sha256: d.sha256 }));
  }

  private walk(g: GraphBuilder, start: Work[]): void {
    const seen = new Set<string>();
    const key = (w: Work) =>
      w.kind === 'execution' ? `e${w.row.seq}` : w.kind === 'job' ? `j${w.jobId}` : `d${w.id}@${w.version}`;
    const queue = [...start];
    while (queue.length > 0 && !g.truncated) {
      const w = queue.shift()!;
      if (seen.has(key(w))) continue;
      seen.add(key(w));
      queue.push(...this.expandUp(g, w));
    }
  }

  /** What produced these executions (and the output they share, when asked by output). */
  upstream(start: { executions: ExecutionRow[]; output?: string }, maxNodes: number): ProvGraph {
    this.parsed.clear();
    const g = new GraphBuilder(maxNodes);
    const roots: string[] = [];
    for (const row of start.executions) {
      const e = this.capture(row);
      const exec = this.executionNode(g, row, e);
      if (!exec) break;
      if (start.output) {
        const o = e.outputs.find((x) => x.sha256 === start.output)!;
        this.outputNode(g, exec, o, e.endedAt);
      } else roots.push(exec);
    }
    if (start.output) roots.push(provNodeId.output(start.output));
    this.walk(
      g,
      start.executions.map((row) => ({ kind: 'execution', row }))
    );
    this.parsed.clear();
    return g.graph(roots);
  }

  /** Every execution of a run with its outputs and everything upstream, and the run's reproductions. */
  wholeRun(runId: string, reproductions: ReproductionRow[]): ProvGraph {
    this.parsed.clear();
    const g = new GraphBuilder(Number.MAX_SAFE_INTEGER);
    const rows = this.s.ofRun.all(runId);
    for (const row of rows) {
      const e = this.capture(row);
      const exec = this.executionNode(g, row, e)!;
      for (const o of e.outputs) this.outputNode(g, exec, o, e.endedAt);
    }
    this.walk(
      g,
      rows.map((row) => ({ kind: 'execution', row }))
    );
    const run = provNodeId.run(runId);
    for (const r of reproductions) {
      const report = JSON.parse(r.report) as ReproducibilityReport;
      const id = provNodeId.reproduction(report.reproductionId);
      g.node({
        id,
        kind: 'reproduction',
        prov: 'activity',
        reproductionId: report.reproductionId,
        state: report.state,
        reproducible: report.reproducible,
        startedAt: report.startedAt,
        ...(report.endedAt ? { endedAt: report.endedAt } : {}),
        label: `reproduction (${report.summary.reproduced + report.summary.withinTolerance}/${report.summary.total} reproduced)`
      });
      g.edge({ relation: 'wasInformedBy', from: id, to: run, role: 'original run' });
      const rerun = this.runNode(g, report.runId);
      if (rerun) g.edge({ relation: 'wasStartedBy', from: rerun, to: id });
    }
    this.parsed.clear();
    return g.graph([run]);
  }

  /**
   * Which runs and outputs used a dataset version: cells that used it (direct), cells after them
   * in the same kernel, jobs that staged it in, versions those jobs generated (and, in turn, their users).
   */
  impact(dataset: DatasetVersionRef, maxNodes: number): ImpactAnswer {
    this.parsed.clear();
    const runs = new Map<string, ImpactAnswer['runs'][number]>();
    const executions = new Map<number, { direct: boolean }>();
    const outputs: ImpactAnswer['outputs'] = [];
    const jobs = new Map<string, ImpactAnswer['jobs'][number]>();
    const derived: ImpactAnswer['derived'] = [];
    let budget = maxNodes;
    let truncated = false;
    const spend = () => (budget-- > 0 ? true : ((truncated = true), false));

    const addExecution = (row: ExecutionRow, direct: boolean) => {
      const known = executions.get(row.seq);
      if (known) {
        known.direct ||= direct;
        return false;
      }
      if (!spend()) return false;
      executions.set(row.seq, { direct });
      return true;
    };
    const datasets: { ref: DatasetVersionRef; direct: boolean }[] = [{ ref: dataset, direct: true }];
    const seenDatasets = new Set<string>();
    const seeds: { row: ExecutionRow; direct: boolean }[] = [];
    while (datasets.length && !truncated) {
      const { ref, direct } = datasets.shift()!;
      if (seenDatasets.has(`${ref.id}@${ref.version}`)) continue;
      seenDatasets.add(`${ref.id}@${ref.version}`);
      for (const row of this.s.directUses.all(ref.id, ref.version)) seeds.push({ row, direct });
      for (const { job_id } of this.s.jobsUsing.all(ref.id, ref.version)) {
        if (jobs.has(job_id)) continue;
        const facts = this.jobLookup(job_id);
        const row = this.s.jobRow.get(job_id);
        if (!spend()) break;
        jobs.set(job_id, {
          jobId: job_id,
          name: facts?.name ?? row?.name ?? job_id,
          facility: facts?.facility ?? row?.facility ?? 'unknown',
          state: facts?.state ?? row?.state ?? 'unknown'
        });
        for (const { execution_seq } of this.s.awaiting.all(job_id)) {
          const r = this.s.bySeq.get(execution_seq);
          if (r) seeds.push({ row: r, direct: false });
        }
        for (const d of this.s.jobDatasets.all(job_id, 'generated')) {
          const ref2 = { id: d.dataset_id, version: d.version, sha256: d.sha256 };
          derived.push({ ...ref2, jobId: job_id });
          datasets.push({ ref: ref2, direct: false });
        }
      }
    }
    for (const { row, direct } of seeds) {
      addExecution(row, direct);
      // Everything after it in the same kernel ran on state it may have set.
      for (const later of this.s.later.all(row.run_id, row.started_ms, row.started_ms, row.seq))
        addExecution(later, false);
    }
    for (const [seq, { direct }] of executions) {
      const row = this.s.bySeq.get(seq)!;
      const e = this.capture(row);
      let run = runs.get(e.runId);
      if (!run) {
        const r = this.s.run.get(e.runId)!;
        run = {
          runId: e.runId,
          notebook: { id: r.notebook_id, path: r.notebook_path },
          user: r.user,
          startedAt: r.started_at,
          executions: []
        };
        runs.set(e.runId, run);
      }
      run.executions.push({ executionId: e.executionId, cellId: e.cellId, executionCount: e.executionCount, direct });
      for (const o of this.s.outputsOf.all(seq))
        outputs.push({
          sha256: o.sha256,
          executionId: e.executionId,
          runId: e.runId,
          cellId: e.cellId,
          outputType: o.output_type as 'stream',
          direct
        });
    }
    this.parsed.clear();
    return { dataset, runs: [...runs.values()], outputs, jobs: [...jobs.values()], derived, truncated };
  }
}

/** The environment fields an execution node carries, when capture recorded any. */
function environmentOf(env: Capture['environment']): { environment?: ExecutionEnvironmentIds } {
  const ids: ExecutionEnvironmentIds = {
    ...(env.helperVersion !== undefined ? { helperVersion: env.helperVersion } : {}),
    ...(env.lockfileSha256 !== undefined ? { lockfileSha256: env.lockfileSha256 } : {}),
    ...(env.lockfile !== undefined ? { lockfile: env.lockfile } : {})
  };
  return Object.keys(ids).length ? { environment: ids } : {};
}
type ExecutionEnvironmentIds = Pick<ExecutionEnvironment, 'helperVersion' | 'lockfileSha256' | 'lockfile'>;
