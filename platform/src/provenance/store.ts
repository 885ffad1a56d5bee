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
import { ServiceKey } from '../services';

/** The key under which the provenance module provides its store to other modules. */
export const PROVENANCE_SERVICE = new ServiceKey<ProvenanceStore>('provenance');

/** Who records a run first: it belongs to them and to their selected project. */
export interface RunRecorder {
  user: string;
  project: string;
}
/** A run's owner (null: recorded before runs had owners) and project. */
export interface RunAccess {
  owner: string | null;
  project: string;
}
/** A condition over prov_runs with its parameters. */
export interface SqlFilter {
  sql: string;
  params: string[];
}

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
  /** `recorder`: whose a run first recorded here is (its owner and project; default: nobody's, the default project). */
  recordExecutions(executions: readonly CellExecution[], recorder?: RunRecorder): RecordedExecutions;
  /** `visible`: only the runs this SQL condition over prov_runs admits (policy.runVisibleSql). */
  listRuns(notebookId: string, query: { limit: number; cursor?: string }, visible?: SqlFilter): RunList;
  /** Whose a run is, for the access policy; undefined when it is not recorded. */
  runAccess(runId: string): RunAccess | undefined;
  getRun(runId: string): RunDetail;
  timeline(runId: string): RunTimeline;
  /** `visibleRun`: executions of other runs are left out (none left: not found). */
  lineage(query: LineageQuery, visibleRun?: (runId: string) => boolean): ProvGraph;
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
