import type {
  ErrorIssue,
  FacilityCapabilities,
  FacilityConfig,
  JobReason,
  JobSpec,
  JobState,
  LogStream
} from '@genesis-lab/contract';
import type { FacilityStats } from './stats';

/** What a connector or the service observed; becomes a persisted event when it changes the state. */
export interface Observation {
  state: JobState;
  at?: string;
  message?: string;
  exitCode?: number | null;
  reason?: JobReason;
  nativeState?: string;
  nativeReason?: string;
}

/** What a connector knows of a job: enough to submit, find, cancel and read it. */
export interface TrackedJob {
  id: string;
  spec: JobSpec;
  nativeId: string | null;
  /** Our per-job directory: logs, the script, the exit-code file. */
  workDir: string;
  state: JobState;
  /** How often submission was attempted (0 = the facility never heard of it). */
  submitAttempts: number;
  cancelRequested: boolean;
  submittedAt: string | null;
}

/** How a connector tells the job service what it saw. The service persists, then publishes. */
export interface ConnectorSink {
  /** The scheduler's id, stored as soon as it is known. */
  nativeId(jobId: string, nativeId: string): void;
  /** A state seen at the facility; ignored unless it moves the job forward. */
  observe(jobId: string, o: Observation): void;
}

export interface FacilityHealth {
  healthy: boolean;
  message?: string;
  checkedAt: string | null;
}

/** What `adopt` found out about jobs the platform had (maybe) sent before it started. */
export interface Adoption {
  /** Jobs the facility has no trace of: it never received them. */
  unknown: string[];
  /** Jobs the facility could not be asked about now (unreachable): ask again later. */
  unreachable: string[];
}

/** Raised by `submit` when the facility refused the job for good (not a transient failure). */
export class SubmitRefused extends Error {
  constructor(
    message: string,
    readonly nativeMessage?: string
  ) {
    super(message);
    this.name = 'SubmitRefused';
  }
}

/**
 * One facility behind one interface. The job service owns state, persistence and policy
 * (what to resend, what a cancel before sending means); a connector translates specs, talks to
 * its system, and reports what that system says through the sink. A new kind (quantum,
 * instrument) implements this and joins `createConnector` (docs/adding-a-facility.md).
 */
export interface FacilityConnector {
  readonly name: string;
  readonly kind: string;
  readonly config: FacilityConfig;
  /** Counters for operators and benchmarks (the facility's `stats`). */
  readonly stats: FacilityStats;

  capabilities(): FacilityCapabilities;
  /** What in this spec the facility cannot honour (JSON paths under `body`); empty = fine. */
  validate(spec: JobSpec): ErrorIssue[];
  health(): FacilityHealth;

  /** Begin work: keep the sink, `probe` the system, start following the jobs it will be given. */
  start(sink: ConnectorSink): Promise<void>;

  /**
   * Ask the system again what it offers and whether it answers (capabilities, health), so a
   * system that came up or recovered is seen without a restart. Never throws: a failure is the
   * facility's health.
   */
  probe(): Promise<void>;

  /**
   * Jobs sent (or maybe sent: a crash between the system's answer and the database) before
   * this start: look each up by its native id or its job directory. Follow those the system
   * knows (their true state, final or not, comes through the sink); say which it has no trace
   * of and which it could not be asked about.
   */
  adopt(jobs: TrackedJob[]): Promise<Adoption>;

  /**
   * Send a persisted NEW job. Returns once the facility has it (its native id reported
   * through the sink) or has queued it. Throws SubmitRefused when the facility says no for
   * good; any other error is transient and the job stays NEW to be retried.
   */
  submit(job: TrackedJob): Promise<void>;

  /** Ask the facility to cancel; the final CANCELED comes back through the sink. */
  cancel(job: TrackedJob): Promise<void>;

  /**
   * Release a job the facility holds; its new state comes back through the sink. Absent when
   * the facility has no holds (the release route then answers 422).
   */
  release?(job: TrackedJob): Promise<void>;

  /** Where a job's log stream is written (readable by the platform), or null if not local. */
  logFile(job: TrackedJob, stream: LogStream): string | null;

  stop(): Promise<void>;
}
