import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  GenesisError,
  OWNER,
  isFinal,
  type AccessLevel,
  type Job,
  type JobSpec,
  type Principal
} from '@genesis-lab/contract';
import { hasRole, jobCancellable, jobVisible, roleIn } from '../access/policy';
import type { FastifyBaseLogger } from 'fastify';
import type { CatalogService } from '../catalog/service';
import { SubmitRefused, type TrackedJob } from '../facilities/connector';
import type { FacilitySet } from '../facilities/facility-set';
import { checkExecutable } from './executable';
import { newJobId } from './ids';
import type { Observations } from './observations';
import { specHash } from './spec-hash';
import { checkStaging, pinStageIn, stageIn } from './stage';
import type { StagingPolicy } from './staging-policy';
import type { Observation } from '../facilities/connector';
import { publicJob, type JobStore, type StoredJob } from './store';

/** The one verdict for a job whose cancel came before any facility heard of it. */
export const CANCELED_BEFORE_SENT: Observation = {
  state: 'CANCELED',
  reason: 'CANCELED_BY_USER',
  message: 'canceled before it was sent'
};

/** The wait before the first retry of a transiently failed submission; doubled per failure. */
export const SUBMIT_RETRY_BASE_MS = 5000;
/** The longest wait between two retries of one submission. */
export const SUBMIT_RETRY_MAX_MS = 300_000;

/** How long after its `failures`-th transient failure (from 1) a submission is tried again. */
export function submitRetryDelayMs(failures: number): number {
  return Math.min(SUBMIT_RETRY_MAX_MS, SUBMIT_RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
}

/** The connector's view of a stored job. */
export function trackedJob(j: StoredJob): TrackedJob {
  return {
    id: j.id,
    spec: j.spec,
    nativeId: j.nativeId,
    workDir: j.workDir!,
    state: j.state,
    submitAttempts: j.submitAttempts ?? 0,
    cancelRequested: j.cancelRequested ?? false,
    submittedAt: j.submittedAt
  };
}

/**
 * Getting jobs to their facility exactly once: a submit is validated (shape by the route,
 * then the program, the facility's capabilities and the staging), its directory prepared,
 * then it is persisted (NEW, its attempt recorded, under its idempotency key) before the
 * connector hears of it. A transient failure is retried; a refusal is FAILED/SUBMIT_FAILED.
 * Cancels go to the facility, or end a job no facility has yet.
 */
export class JobSubmissions {
  /**
   * Jobs whose submission failed transiently: how often, and when they are due again (backoff:
   * `submitRetryDelayMs`). The service's retry loop asks the facility about each before any
   * resend (`Reconciler.retrySubmits`): a failure may have come after the facility took the job.
   */
  private readonly failed = new Map<string, { failures: number; dueAt: number }>();
  /** Jobs whose `connector.submit` is running now (a cancel waits for its native id). */
  private readonly submitting = new Set<string>();

  constructor(
    private readonly store: JobStore,
    private readonly facilities: FacilitySet,
    private readonly observations: Observations,
    private readonly jobsDir: string,
    private readonly log: FastifyBaseLogger,
    private readonly catalog: () => CatalogService | undefined,
    /** Resolves once every facility was reconciled: requests that change jobs wait for it. */
    private readonly ready: Promise<void>,
    private readonly staging?: StagingPolicy
  ) {}

  /**
   * Submit a job. Returns the job and whether it was created (false: the idempotency key
   * was seen before and the existing job is returned).
   */
  async submit(
    spec: JobSpec,
    principal: Principal,
    headerKey?: string,
    /** Runs in the transaction that creates the job (its audit entry): never a job without it. */
    onCreated?: (job: Job) => void
  ): Promise<{ job: Job; created: boolean }> {
    if (headerKey && spec.idempotencyKey && headerKey !== spec.idempotencyKey)
      throw new GenesisError('bad_request', 'The Idempotency-Key header and spec.idempotencyKey differ', {
        hint: 'Send one of them, or the same key in both'
      });
    const key = headerKey ?? spec.idempotencyKey;
    // The HTTP server answers before reconciliation ends; a submit waits for it.
    await this.ready;
    const connector = this.facilities.require(spec.facility);
    if (spec.project !== undefined && !hasRole(principal, spec.project, 'contributor'))
      throw roleIn(principal, spec.project)
        ? new GenesisError('forbidden', `Viewers of project "${spec.project}" cannot submit jobs to it`, {
            hint: 'Ask a maintainer to make you a contributor'
          })
        : new GenesisError('not_found', `No project "${spec.project}"`);
    const program = checkExecutable(spec);
    if (program.length)
      throw new GenesisError('unprocessable', `Cannot run this job: ${program[0]!.message}`, {
        issues: program,
        hint: 'e.g. {"executable": "/bin/sh", "arguments": ["-c", "echo hi"]}'
      });
    const issues = [
      ...connector.validate(spec),
      ...checkStaging(spec, this.catalog(), principal, connector.config.clearance, this.staging)
    ];
    if (issues.length)
      throw new GenesisError(
        'unprocessable',
        `Facility "${spec.facility}" cannot run this job: ${issues[0]!.message}`,
        {
          issues,
          hint: "See the facility's capabilities with `genesis facilities` or GET /api/facilities"
        }
      );
    const id = newJobId();
    const workRoot = (connector.config as { workRoot?: string }).workRoot ?? this.jobsDir;
    const workDir = path.join(workRoot, id);
    // The idempotency hash stays the spec as sent; the stored spec names the versions staged.
    const pinned = pinStageIn(spec, this.catalog(), principal);
    const stored = key ? { ...pinned, idempotencyKey: key } : pinned;
    // The directory (and staged inputs) exist before the row: a job in the database is ready to send.
    try {
      await this.prepare(stored, workDir, principal, connector.config.clearance);
    } catch (err) {
      fs.rmSync(workDir, { recursive: true, force: true });
      throw new GenesisError('unprocessable', `Preparing the job directory failed: ${(err as Error).message}`);
    }
    // Persisted with its submission already marked as attempted, in the one transaction that
    // creates it: one fsync per submit; on restart such a job is looked up before any resend.
    const { job, created } = this.store.insertOrGet(
      {
        id,
        facility: spec.facility,
        owner: principal.user,
        spec: stored,
        specHash: specHash(spec),
        idempotencyKey: key,
        workDir,
        at: new Date().toISOString(),
        attempted: true
      },
      onCreated && ((created) => onCreated(publicJob(created)))
    );
    if (!created) {
      fs.rmSync(workDir, { recursive: true, force: true });
      return { job: publicJob(job), created: false };
    }
    this.observations.created(id);
    await this.deliver(job);
    return { job: publicJob(this.store.get(id)!), created: true };
  }

  private async prepare(spec: JobSpec, workDir: string, principal: Principal, clearance: AccessLevel): Promise<void> {
    fs.mkdirSync(workDir, { recursive: true });
    // A copy for people reading the directory; the database holds the spec, so no fsync.
    fs.writeFileSync(path.join(workDir, 'spec.json'), JSON.stringify(spec, null, 2) + '\n');
    await stageIn(spec, workDir, this.catalog(), principal, clearance);
  }

  /** Prepare the job directory, record the attempt, and hand the job to its connector. */
  async send(job: StoredJob): Promise<void> {
    try {
      // The owner's access was checked at submit; the facility's clearance is checked again here.
      await this.prepare(job.spec, job.workDir!, OWNER, this.facilities.require(job.facility).config.clearance);
    } catch (err) {
      this.observations.sink.observe(job.id, {
        state: 'FAILED',
        reason: 'SUBMIT_FAILED',
        message: `preparing the job directory failed: ${(err as Error).message}`
      });
      this.observations.flush();
      return;
    }
    await this.resend(job);
  }

  /** Send again a job whose directory is ready (its facility never received it). */
  async resend(job: StoredJob): Promise<void> {
    this.store.markSubmitAttempt(job.id, new Date().toISOString());
    await this.deliver({ ...job, submitAttempts: job.submitAttempts + 1 });
  }

  /** Call the connector for a job whose attempt is recorded. */
  private async deliver(job: StoredJob): Promise<void> {
    const connector = this.facilities.require(job.facility);
    this.submitting.add(job.id);
    try {
      await connector.submit(trackedJob(job));
      this.failed.delete(job.id);
    } catch (err) {
      if (err instanceof SubmitRefused) {
        this.failed.delete(job.id);
        this.observations.sink.observe(job.id, {
          state: 'FAILED',
          reason: 'SUBMIT_FAILED',
          message: err.message,
          ...(err.nativeMessage ? { nativeReason: err.nativeMessage } : {})
        });
      } else {
        const failures = (this.failed.get(job.id)?.failures ?? 0) + 1;
        const delay = submitRetryDelayMs(failures);
        this.log.warn({ err, jobId: job.id, failures, retryInMs: delay }, 'submission failed; will retry');
        this.failed.set(job.id, { failures, dueAt: Date.now() + delay });
      }
    } finally {
      this.submitting.delete(job.id);
    }
    this.observations.flush();
    const now = this.store.get(job.id)!;
    if (now.cancelRequested && !isFinal(now.state)) {
      // Failed, maybe after the facility took it: the retry loop asks it at once, then cancels.
      const failed = this.failed.get(job.id);
      if (failed) failed.dueAt = 0;
      await connector.cancel(trackedJob(now));
    }
  }

  /**
   * The jobs whose transiently failed submission is due again (and still unsent): the retry
   * loop asks their facility whether it has them, and resends only those it has no trace of.
   * They stay counted here until a submission succeeds or the job ends.
   */
  dueRetries(now = Date.now()): StoredJob[] {
    const due: StoredJob[] = [];
    for (const [id, f] of this.failed) {
      const job = this.store.get(id);
      if (!job || job.state !== 'NEW' || job.nativeId) {
        this.failed.delete(id);
        continue;
      }
      if (f.dueAt <= now && !this.submitting.has(id)) due.push(job);
    }
    return due;
  }

  /** A retried job the facility turned out to have: no longer a failed submission. */
  found(id: string): void {
    this.failed.delete(id);
  }

  /** Release a HELD job (see `releaseHeld`). */
  async release(id: string, principal: Principal): Promise<Job> {
    await this.ready;
    return releaseHeld(this.store, this.facilities, this.observations, id, principal);
  }

  /** Cancel: answers once the facility confirmed (CANCELED) or after `waitMs`, with the job as it is then. */
  async cancel(id: string, principal: Principal, waitMs = 3000): Promise<Job> {
    await this.ready;
    const job = this.store.get(id);
    const owned = job && { owner: job.owner, project: job.spec.project };
    if (!owned || !jobVisible(principal, owned)) throw noJob(id);
    if (!jobCancellable(principal, owned))
      throw new GenesisError('forbidden', `Only the owner of job "${id}" or a maintainer of its project may cancel it`);
    if (isFinal(job.state)) return publicJob(job);
    this.store.markCancelRequested(id, new Date().toISOString());
    const stored = this.store.get(id)!;
    const failed = this.failed.get(id);
    if (failed) {
      // Its last submission failed, maybe after the facility took it: the retry loop asks the
      // facility at once (by job directory) and cancels it there, or ends it if it has no trace.
      failed.dueAt = 0;
      await this.observations.until(id, (j) => isFinal(j.state), waitMs);
      return publicJob(this.store.get(id)!);
    }
    if (stored.state === 'NEW' && !stored.nativeId && !this.submitting.has(id)) {
      this.observations.sink.observe(id, CANCELED_BEFORE_SENT);
      this.observations.flush();
      return publicJob(this.store.get(id)!);
    }
    if (!this.submitting.has(id)) await this.facilities.require(stored.facility).cancel(trackedJob(stored));
    await this.observations.until(id, (j) => isFinal(j.state), waitMs);
    return publicJob(this.store.get(id)!);
  }
}

/**
 * Release a HELD job: the facility is asked, and the answer is the job once the facility shows
 * it left HELD (QUEUED, or further) or after `waitMs`. Only a HELD job can be released.
 */
export async function releaseHeld(
  store: JobStore,
  facilities: FacilitySet,
  observations: Observations,
  id: string,
  principal: Principal,
  waitMs = 3000
): Promise<Job> {
  const job = store.get(id);
  if (!job || job.owner !== principal.user) throw noJob(id);
  if (job.state !== 'HELD')
    throw new GenesisError('conflict', `Job "${id}" is ${job.state}, not HELD: only a held job can be released`);
  const connector = facilities.require(job.facility);
  if (!connector.release)
    throw new GenesisError('unprocessable', `Facility "${job.facility}" cannot release held jobs`);
  await connector.release(trackedJob(job));
  await observations.until(id, (j) => j.state !== 'HELD', waitMs);
  return publicJob(store.get(id)!);
}

export function noJob(id: string): GenesisError {
  return new GenesisError('not_found', `No job "${id}"`, {
    hint: 'List jobs with GET /api/jobs or `genesis jobs list`'
  });
}
