import { EventEmitter, on } from 'node:events';
import { isFinal, type Job, type JobUpdate } from '@genesis-lab/contract';
import type { ConnectorSink } from '../facilities/connector';
import { stageOut } from './stage';
import type { StagingPolicy } from './staging-policy';
import type { Observation } from '../facilities/connector';
import { publicJob, type JobStore } from './store';

/** How long observations wait to be written together; well under the 100 ms event-latency budget. */
const FLUSH_WINDOW_MS = 10;

export interface JobUpdateEvents {
  update: [JobUpdate];
}

interface Pending {
  jobId: string;
  o?: Observation;
  nativeId?: string;
  at: string;
}

/**
 * What the connectors (and the service's own policy) observe, persisted in batches and then
 * published: every observation of a short window is written in one transaction (one fsync),
 * and each forward transition it made becomes a `job:update`, after it is durable.
 */
export class Observations extends EventEmitter<JobUpdateEvents> {
  private pending: Pending[] = [];
  private flushScheduled = false;

  /** The one sink every connector reports through. */
  readonly sink: ConnectorSink = {
    nativeId: (jobId, nativeId) => this.enqueue({ jobId, nativeId, at: new Date().toISOString() }),
    observe: (jobId, o) => this.enqueue({ jobId, o, at: new Date().toISOString() })
  };

  constructor(
    private readonly store: JobStore,
    private readonly staging?: StagingPolicy
  ) {
    super();
    this.setMaxListeners(0);
  }

  private enqueue(item: Pending): void {
    this.pending.push(item);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // A short window gathers the observations of many jobs into one transaction.
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
        const obs = o.state === 'COMPLETED' ? this.withStageOut(jobId, o, at) : o;
        const r = this.store.apply(jobId, { ...obs, at: obs.at ?? at }, at);
        if (r) updates.push({ event: r.event, job: publicJob(r.job) });
      }
    });
    for (const u of updates) this.emit('update', u);
  }

  /**
   * Publish a job just created (its NEW event, already durable): the first transition
   * subscribers see, before anything a connector observes of it.
   */
  created(jobId: string): void {
    const job = this.store.get(jobId);
    const event = job?.history[0];
    if (job && event) this.emit('update', { event, job: publicJob(job) });
  }

  /** A COMPLETED job's outputs are copied out before it is COMPLETED; if that fails, it FAILED. */
  private withStageOut(jobId: string, o: Observation, at: string): Observation {
    const job = this.store.get(jobId);
    if (!job || !job.spec.stageOut.length || isFinal(job.state) || !job.workDir) return o;
    try {
      this.store.setOutputs(jobId, stageOut(job.spec, job.workDir, this.staging), at);
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

  /** Resolve once the job satisfies `pred` (as stored now, or in a later update), or after `ms`. */
  async until(id: string, pred: (j: Job) => boolean, ms: number): Promise<void> {
    const signal = AbortSignal.timeout(ms);
    // Listening before the stored state is read, so an update in between is not missed.
    const updates = on(this, 'update', { signal });
    try {
      const stored = this.store.get(id);
      if (!stored || pred(stored)) return;
      for await (const [u] of updates as AsyncIterableIterator<JobUpdateEvents['update']>)
        if (u.job.id === id && pred(u.job)) return;
    } catch (err) {
      if (!signal.aborted) throw err;
    } finally {
      await updates.return?.();
    }
  }
}
