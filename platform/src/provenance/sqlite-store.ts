import {
  DEFAULT_PROJECT,
  GenesisError,
  canonicalJson,
  cellStaleness,
  pinsFromLineage,
  sha256Hex,
  type CellExecution,
  type DatasetGeneration,
  type DatasetVersionRef,
  type ExecutionRecord,
  type ImpactAnswer,
  type LineageQuery,
  type LineageRecord,
  type NormalizedOutput,
  type ProvGraph,
  type RecordedExecutions,
  type ReproducibilityReport,
  type ReproductionSummary,
  type RunDetail,
  type RunList,
  type RunSummary,
  type RunTimeline,
  type TimelineEntry
} from '@genesis-lab/contract';
import type { Db } from '../db/database';
import { ProvGraphWalker } from './sqlite-graph';
import type { JobFacts, ProvenanceStore, RunAccess, RunRecorder, SqlFilter } from './store';

export interface RunRow {
  run_id: string;
  notebook_id: string;
  notebook_path: string;
  user: string;
  kernel: string;
  recorded_by: string;
  started_at: string;
  started_ms: number;
  last_at: string;
  last_ms: number;
  executions: number;
  failed: number;
  project: string;
  owner: string | null;
}

export interface ExecutionRow {
  seq: number;
  execution_id: string;
  run_id: string;
  cell_id: string;
  cell_index: number;
  code_sha256: string;
  execution_count: number | null;
  started_at: string;
  started_ms: number;
  ended_at: string;
  success: number;
  record: string;
  content_hash: string;
  recorded_at: string;
}

export interface ReproductionRow {
  reproduction_id: string;
  original_run_id: string | null;
  run_id: string;
  state: string;
  report: string;
  started_at: string;
  updated_at: string;
}

/** What the record column holds: the capture without its code and output contents (stored content-addressed). */
type StoredCapture = Omit<CellExecution, 'code' | 'outputs'> & {
  outputs: { sha256: string; outputType: CellExecution['outputs'][number]['outputType']; mimeTypes: string[] }[];
};

/** Looks a job up in the jobs service (state now, times, its stage-in resolved); undefined when unknown there. */
export type JobLookup = (jobId: string) => JobFacts | undefined;

function notFound(what: string, hint?: string): never {
  throw new GenesisError('not_found', what, hint ? { hint } : {});
}

function encodeCursor(row: { started_ms: number; run_id: string }): string {
  return Buffer.from(`${row.started_ms}:${row.run_id}`).toString('base64url');
}

function decodeCursor(cursor: string): { ms: number; id: string } {
  const m = /^(-?\d+):(.+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new GenesisError('bad_request', 'Invalid cursor: pass the nextCursor of a previous answer');
  return { ms: Number(m[1]), id: m[2]! };
}

/**
 * The provenance store on the platform's SQLite database. Every batch is one IMMEDIATE
 * transaction (the database runs with synchronous=FULL), so a 2xx means the batch is on disk.
 */
export class SqliteProvenanceStore implements ProvenanceStore {
  private readonly s;
  private readonly walker: ProvGraphWalker;

  constructor(
    readonly db: Db,
    private readonly jobLookup: JobLookup = () => undefined
  ) {
    this.s = {
      executionById: db.prepare<[string], ExecutionRow>('SELECT * FROM prov_executions WHERE execution_id = ?'),
      insertSource: db.prepare('INSERT OR IGNORE INTO prov_sources (sha256, code) VALUES (?, ?)'),
      insertOutput: db.prepare(
        `INSERT INTO prov_outputs (sha256, output_type, content) VALUES (?, ?, ?)
         ON CONFLICT (sha256) DO UPDATE SET content = excluded.content WHERE content IS NULL AND excluded.content IS NOT NULL`
      ),
      runById: db.prepare<[string], RunRow>('SELECT * FROM prov_runs WHERE run_id = ?'),
      insertRun: db.prepare(
        `INSERT INTO prov_runs (run_id, notebook_id, notebook_path, user, kernel, recorded_by, started_at, started_ms,
           last_at, last_ms, executions, failed, project, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)`
      ),
      touchRun: db.prepare(
        `UPDATE prov_runs SET executions = executions + 1, failed = failed + ?, notebook_path = ?,
           started_at = CASE WHEN ? < started_ms THEN ? ELSE started_at END, started_ms = MIN(started_ms, ?),
           last_at = CASE WHEN ? > last_ms THEN ? ELSE last_at END, last_ms = MAX(last_ms, ?) WHERE run_id = ?`
      ),
      insertExecution: db.prepare(
        `INSERT INTO prov_executions (execution_id, run_id, cell_id, cell_index, code_sha256, execution_count, started_at,
           started_ms, ended_at, success, record, content_hash, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      ),
      insertExecutionOutput: db.prepare(
        'INSERT INTO prov_execution_outputs (execution_seq, position, sha256, output_type) VALUES (?, ?, ?, ?)'
      ),
      insertDatasetUse: db.prepare(
        'INSERT INTO prov_dataset_uses (execution_seq, position, dataset_id, version, sha256, ref) VALUES (?, ?, ?, ?, ?, ?)'
      ),
      insertJobUse: db.prepare(
        'INSERT INTO prov_job_uses (execution_seq, position, job_id, action, state, at) VALUES (?, ?, ?, ?, ?, ?)'
      ),
      jobById: db.prepare<[string], { job_id: string }>('SELECT job_id FROM prov_jobs WHERE job_id = ?'),
      insertJob: db.prepare(
        'INSERT INTO prov_jobs (job_id, facility, name, state, started_at, ended_at) VALUES (?, ?, ?, ?, ?, NULL)'
      ),
      updateJobState: db.prepare('UPDATE prov_jobs SET state = ? WHERE job_id = ?'),
      insertJobDataset: db.prepare(
        `INSERT OR IGNORE INTO prov_job_datasets (job_id, role, dataset_id, version, sha256, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?)`
      ),
      runsOfNotebook: db.prepare<[string, number, number, string, number], RunRow>(
        `SELECT * FROM prov_runs WHERE notebook_id = ? AND (started_ms < ? OR (started_ms = ? AND run_id < ?))
         ORDER BY started_ms DESC, run_id DESC LIMIT ?`
      ),
      executionsOfRun: db.prepare<[string], ExecutionRow>(
        'SELECT * FROM prov_executions WHERE run_id = ? ORDER BY started_ms, seq'
      ),
      source: db.prepare<[string], { code: string }>('SELECT code FROM prov_sources WHERE sha256 = ?'),
      output: db.prepare<[string], { output_type: string; content: string | null }>(
        'SELECT output_type, content FROM prov_outputs WHERE sha256 = ?'
      ),
      reproductionById: db.prepare<[string], ReproductionRow>(
        'SELECT * FROM prov_reproductions WHERE reproduction_id = ?'
      ),
      reproductionsOf: db.prepare<[string], ReproductionRow>(
        'SELECT * FROM prov_reproductions WHERE original_run_id = ? ORDER BY started_at DESC'
      ),
      reproductionByRun: db.prepare<[string], ReproductionRow>(
        'SELECT * FROM prov_reproductions WHERE run_id = ? LIMIT 1'
      ),
      upsertReproduction: db.prepare(
        `INSERT INTO prov_reproductions (reproduction_id, original_run_id, run_id, state, report, started_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (reproduction_id) DO UPDATE SET state = excluded.state,
         report = excluded.report, updated_at = excluded.updated_at`
      ),
      generation: db.prepare<[string, string, string], { job_id: string }>(
        `SELECT job_id FROM prov_job_datasets WHERE job_id = ? AND role = 'generated' AND dataset_id = ? AND version = ?`
      )
    };
    this.walker = new ProvGraphWalker(db, this.jobLookup);
  }

  // ---- writes ------------------------------------------------------------------------------

  transaction<T>(fn: () => T): T {
    // Nested better-sqlite3 transactions (each write's own) become savepoints inside this one.
    return this.db.transaction(fn).immediate();
  }

  recordExecutions(executions: readonly CellExecution[], recorder?: RunRecorder): RecordedExecutions {
    return this.db
      .transaction(() => {
        const results: RecordedExecutions['results'] = [];
        for (const e of executions) results.push({ executionId: e.executionId, status: this.recordOne(e, recorder) });
        const created = results.filter((r) => r.status === 'created').length;
        return { created, duplicates: results.length - created, results };
      })
      .immediate();
  }

  private recordOne(e: CellExecution, recorder: RunRecorder | undefined): 'created' | 'duplicate' {
    const contentHash = sha256Hex(canonicalJson(e));
    const known = this.s.executionById.get(e.executionId);
    if (known) {
      if (known.content_hash === contentHash) return 'duplicate';
      throw new GenesisError(
        'conflict',
        `Execution ${e.executionId} was already recorded with other content; execution ids must be unique`,
        { hint: 'A resend must carry exactly what was sent first; a new execution needs a new uuid' }
      );
    }
    const startedMs = Date.parse(e.startedAt);
    const endedMs = Date.parse(e.endedAt);
    const run = this.s.runById.get(e.runId);
    if (run && run.notebook_id !== e.notebook.id)
      throw new GenesisError(
        'conflict',
        `Run ${e.runId} belongs to notebook ${run.notebook_id}, not ${e.notebook.id} (execution ${e.executionId})`,
        { hint: 'Each notebook session needs its own run id' }
      );
    if (!run)
      this.s.insertRun.run(
        e.runId,
        e.notebook.id,
        e.notebook.path,
        e.user,
        JSON.stringify(e.environment.kernel),
        e.environment.client.name,
        e.startedAt,
        startedMs,
        e.endedAt,
        endedMs,
        recorder?.project ?? DEFAULT_PROJECT,
        recorder?.user ?? null
      );
    this.s.touchRun.run(
      e.success ? 0 : 1,
      e.notebook.path,
      startedMs,
      e.startedAt,
      startedMs,
      endedMs,
      e.endedAt,
      endedMs,
      e.runId
    );

    this.s.insertSource.run(e.codeSha256, e.code);
    for (const o of e.outputs)
      this.s.insertOutput.run(o.sha256, o.outputType, o.content ? JSON.stringify(o.content) : null);
    const { code: _code, outputs, ...rest } = e;
    const stored: StoredCapture = {
      ...rest,
      outputs: outputs.map((o) => ({ sha256: o.sha256, outputType: o.outputType, mimeTypes: o.mimeTypes }))
    };
    const now = new Date().toISOString();
    const seq = Number(
      this.s.insertExecution.run(
        e.executionId,
        e.runId,
        e.cellId,
        e.cellIndex,
        e.codeSha256,
        e.executionCount,
        e.startedAt,
        startedMs,
        e.endedAt,
        e.success ? 1 : 0,
        JSON.stringify(stored),
        contentHash,
        now
      ).lastInsertRowid
    );
    outputs.forEach((o, i) => this.s.insertExecutionOutput.run(seq, i, o.sha256, o.outputType));
    e.lineage.forEach((r, i) => this.recordUse(seq, i, r, now));
    return 'created';
  }

  private recordUse(seq: number, position: number, r: LineageRecord, now: string): void {
    if (r.kind === 'dataset') {
      this.s.insertDatasetUse.run(seq, position, r.id, r.version, r.sha256, r.ref);
      return;
    }
    // A model use lives in the stored capture and in the run's pins (pinsFromLineage).
    if (r.kind === 'model') return;
    this.s.insertJobUse.run(seq, position, r.jobId, r.action, r.state, r.at);
    if (this.s.jobById.get(r.jobId)) {
      this.s.updateJobState.run(r.state, r.jobId);
      return;
    }
    this.s.insertJob.run(r.jobId, r.facility, r.name, r.state, r.at);
    // What the job staged in, resolved now (as close to its start as provenance gets to see it).
    for (const d of this.jobLookup(r.jobId)?.used ?? [])
      this.s.insertJobDataset.run(r.jobId, 'used', d.id, d.version, d.sha256, now);
  }

  recordGeneration(g: DatasetGeneration, sha256: string, job?: Omit<JobFacts, 'jobId'>): { created: boolean } {
    return this.db
      .transaction(() => {
        if (this.s.generation.get(g.jobId, g.dataset.id, g.dataset.version)) return { created: false };
        const now = new Date().toISOString();
        if (!this.s.jobById.get(g.jobId)) {
          const facts = this.jobLookup(g.jobId) ?? job;
          if (!facts) notFound(`No job "${g.jobId}"`, 'List jobs with: genesis jobs list');
          this.s.insertJob.run(g.jobId, facts.facility, facts.name, facts.state, facts.startedAt ?? now);
          for (const d of facts.used) this.s.insertJobDataset.run(g.jobId, 'used', d.id, d.version, d.sha256, now);
        }
        this.s.insertJobDataset.run(g.jobId, 'generated', g.dataset.id, g.dataset.version, sha256, now);
        return { created: true };
      })
      .immediate();
  }

  putReproduction(report: ReproducibilityReport): ReproducibilityReport {
    return this.db
      .transaction(() => {
        const known = this.s.reproductionById.get(report.reproductionId);
        const json = JSON.stringify(report);
        if (known && known.state !== 'running' && canonicalJson(JSON.parse(known.report)) !== canonicalJson(report))
          throw new GenesisError(
            'conflict',
            `Reproduction ${report.reproductionId} is ${known.state}: its report is final and cannot be replaced`
          );
        if (known && (known.run_id !== report.runId || known.original_run_id !== report.originalRunId))
          throw new GenesisError(
            'conflict',
            `Reproduction ${report.reproductionId} was recorded for run ${known.run_id} (original ${known.original_run_id ?? 'none'})`
          );
        this.s.upsertReproduction.run(
          report.reproductionId,
          report.originalRunId,
          report.runId,
          report.state,
          json,
          report.startedAt,
          new Date().toISOString()
        );
        return report;
      })
      .immediate();
  }

  // ---- reads -------------------------------------------------------------------------------

  private run(runId: string): RunRow {
    return (
      this.s.runById.get(runId) ??
      notFound(`No run "${runId}" is recorded`, 'List the runs of a notebook: GET /api/provenance/notebooks/{id}/runs')
    );
  }

  private summary(row: RunRow): RunSummary {
    const distinct = this.db
      .prepare<[string], { n: number }>('SELECT COUNT(DISTINCT cell_id) AS n FROM prov_executions WHERE run_id = ?')
      .get(row.run_id)!.n;
    const reproduction = this.s.reproductionByRun.get(row.run_id);
    return {
      runId: row.run_id,
      notebook: { id: row.notebook_id, path: row.notebook_path },
      user: row.user,
      kernel: JSON.parse(row.kernel) as RunSummary['kernel'],
      recordedBy: row.recorded_by as RunSummary['recordedBy'],
      startedAt: row.started_at,
      lastActivityAt: row.last_at,
      executions: row.executions,
      failed: row.failed,
      cells: distinct,
      ...(reproduction?.original_run_id ? { reproductionOf: reproduction.original_run_id } : {}),
      project: row.project
    };
  }

  runAccess(runId: string): RunAccess | undefined {
    const row = this.s.runById.get(runId);
    return row ? { owner: row.owner, project: row.project } : undefined;
  }

  listRuns(notebookId: string, query: { limit: number; cursor?: string }, visible?: SqlFilter): RunList {
    const after = query.cursor ? decodeCursor(query.cursor) : { ms: Number.MAX_SAFE_INTEGER, id: '' };
    const args = [notebookId, after.ms, after.ms, after.id || '\uffff'] as const;
    const rows = visible
      ? this.db
          .prepare<unknown[], RunRow>(
            `SELECT * FROM prov_runs WHERE notebook_id = ? AND (started_ms < ? OR (started_ms = ? AND run_id < ?))
             AND ${visible.sql} ORDER BY started_ms DESC, run_id DESC LIMIT ?`
          )
          .all(...args, ...visible.params, query.limit + 1)
      : this.s.runsOfNotebook.all(...args, query.limit + 1);
    const page = rows.slice(0, query.limit);
    return {
      notebookId,
      runs: page.map((r) => this.summary(r)),
      ...(rows.length > query.limit ? { nextCursor: encodeCursor(page[page.length - 1]!) } : {})
    };
  }

  private executionRecord(row: ExecutionRow): ExecutionRecord {
    const stored = JSON.parse(row.record) as StoredCapture;
    const { schemaVersion: _v, ...rest } = stored;
    return {
      ...rest,
      code: this.getSource(row.code_sha256),
      outputs: stored.outputs.map((o) => ({ ...o, stored: this.s.output.get(o.sha256)?.content != null })),
      recordedAt: row.recorded_at
    };
  }

  private reproductionSummary(row: ReproductionRow): ReproductionSummary {
    const r = JSON.parse(row.report) as ReproducibilityReport;
    return {
      reproductionId: r.reproductionId,
      runId: r.runId,
      state: r.state,
      reproducible: r.reproducible,
      startedAt: r.startedAt,
      ...(r.endedAt ? { endedAt: r.endedAt } : {})
    };
  }

  getRun(runId: string): RunDetail {
    const run = this.run(runId);
    const executions = this.s.executionsOfRun.all(runId).map((r) => this.executionRecord(r));
    return {
      run: this.summary(run),
      executions,
      staleness: cellStaleness(executions),
      pins: pinsFromLineage(executions.flatMap((e) => e.lineage)),
      reproductions: this.s.reproductionsOf.all(runId).map((r) => this.reproductionSummary(r))
    };
  }

  timeline(runId: string): RunTimeline {
    const run = this.run(runId);
    const entries: TimelineEntry[] = [];
    const jobs = new Map<string, Extract<TimelineEntry, { kind: 'job' }>>();
    for (const row of this.s.executionsOfRun.all(runId)) {
      const e = JSON.parse(row.record) as StoredCapture;
      entries.push({
        kind: 'execution',
        executionId: e.executionId,
        cellId: e.cellId,
        executionCount: e.executionCount,
        startedAt: e.startedAt,
        endedAt: e.endedAt,
        durationMs: Date.parse(e.endedAt) - Date.parse(e.startedAt),
        success: e.success,
        datasets: e.lineage.flatMap((r) =>
          r.kind === 'dataset' ? [{ id: r.id, version: r.version, sha256: r.sha256 }] : []
        ),
        jobs: [...new Set(e.lineage.flatMap((r) => (r.kind === 'job' ? [r.jobId] : [])))]
      });
      for (const r of e.lineage) {
        if (r.kind !== 'job') continue;
        const seen = jobs.get(r.jobId);
        if (seen) {
          seen.state = r.state;
          continue;
        }
        const entry = {
          kind: 'job' as const,
          jobId: r.jobId,
          name: r.name,
          facility: r.facility,
          state: r.state,
          startedAt: r.at,
          executionId: e.executionId
        };
        jobs.set(r.jobId, entry);
        entries.push(entry);
      }
    }
    for (const entry of jobs.values()) {
      const now = this.jobLookup(entry.jobId);
      if (now) {
        entry.state = now.state;
        if (now.endedAt) Object.assign(entry, { endedAt: now.endedAt });
      }
    }
    for (const row of this.s.reproductionsOf.all(runId)) {
      const r = this.reproductionSummary(row);
      entries.push({
        kind: 'reproduction',
        reproductionId: r.reproductionId,
        state: r.state,
        startedAt: r.startedAt,
        ...(r.endedAt ? { endedAt: r.endedAt } : {})
      });
    }
    entries.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    return { runId, startedAt: run.started_at, endedAt: run.last_at, entries };
  }

  lineage(query: LineageQuery, visibleRun: (runId: string) => boolean = () => true): ProvGraph {
    if (query.execution !== undefined) {
      const found = this.s.executionById.get(query.execution);
      const row = found && visibleRun(found.run_id) ? found : notFound(`No execution "${query.execution}" is recorded`);
      return this.walker.upstream({ executions: [row] }, query.maxNodes);
    }
    const rows = this.db
      .prepare<[string], ExecutionRow>(
        `SELECT e.* FROM prov_execution_outputs o JOIN prov_executions e ON e.seq = o.execution_seq
         WHERE o.sha256 = ? GROUP BY e.seq ORDER BY e.started_ms, e.seq`
      )
      .all(query.output!)
      .filter((r) => visibleRun(r.run_id));
    if (rows.length === 0)
      notFound(
        `No recorded cell produced an output with hash ${query.output}`,
        'Hash outputs with digestOutputs() of @genesis-lab/contract, as capture does'
      );
    return this.walker.upstream({ executions: rows, output: query.output! }, query.maxNodes);
  }

  runGraph(runId: string): ProvGraph {
    this.run(runId);
    return this.walker.wholeRun(runId, this.s.reproductionsOf.all(runId));
  }

  impact(dataset: DatasetVersionRef, maxNodes: number): ImpactAnswer {
    return this.walker.impact(dataset, maxNodes);
  }

  getReproduction(reproductionId: string): ReproducibilityReport {
    const row =
      this.s.reproductionById.get(reproductionId) ?? notFound(`No reproduction "${reproductionId}" is recorded`);
    return JSON.parse(row.report) as ReproducibilityReport;
  }

  usedVersion(id: string, version: string): DatasetVersionRef | undefined {
    const row = this.db
      .prepare<[string, string], { sha256: string }>(
        'SELECT sha256 FROM prov_dataset_uses WHERE dataset_id = ? AND version = ? LIMIT 1'
      )
      .get(id, version);
    return row ? { id, version, sha256: row.sha256 } : undefined;
  }

  getSource(sha256: string): string {
    return (this.s.source.get(sha256) ?? notFound(`No cell source with sha256 ${sha256} is stored`)).code;
  }

  getOutput(sha256: string): { sha256: string; output: NormalizedOutput } {
    const row = this.s.output.get(sha256);
    if (!row) notFound(`No output with hash ${sha256} is recorded`);
    if (row.content === null)
      notFound(`The output with hash ${sha256} was recorded by hash only (it was larger than capture keeps)`);
    return { sha256, output: JSON.parse(row.content) as NormalizedOutput };
  }

  capturedExecutions(runId: string): CellExecution[] {
    this.run(runId);
    return this.s.executionsOfRun.all(runId).map((row) => {
      const stored = JSON.parse(row.record) as StoredCapture;
      return {
        ...stored,
        code: this.getSource(row.code_sha256),
        outputs: stored.outputs.map((o) => {
          const content = this.s.output.get(o.sha256)?.content;
          return { ...o, ...(content ? { content: JSON.parse(content) as NormalizedOutput } : {}) };
        })
      };
    });
  }
}
