import { inspect } from 'node:util';
import {
  GenesisError,
  type FacilityInfo,
  type Job,
  type JobSpecInput,
  jobStatusText,
  type JobState,
  type LogChunk,
  type LogStream,
  type PublishResult
} from '@genesis-lab/contract';
import type { GenesisContext } from './context';
import { presentable } from '@genesis-lab/client';
import { JobsClient, type JobListFilter, type LogRead } from '@genesis-lab/client';
import { resolveStageIn, type StagedIn } from './data/stage-in';
import { jobStatusHtml } from './jobs-view';
import type { PublishApi, PublishOptions } from './publish';

export interface WaitOptions {
  /** Give up (with an error) after this long; the job keeps running. Default: no limit. */
  timeoutMs?: number;
  /** Show the live status line in the notebook (default: the `progress` setting). */
  live?: boolean;
  /** Throw JobFailedError when the job ends FAILED or CANCELED (default true). */
  throwOnFailure?: boolean;
}

/** What `job.wait()` resolves with. */
export interface JobResult {
  state: JobState;
  exitCode: number | null;
  /** Stage-out files the job left (copied once it COMPLETED). */
  outputs: Job['outputs'];
  workDir: string | null;
  job: Job;
}

/** A job that ended FAILED or CANCELED: the reason, the exit code and the end of its logs. */
export class JobFailedError extends Error {
  readonly job: Job;
  readonly reason: string | null;
  readonly exitCode: number | null;
  readonly logTail: string;

  constructor(job: Job, logTail: string) {
    const head = `Job ${job.spec.name} (${job.id}) on ${job.facility} ended ${job.state}${job.reason ? `: ${job.reason}` : ''}${job.exitCode !== null ? `, exit code ${job.exitCode}` : ''}${job.message ? ` (${job.message})` : ''}`;
    const native = job.nativeState
      ? `\nScheduler said: ${job.nativeState}${job.nativeReason ? ` / ${job.nativeReason}` : ''}`
      : '';
    const tail = logTail.trim() ? `\n--- last lines of its output ---\n${logTail.trimEnd()}` : '';
    super(head + native + tail);
    this.name = 'JobFailedError';
    this.job = job;
    this.reason = job.reason;
    this.exitCode = job.exitCode;
    this.logTail = logTail;
    // tslab prints thrown errors: show the message, not a stack trace.
    Object.defineProperty(this, 'stack', { value: `${this.name}: ${this.message}`, enumerable: false, writable: true });
    Object.defineProperty(this, inspect.custom, { value: () => `${this.name}: ${this.message}`, enumerable: false });
  }
}

/**
 * Jobs from cells and scripts: `genesis.jobs.submit({...})` returns a `JobHandle`;
 * `await job.wait()` shows a live status line (in tslab) and resolves with the final state,
 * or throws JobFailedError with the reason and the log tail. Every submit and wait leaves a
 * lineage record (JobUse). The calls themselves are the JobsClient's.
 */
export class JobsApi {
  /** REST calls on the shared connection (its socket stays unused: each wait opens its own). */
  private readonly transport: JobsClient;

  constructor(
    private readonly ctx: GenesisContext,
    /** Publishing a job's files as dataset versions (`job.publish(...)`). */
    readonly publishing: PublishApi
  ) {
    this.transport = new JobsClient(ctx.client);
  }

  /** Submit a job (persisted by the platform before it is sent); idempotent with `idempotencyKey`. */
  async submit(spec: JobSpecInput, options: { idempotencyKey?: string } = {}): Promise<JobHandle> {
    const resolved = await resolveStageIn(this.ctx, spec);
    const { job } = await this.transport.submit(resolved.spec, options);
    this.record(job, 'submitted', resolved.stagedIn);
    return new JobHandle(this, job);
  }

  async get(id: string): Promise<JobHandle> {
    return new JobHandle(this, await this.fetchJob(id));
  }

  fetchJob(id: string): Promise<Job> {
    return this.transport.get(id);
  }

  async list(query: JobListFilter = {}): Promise<Job[]> {
    return (await this.transport.list(query)).jobs;
  }

  cancel(id: string): Promise<Job> {
    return this.transport.cancel(id);
  }

  facilities(): Promise<FacilityInfo[]> {
    return this.transport.facilities();
  }

  logChunk(id: string, query: LogRead): Promise<LogChunk> {
    return this.transport.logs(id, query);
  }

  readLog(id: string, query: LogRead, onChunk: (c: LogChunk) => void): Promise<LogChunk> {
    return this.transport.readLog(id, query, onChunk);
  }

  /** A client of its own for one wait: its socket is closed afterwards, so a kernel holds no idle connections. */
  liveClient(): JobsClient {
    return new JobsClient(this.ctx.client);
  }

  record(job: Job, action: 'submitted' | 'awaited' | 'observed', stagedIn: StagedIn = []): void {
    this.ctx.lineage.emit({
      kind: 'job',
      platform: this.ctx.client.url,
      jobId: job.id,
      facility: job.facility,
      name: job.spec.name,
      action,
      state: job.state,
      exitCode: job.exitCode,
      nativeId: job.nativeId,
      ...(stagedIn.length ? { stagedIn } : {})
    });
  }

  get settings(): GenesisContext['settings'] {
    return this.ctx.settings;
  }

  notebook(): ReturnType<GenesisContext['notebook']> {
    return this.ctx.notebook();
  }
}

/** One job: its latest known state, and what you can do with it. */
export class JobHandle {
  constructor(
    private readonly api: JobsApi,
    private latest: Job
  ) {}

  get id(): string {
    return this.latest.id;
  }

  /** The job as last seen (call `refresh()` for the current state). */
  get job(): Job {
    return this.latest;
  }

  get state(): JobState {
    return this.latest.state;
  }

  async refresh(): Promise<Job> {
    this.latest = await this.api.fetchJob(this.id);
    return this.latest;
  }

  /** The log (stdout by default), whole or its last `tail` bytes. */
  async logs(options: { stream?: LogStream; tail?: number } = {}): Promise<string> {
    const stream = options.stream ?? 'stdout';
    if (options.tail !== undefined) return (await this.api.logChunk(this.id, { stream, tail: options.tail })).data;
    let out = '';
    await this.api.readLog(this.id, { stream, offset: 0 }, (c) => (out += c.data));
    return out;
  }

  async cancel(): Promise<Job> {
    this.latest = await this.api.cancel(this.id);
    return this.latest;
  }

  /**
   * Wait until the job is final. In tslab one status line updates in place (state, elapsed
   * time, the scheduler's own state). Resolves with the final state and outputs; a FAILED or
   * CANCELED job throws JobFailedError carrying the reason and the log tail.
   */
  async wait(options: WaitOptions = {}): Promise<JobResult> {
    const notebook = options.live === false || !this.api.settings.progress ? undefined : this.api.notebook();
    const line = notebook?.live();
    const show = (j: Job) => line?.update(jobStatusHtml(j));
    const live = this.api.liveClient();
    let timer: ReturnType<typeof setInterval> | undefined;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    try {
      show(this.latest);
      timer = setInterval(() => show(this.latest), 1000);
      timer.unref?.();
      const waited = live.wait(this.id, {
        known: this.latest,
        onUpdate: (j) => {
          this.latest = j;
          show(j);
        }
      });
      const final = await (options.timeoutMs === undefined
        ? waited
        : Promise.race([
            waited,
            new Promise<never>((_, reject) => {
              timeout = setTimeout(
                () =>
                  reject(
                    presentable(
                      new GenesisError(
                        'unavailable',
                        `Job ${this.id} is still ${this.latest.state} after ${options.timeoutMs} ms; it keeps running`,
                        { hint: 'Wait again with job.wait(), or job.cancel()' }
                      )
                    )
                  ),
                options.timeoutMs
              );
              timeout.unref?.();
            })
          ]));
      show(final);
      this.api.record(final, 'awaited');
      if (final.state !== 'COMPLETED' && options.throwOnFailure !== false) {
        const tail = [
          await this.logs({ stream: 'stderr', tail: 2000 }).catch(() => ''),
          await this.logs({ tail: 1000 }).catch(() => '')
        ]
          .filter((t) => t.trim())
          .join('\n--- stdout ---\n');
        throw new JobFailedError(final, tail);
      }
      return {
        state: final.state,
        exitCode: final.exitCode,
        outputs: final.outputs,
        workDir: final.workDir,
        job: final
      };
    } finally {
      if (timer) clearInterval(timer);
      if (timeout) clearTimeout(timeout);
      live.close();
    }
  }

  /**
   * Publish a file this (completed) job left in its directory as a new version of dataset `id`;
   * the job is recorded as what generated it: `await job.publish("sweep.csv", "me/sweep", { metadata })`.
   */
  publish(file: string, id: string, options?: PublishOptions): Promise<PublishResult> {
    return this.api.publishing.jobFile(this.id, file, id, options);
  }

  toString(): string {
    return jobStatusText(this.latest);
  }

  [inspect.custom](): string {
    return `JobHandle { ${jobStatusText(this.latest)} }`;
  }
}
