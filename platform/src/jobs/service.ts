import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  GenesisError,
  isFinal,
  type FacilityConfig,
  type FacilityInfo,
  type Job,
  type JobList,
  type JobListQuery,
  type JobSpec,
  type JobUpdate,
  type LogChunk,
  type LogQuery,
  type LogStream,
  type Principal,
  closest
} from '@genesis-lab/contract';
import type { FastifyBaseLogger } from 'fastify';
import type { CatalogService } from '../catalog/service';
import { SubmitRefused, type ConnectorSink, type FacilityConnector, type TrackedJob } from '../facilities/connector';
import { newJobId } from './ids';
import { readLogChunk } from './logs';
import { checkStaging, stageIn, stageOut } from './stage';
import type { Observation } from '../facilities/connector';
import { JobStore, publicJob, type StoredJob } from './store';

/** How long observations wait to be written together; well under the 100 ms event-latency budget. */
const FLUSH_WINDOW_MS = 10;

/** Name under which the job service registers itself in `PlatformContext.services`. */
export const JOBS_SERVICE = 'jobs';

export interface JobServiceEvents {
  update: [JobUpdate];
}

/** Stable JSON (sorted keys) so the same spec always hashes the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export function specHash(spec: JobSpec): string {
  const { idempotencyKey: _k, ...rest } = spec;
  return createHash('sha256').update(canonical(rest)).digest('hex');
}

/**
 * Jobs across facilities: the one owner of job state. Submissions are persisted (NEW) before
 * a connector hears of them; connectors report what they see through a sink; every forward
 * transition is written as an event (batched: one transaction per tick) and then published.
 */
export class JobService extends EventEmitter<JobServiceEvents> {
  readonly store: JobStore;
  readonly connectors = new Map<string, FacilityConnector>();
  /** Observations and native ids not yet written: one transaction per tick writes them all. */
  private pending: Array<{ jobId: string; o?: Observation; nativeId?: string; at: string }> = [];
  private flushScheduled = false;
  /** Jobs whose submission failed transiently: retried by a timer. */
  private readonly retry = new Set<string>();
  private retryTimer: NodeJS.Timeout | undefined;
  /** Jobs whose `connector.submit` is running now (a cancel waits for its native id). */
  private readonly submitting = new Set<string>();
  private started = false;
  /** Resolves once every facility has been reconciled: requests that change jobs wait for it. */
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    db: import('../db/database').Db,
    readonly configs: FacilityConfig[],
    connectors: FacilityConnector[],
    private readonly jobsDir: string,
    private readonly log: FastifyBaseLogger,
    private readonly catalog: () => CatalogService | undefined = () => undefined
  ) {
    super();
    this.setMaxListeners(0);
    this.ready = new Promise((r) => (this.markReady = r));
    this.store = new JobStore(db);
    for (const c of connectors) this.connectors.set(c.name, c);
  }

  // ---- the sink connectors report through -------------------------------------------------

  private sinkFor(facility: string): ConnectorSink {
    void facility;
    return {
      nativeId: (jobId, nativeId) => this.enqueue({ jobId, nativeId, at: new Date().toISOString() }),
      observe: (jobId, o) => this.enqueue({ jobId, o, at: new Date().toISOString() })
    };
  }

  private enqueue(item: { jobId: string; o?: Observation; nativeId?: string; at: string }): void {
    this.pending.push(item);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // A short window gathers the observations of many jobs into one transaction (one fsync).
      setTimeout(() => this.flush(), FLUSH_WINDOW_MS);
    }
  }

  /** Persist every pending observation in one transaction, then publish the transitions. */
  flush(): void {
    this.flushScheduled = false;
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    const updates: JobUpdate[] = [];
    this.store.batch(() => {
      for (const { jobId, o, nativeId, at } of batch) {
        if (nativeId !== undefined) this.store.setNativeId(jobId, nativeId, at);
        if (!o) continue;
        let obs = o;
        if (o.state === 'COMPLETED') obs = this.withStageOut(jobId, o, at);
        const r = this.store.apply(jobId, { ...obs, at: obs.at ?? at }, at);
        if (r) updates.push({ event: r.event, job: publicJob(r.job) });
      }
    });
    for (const u of updates) this.emit('update', u);
  }

  private withStageOut(jobId: string, o: Observation, at: string): Observation {
    const job = this.store.get(jobId);
    if (!job || !job.spec.stageOut.length || isFinal(job.state) || !job.workDir) return o;
    try {
      this.store.setOutputs(jobId, stageOut(job.spec, job.workDir), at);
      return o;
    } catch (err) {
      return {
        ...o,
        state: 'FAILED',
        reason: 'OTHER',
        message: `the program exited 0 but stage-out failed: ${(err as Error).message}`
      };
    }
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Reconcile every non-final job with its facility, then send what was never sent. */
  async start(): Promise<void> {
    const open = this.store.openJobs();
    for (const [name, connector] of this.connectors) {
      const mine = open.filter((j) => j.facility === name);
      const neverSent = mine.filter((j) => j.state === 'NEW' && j.submitAttempts === 0 && !j.cancelRequested);
      const rest = mine.filter((j) => !neverSent.includes(j));
      await connector.start(this.sinkFor(name), rest.map(tracked));
      for (const j of neverSent) await this.send(j);
    }
    const unknown = open.filter((j) => !this.connectors.has(j.facility));
    if (unknown.length)
      this.log.warn(
        `${unknown.length} open job(s) belong to facilities no longer configured: ${[...new Set(unknown.map((j) => j.facility))].join(', ')}`
      );
    this.flush();
    this.retryTimer = setInterval(() => void this.retrySubmits(), 5000);
    this.retryTimer.unref();
    this.started = true;
    this.markReady();
  }

  async stop(): Promise<void> {
    if (this.retryTimer) clearInterval(this.retryTimer);
    for (const c of this.connectors.values()) await c.stop();
    this.flush();
  }

  // ---- submit / cancel ----------------------------------------------------------------------

  connector(name: string): FacilityConnector {
    const c = this.connectors.get(name);
    if (!c)
      throw new GenesisError('not_found', `No facility "${name}"`, {
        suggestions: closest(name, [...this.connectors.keys()]),
        hint: `Facilities here: ${[...this.connectors.keys()].join(', ')} (see GET /api/facilities)`
      });
    return c;
  }

  /**
   * Submit a job. Returns the job and whether it was created (false: the idempotency key
   * was seen before and the existing job is returned).
   */
  async submit(spec: JobSpec, principal: Principal, headerKey?: string): Promise<{ job: Job; created: boolean }> {
    if (headerKey && spec.idempotencyKey && headerKey !== spec.idempotencyKey)
      throw new GenesisError('bad_request', 'The Idempotency-Key header and spec.idempotencyKey differ', {
        hint: 'Send one of them, or the same key in both'
      });
    const key = headerKey ?? spec.idempotencyKey;
    // The HTTP server answers before reconciliation ends; a submit waits for it.
    await this.ready;
    const connector = this.connector(spec.facility);
    const issues = [...connector.validate(spec), ...checkStaging(spec, this.catalog(), principal)];
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
    const stored = key ? { ...spec, idempotencyKey: key } : spec;
    // The directory (and staged inputs) exist before the row: a job in the database is ready to send.
    try {
      this.prepare(stored, workDir, principal);
    } catch (err) {
      fs.rmSync(workDir, { recursive: true, force: true });
      throw new GenesisError('unprocessable', `Preparing the job directory failed: ${(err as Error).message}`);
    }
    // Persisted with its submission already marked as attempted, in the one transaction that
    // creates it: one fsync per submit; on restart such a job is looked up before any resend.
    const { job, created } = this.store.insertOrGet({
      id,
      facility: spec.facility,
      owner: principal.user,
      spec: stored,
      specHash: specHash(spec),
      idempotencyKey: key,
      workDir,
      at: new Date().toISOString(),
      attempted: true
    });
    if (!created) {
      fs.rmSync(workDir, { recursive: true, force: true });
      return { job: publicJob(job), created: false };
    }
    await this.deliver(job);
    return { job: publicJob(this.store.get(id)!), created: true };
  }

  private prepare(spec: JobSpec, workDir: string, principal?: Principal): void {
    fs.mkdirSync(workDir, { recursive: true });
    // A copy for people reading the directory; the database holds the spec, so no fsync.
    fs.writeFileSync(path.join(workDir, 'spec.json'), JSON.stringify(spec, null, 2) + '\n');
    stageIn(spec, workDir, this.catalog(), principal);
  }

  /** Prepare the job directory, record the attempt, and hand the job to its connector. */
  private async send(job: StoredJob, principal?: Principal): Promise<void> {
    try {
      this.prepare(job.spec, job.workDir!, principal);
    } catch (err) {
      this.sinkFor(job.facility).observe(job.id, {
        state: 'FAILED',
        reason: 'SUBMIT_FAILED',
        message: `preparing the job directory failed: ${(err as Error).message}`
      });
      this.flush();
      return;
    }
    this.store.markSubmitAttempt(job.id, new Date().toISOString());
    await this.deliver({ ...job, submitAttempts: job.submitAttempts + 1 });
  }

  /** Call the connector for a job whose attempt is recorded. */
  private async deliver(job: StoredJob): Promise<void> {
    const connector = this.connectors.get(job.facility)!;
    const sink = this.sinkFor(job.facility);
    this.submitting.add(job.id);
    try {
      await connector.submit(tracked(job));
      this.retry.delete(job.id);
    } catch (err) {
      if (err instanceof SubmitRefused) {
        this.retry.delete(job.id);
        sink.observe(job.id, {
          state: 'FAILED',
          reason: 'SUBMIT_FAILED',
          message: err.message,
          ...(err.nativeMessage ? { nativeReason: err.nativeMessage } : {})
        });
      } else {
        this.log.warn({ err, jobId: job.id }, 'submission failed; will retry');
        this.retry.add(job.id);
      }
    } finally {
      this.submitting.delete(job.id);
    }
    this.flush();
    const now = this.store.get(job.id)!;
    if (now.cancelRequested && !isFinal(now.state)) await connector.cancel(tracked(now));
  }

  private async retrySubmits(): Promise<void> {
    for (const id of [...this.retry]) {
      const job = this.store.get(id);
      if (!job || job.state !== 'NEW' || job.nativeId) {
        this.retry.delete(id);
        continue;
      }
      await this.send(job);
    }
  }

  /** Cancel: answers once the facility confirmed (CANCELED) or after `waitMs`, with the job as it is then. */
  async cancel(id: string, principal: Principal, waitMs = 3000): Promise<Job> {
    await this.ready;
    const job = this.get(id, principal);
    if (isFinal(job.state)) return job;
    const now = new Date().toISOString();
    this.store.markCancelRequested(id, now);
    const stored = this.store.get(id)!;
    if (stored.state === 'NEW' && !stored.nativeId && !this.submitting.has(id)) {
      this.retry.delete(id);
      this.sinkFor(stored.facility).observe(id, {
        state: 'CANCELED',
        reason: 'CANCELED_BY_USER',
        message: 'canceled before it was sent'
      });
      this.flush();
      return this.get(id, principal);
    }
    if (!this.submitting.has(id)) await this.connector(stored.facility).cancel(tracked(stored));
    await this.waitFor(id, (j) => isFinal(j.state), waitMs);
    return this.get(id, principal);
  }

  /** Resolve when the job satisfies `pred` or after `ms`. */
  waitFor(id: string, pred: (j: Job) => boolean, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const j = this.store.get(id);
      if (!j || pred(j)) return resolve();
      const onUpdate = (u: JobUpdate) => {
        if (u.job.id === id && pred(u.job)) done();
      };
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        this.off('update', onUpdate);
        resolve();
      };
      this.on('update', onUpdate);
    });
  }

  // ---- reads ---------------------------------------------------------------------------------

  get(id: string, principal: Principal): Job {
    const j = this.store.get(id);
    if (!j || j.owner !== principal.user)
      throw new GenesisError('not_found', `No job "${id}"`, {
        hint: 'List jobs with GET /api/jobs or `genesis jobs list`'
      });
    return publicJob(j);
  }

  list(q: JobListQuery, principal: Principal): JobList {
    return this.store.list(q, principal.user);
  }

  logs(id: string, q: LogQuery, principal: Principal): LogChunk {
    const job = this.get(id, principal);
    const file = this.logFile(job, q.stream);
    let offset = q.offset;
    if (q.tail !== undefined) {
      let size = 0;
      try {
        size = file ? fs.statSync(file).size : 0;
      } catch {
        size = 0;
      }
      offset = Math.max(0, size - q.tail);
    }
    return readLogChunk(id, q.stream, file, offset, q.maxBytes, isFinal(job.state));
  }

  logFile(job: Job, stream: LogStream): string | null {
    const c = this.connectors.get(job.facility);
    if (!c || !job.workDir) return null;
    return c.logFile(tracked(job as StoredJob), stream);
  }

  facilities(): FacilityInfo[] {
    const counts = this.store.queueCounts();
    return [...this.connectors.values()].map((c) => {
      const h = c.health();
      const q = counts.get(c.name) ?? {};
      return {
        name: c.name,
        kind: c.kind,
        title: c.config.title ?? c.name,
        ...(c.config.description ? { description: c.config.description } : {}),
        clearance: c.config.clearance,
        healthy: h.healthy,
        ...(h.message ? { message: h.message } : {}),
        checkedAt: h.checkedAt,
        capabilities: c.capabilities(),
        queue: { queued: (q.QUEUED ?? 0) + (q.NEW ?? 0), held: q.HELD ?? 0, active: q.ACTIVE ?? 0 },
        stats: c.stats()
      };
    });
  }

  get isStarted(): boolean {
    return this.started;
  }
}

function tracked(j: StoredJob): TrackedJob {
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
