import type {
  ErrorIssue,
  FacilityCapabilities,
  FacilityConfig,
  JobReason,
  JobSpec,
  JobState,
  LogStream
} from '@genesis-lab/contract';

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
 * One facility behind one interface. The job service owns state and persistence; a
 * connector translates specs, talks to its scheduler, and reports what it sees through the
 * sink. A new kind (quantum, instrument) implements this and joins `createConnector`.
 */
export interface FacilityConnector {
  readonly name: string;
  readonly kind: string;
  readonly config: FacilityConfig;

  capabilities(): FacilityCapabilities;
  /** What in this spec the facility cannot honour (JSON paths under `body`); empty = fine. */
  validate(spec: JobSpec): ErrorIssue[];
  health(): FacilityHealth;

  /**
   * Begin work: discover capabilities, then reconcile every non-final job of this facility
   * (jobs that ran on while the platform was down are found again; finished ones get their
   * true final state; jobs never sent are sent now).
   */
  start(sink: ConnectorSink, open: TrackedJob[]): Promise<void>;

  /**
   * Send a persisted NEW job. Returns once the facility has it (its native id reported
   * through the sink) or has queued it. Throws SubmitRefused when the facility says no for
   * good; any other error is transient and the job stays NEW to be retried.
   */
  submit(job: TrackedJob): Promise<void>;

  /** Ask the facility to cancel; the final CANCELED comes back through the sink. */
  cancel(job: TrackedJob): Promise<void>;

  /** Where a job's log stream is written (readable by the platform), or null if not local. */
  logFile(job: TrackedJob, stream: LogStream): string | null;

  /** Counters for benchmarks and health (e.g. status calls). */
  stats(): Record<string, number>;

  stop(): Promise<void>;
}
