import type { NodeInfo, PartitionInfo } from './cluster';
import type { BatchSubmission } from './script';
import type { NativeStatus } from './status';

/**
 * A Slurm call that failed. `transient` errors (controller unreachable, timeouts, a broken
 * connection) say nothing about the job: retry, never conclude. The rest are Slurm's answer.
 */
export class SlurmError extends Error {
  constructor(
    message: string,
    /** What Slurm said (stderr, or the REST `errors`), for `nativeReason` and matching. */
    readonly detail: string,
    readonly transient: boolean
  ) {
    super(message);
    this.name = 'SlurmError';
  }
}

/**
 * How the Slurm connector talks to a cluster: its command-line tools (`cli`) or slurmrestd
 * (`rest`). The connector owns tracking, retries, state mapping and the exit-code file; a
 * transport only makes calls and turns answers into `NativeStatus`, `PartitionInfo`,
 * `NodeInfo`, so both transports share every decision.
 */
export interface SlurmTransport {
  readonly kind: 'cli' | 'rest';
  /** Shown as the facility's `capabilities.transport` (e.g. "rest http://host:6820 v0.0.38"). */
  readonly label: string;
  /** `attributes.custom` keys this transport can pass on. */
  readonly customAttributes: string[];
  /** Calls made so far, by command or endpoint (for stats and benchmarks). */
  readonly calls: Record<string, number>;
  /** Status calls so far (queue + completed); capability refreshes do not count. */
  statusCalls(): number;

  /** The cluster's partitions and nodes (capabilities and health). */
  cluster(): Promise<{ partitions: PartitionInfo[]; nodes: NodeInfo[] }>;
  /**
   * ONE call for the jobs the controller remembers (only `ids` when given), answered as text:
   * `parseQueue` reads it, so the connector can tell its own CPU from the wait.
   */
  fetchQueue(ids?: string[]): Promise<string>;
  /** The statuses in a `fetchQueue` answer, only `ids` when given. */
  parseQueue(text: string, ids?: string[]): NativeStatus[];
  /**
   * Final records of jobs that left the queue. The CLI reads the whole job-completion log
   * (`ids` unused); REST asks for each id (`GET /job/N`) and has no record once slurmctld
   * forgot a job. Throws when the source could not be read (not a verdict on any job).
   */
  completed(ids: string[]): Promise<NativeStatus[]>;
  /** Send a batch job; answers Slurm's job id. Throws `SlurmError` (not transient = refused). */
  submit(sub: BatchSubmission, scriptPath: string, env: NodeJS.ProcessEnv): Promise<string>;
  /** Cancel; a job that already ended is not an error. */
  cancel(nativeId: string): Promise<void>;
  /** Release a held job (`scontrol release`); throws `SlurmError` when Slurm refuses. */
  release(nativeId: string): Promise<void>;
}
