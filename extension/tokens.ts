import type { RouteInput } from '@genesis-lab/client/core';
import { Token } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import type {
  AuditPage,
  AuditVerification,
  CatalogChanged,
  DatasetRecord,
  CellExecutionInput,
  CrateExportRequest,
  FacilityInfo,
  Health,
  Identity,
  Job,
  JobList,
  JobSpecInput,
  JobUpdate,
  LogStream,
  ManagedPlatformAction,
  ModelRecord,
  ManagedPlatformStatus,
  ProvJson,
  ReproductionRequest,
  ReproductionStarted,
  RecordedExecutions,
  ReproducibilityReport,
  RunDetail,
  RunList,
  SearchQueryInput,
  SearchResult
} from '@genesis-lab/contract';

/**
 * How the extension currently reaches the platform. `unreachable` means the network or the
 * proxy failed (the platform is down or not installed); `error` means the platform answered
 * but refuses us (wrong token); both carry a message a user can act on.
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'unreachable' | 'error';

export interface IConnectionState {
  readonly status: ConnectionStatus;
  /** What went wrong, in one sentence; absent when connected. */
  readonly message?: string;
  /** How to fix it, or the details behind the message (may be long: a command's output). */
  readonly hint?: string;
  /** Where the extension looks for the platform (for messages). */
  readonly url: string;
  /** The platform version once connected. */
  readonly version?: string;
  /** The Jupyter server keeps its platform stopped: a user can start it (`startPlatform`). */
  readonly startable?: boolean;
}

/** The first rows of one dataset version, decoded from the Arrow stream. */
export interface IPreviewTable {
  readonly columns: ReadonlyArray<{ name: string; type: string; unit?: string }>;
  /** Row-major cell values, already turned into display text or numbers. */
  readonly rows: ReadonlyArray<ReadonlyArray<string | number | null>>;
  /** True when the stream had more rows than asked for (reading stopped early). */
  readonly truncated: boolean;
}

/** A live view of one job log stream: resumes by byte offset, never shows a byte twice. */
export interface ILogTail extends IDisposable {
  readonly jobId: string;
  readonly stream: LogStream;
  /** The text received so far (from `startOffset`). */
  readonly text: string;
  /** Byte offset of the first byte of `text` in the log file (> 0 when only the tail was fetched). */
  readonly startOffset: number;
  /** Byte offset just after `text`. */
  readonly nextOffset: number;
  /** True once the job is final and the whole file has been read. */
  readonly eof: boolean;
  readonly error: string | null;
  readonly changed: ISignal<ILogTail, void>;
  /** Read what the file has beyond `nextOffset` now (the job just ended: do not wait for the push). */
  catchUp(): void;
}

export interface IPreviewOptions {
  limit: number;
  columns?: string[];
  signal?: AbortSignal;
}

/**
 * The one place the extension does I/O with the platform: HTTP (through the Jupyter server's
 * `/genesis/` proxy, or a configured platform URL) and socket.io. Every response is validated
 * with the contract's schemas; every failure is a `GenesisError` carrying the platform's own
 * message, or code `unavailable` when the platform cannot be reached.
 */
export interface IGenesisClient extends IDisposable {
  readonly connection: IConnectionState;
  readonly connectionChanged: ISignal<IGenesisClient, IConnectionState>;
  /** Re-check the platform now (the Retry button) and reconnect the socket. */
  retry(): Promise<void>;
  /**
   * The platform the Jupyter server runs for this lab (proxy mode), or null for a platform
   * configured by URL. `controlPlatform` starts, stops or restarts it.
   */
  managedPlatform(): Promise<ManagedPlatformStatus | null>;
  controlPlatform(action: ManagedPlatformAction['action']): Promise<ManagedPlatformStatus>;
  /** Whether live events (socket.io) flow now; consumers catch up over HTTP when it turns true. */
  readonly live: boolean;
  readonly liveChanged: ISignal<IGenesisClient, boolean>;

  health(signal?: AbortSignal): Promise<Health>;
  /** Who the lab's platform token belongs to: user, scopes, clearances, projects and roles. */
  identity(signal?: AbortSignal): Promise<Identity>;
  search(query: SearchQueryInput, signal?: AbortSignal): Promise<SearchResult>;
  record(id: string, signal?: AbortSignal): Promise<DatasetRecord>;
  /** A model record: card, signature, runtime and every version (newest first). */
  model(id: string, signal?: AbortSignal): Promise<ModelRecord>;
  /** The record as Croissant JSON-LD, its links pointing where this lab reaches the platform. */
  croissant(id: string, signal?: AbortSignal): Promise<unknown>;
  /**
   * The URL the browser opens for a platform path (a distribution's `contentUrl`, a route path):
   * through the Jupyter proxy, which adds the platform token, so a plain link downloads.
   */
  downloadUrl(path: string): string;
  preview(id: string, version: string, options: IPreviewOptions): Promise<IPreviewTable>;
  readonly catalogChanged: ISignal<IGenesisClient, CatalogChanged>;

  facilities(signal?: AbortSignal): Promise<FacilityInfo[]>;
  listJobs(query?: RouteInput<'listJobs'>['query'], signal?: AbortSignal): Promise<JobList>;
  getJob(id: string, signal?: AbortSignal): Promise<Job>;
  submitJob(spec: JobSpecInput): Promise<Job>;
  cancelJob(id: string): Promise<Job>;
  /** Push updates of every job while at least one watcher is alive (ref-counted socket subscription). */
  watchJobs(): IDisposable;
  readonly jobUpdated: ISignal<IGenesisClient, JobUpdate>;
  /** Follow a job log live: the last `tailBytes` first, then every new byte, across reconnects. */
  tailLog(jobId: string, stream: LogStream, tailBytes: number): ILogTail;

  /** Record captured cell executions (idempotent by executionId: a resend answers "duplicate"). */
  recordExecutions(executions: CellExecutionInput[], signal?: AbortSignal): Promise<RecordedExecutions>;
  /** A notebook's recorded runs, newest first. */
  notebookRuns(notebookId: string, signal?: AbortSignal): Promise<RunList>;
  /** A run with its executions in execution order, staleness, pins and reproductions. */
  provenanceRun(runId: string, signal?: AbortSignal): Promise<RunDetail>;
  reproduction(reproductionId: string, signal?: AbortSignal): Promise<ReproducibilityReport>;
  /** The run as W3C PROV-JSON. */
  provJson(runId: string, signal?: AbortSignal): Promise<ProvJson>;
  /** The run as an RO-Crate zip, with the notebook as the lab holds it when given. */
  exportCrate(runId: string, notebook?: CrateExportRequest, signal?: AbortSignal): Promise<Blob>;

  /** A page of the audit log, filtered (maintainers of a project and admins; others: forbidden). */
  audit(query: RouteInput<'audit'>['query'], signal?: AbortSignal): Promise<AuditPage>;
  /** Check the audit log's keyed hash chain (admins). */
  verifyAudit(signal?: AbortSignal): Promise<AuditVerification>;
  /** Reproduce a recorded run as a job on a facility; the job records its report as it goes. */
  startReproduction(
    runId: string,
    request: Partial<ReproductionRequest>,
    signal?: AbortSignal
  ): Promise<ReproductionStarted>;
}

export const IGenesisClient = new Token<IGenesisClient>(
  'genesis-lab:IGenesisClient',
  'The Genesis platform client: catalog, data preview, jobs and live events.'
);
