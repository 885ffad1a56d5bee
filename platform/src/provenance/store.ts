import type {
  CellExecution,
  DatasetGeneration,
  DatasetVersionRef,
  ImpactAnswer,
  LineageQuery,
  ProvGraph,
  RecordedExecutions,
  ReproducibilityReport,
  RunDetail,
  RunList,
  RunTimeline,
  StoredOutputContent
} from '@genesis-lab/contract';
import type { z } from 'zod';

/** Name under which the provenance store registers itself in `PlatformContext.services`. */
export const PROVENANCE_SERVICE = 'provenance';

/** A job as the jobs service knows it now (state, times, what it staged in). */
export interface JobFacts {
  jobId: string;
  facility: string;
  name: string;
  state: string;
  startedAt?: string;
  endedAt?: string;
  /** Dataset versions it stages in, resolved. */
  used: DatasetVersionRef[];
}

/**
 * The provenance store: writes are idempotent and durable before they return; reads answer
 * the contract's shapes. The SQLite store is the embedded one; a PostgreSQL store implements
 * the same (recursive CTEs can replace the graph walk).
 */
export interface ProvenanceStore {
  /** Run several writes as one transaction (a crate import records its run all or nothing). */
  transaction<T>(fn: () => T): T;
  /** Store a batch atomically (all or nothing). A known id with identical content is a duplicate; other content is `conflict`. */
  recordExecutions(executions: readonly CellExecution[]): RecordedExecutions;
  listRuns(notebookId: string, query: { limit: number; cursor?: string }): RunList;
  getRun(runId: string): RunDetail;
  timeline(runId: string): RunTimeline;
  lineage(query: LineageQuery): ProvGraph;
  /** Everything a run is made of (every execution, output, use, job, agent, reproduction): what exports are built from. */
  runGraph(runId: string): ProvGraph;
  impact(dataset: DatasetVersionRef, maxNodes: number): ImpactAnswer;
  /** `job`: what to record of a job neither provenance nor the jobs service knows (a crate's). */
  recordGeneration(generation: DatasetGeneration, sha256: string, job?: Omit<JobFacts, 'jobId'>): { created: boolean };
  /** Record a report; a final report is immutable (other content is `conflict`). */
  putReproduction(report: ReproducibilityReport): ReproducibilityReport;
  getReproduction(reproductionId: string): ReproducibilityReport;
  getSource(sha256: string): string;
  /** A dataset version some recorded cell used (for versions this platform's catalog does not hold). */
  usedVersion(id: string, version: string): DatasetVersionRef | undefined;
  getOutput(sha256: string): z.infer<typeof StoredOutputContent>;
  /** The executions of a run as they were captured (code and stored output content included): for crates. */
  capturedExecutions(runId: string): CellExecution[];
}
