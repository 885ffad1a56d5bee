import { inspect } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import {
  FacilityInfo,
  GenesisError,
  IDEMPOTENCY_HEADER,
  Job,
  JobList,
  LogChunk,
  SOCKET_PATH,
  isFinal,
  routePath,
  type ClientToServerEvents,
  type JobListQuery,
  type JobSpecInput,
  type JobState,
  type JobUpdate,
  type LogStream,
  type ServerToClientEvents
} from '@genesis-lab/contract';
import { z } from 'zod';
import type { GenesisContext } from './context';
import { errorFromResponse, presentable } from './client/errors';
import { jobStatusHtml, jobStatusText } from './jobs-view';

const FacilityList = z.object({ facilities: z.array(FacilityInfo) });

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

type JobsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Jobs from cells and scripts: `genesis.jobs.submit({...})` returns a `JobHandle`;
 * `await job.wait()` shows a live status line (in tslab) and resolves with the final state,
 * or throws JobFailedError with the reason and the log tail. Every submit and wait leaves a
 * lineage record (JobUse).
 */
export class JobsApi {
  constructor(private readonly ctx: GenesisContext) {}

  /** Send a request with a body or a method the read-only client does not cover. */
  async request<S extends z.ZodType>(
    method: 'POST' | 'DELETE' | 'GET',
    pathAndQuery: string,
    schema: S,
    body?: unknown,
    headers: Record<string, string> = {}
  ): Promise<{ status: number; value: z.output<S> }> {
    const conn = this.ctx.client.connection();
    let r: Response;
    try {
      r = await fetch(conn.url + pathAndQuery, {
        method,
        headers: {
          authorization: `Bearer ${conn.token}`,
          accept: 'application/json',
          'user-agent': 'genesis-lab-kernel',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {})
      });
    } catch (err) {
      throw presentable(
        new GenesisError('unavailable', `Cannot reach the Genesis platform at ${conn.url}: ${(err as Error).message}`, {
          hint: 'Is the platform running? `genesis serve`'
        })
      );
    }
    const text = await r.text();
    if (r.status >= 400) throw errorFromResponse(r.status, text, conn.url);
    const parsed = schema.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw presentable(
        new GenesisError(
          'internal',
          `The platform's answer to ${method} ${pathAndQuery} does not match this helper's contract: ${parsed.error.issues[0]?.message}`
        )
      );
    return { status: r.status, value: parsed.data };
  }

  /** Submit a job (persisted by the platform before it is sent); idempotent with `idempotencyKey`. */
  async submit(spec: JobSpecInput, options: { idempotencyKey?: string } = {}): Promise<JobHandle> {
    const headers: Record<string, string> = options.idempotencyKey
      ? { [IDEMPOTENCY_HEADER]: options.idempotencyKey }
      : {};
    const { value } = await this.request('POST', routePath('submitJob'), Job, spec, headers);
    this.record(value, 'submitted');
    return new JobHandle(this, value);
  }

  async get(id: string): Promise<JobHandle> {
    return new JobHandle(this, await this.fetchJob(id));
  }

  async fetchJob(id: string): Promise<Job> {
    return (await this.request('GET', routePath('getJob', { id }), Job)).value;
  }

  async list(query: Partial<Omit<JobListQuery, 'state'>> & { state?: JobState[] } = {}): Promise<Job[]> {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(query))
      if (v !== undefined) p.set(k, Array.isArray(v) ? v.join(',') : String(v));
    const qs = p.toString();
    return (await this.request('GET', routePath('listJobs') + (qs ? `?${qs}` : ''), JobList)).value.jobs;
  }

  async cancel(id: string): Promise<Job> {
    return (await this.request('DELETE', routePath('cancelJob', { id }), Job)).value;
  }

  async facilities(): Promise<FacilityInfo[]> {
    return (await this.request('GET', routePath('facilities'), FacilityList)).value.facilities;
  }

  async logChunk(
    id: string,
    q: { stream?: LogStream; offset?: number; tail?: number; maxBytes?: number }
  ): Promise<LogChunk> {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
    return (await this.request('GET', `${routePath('jobLogs', { id })}?${p}`, LogChunk)).value;
  }

  /** A socket for one wait (closed afterwards, so a kernel holds no idle connections). */
  openSocket(): JobsSocket {
    const conn = this.ctx.client.connection();
    return io(conn.url, {
      path: SOCKET_PATH,
      auth: { token: conn.token },
      transports: ['websocket'],
      reconnection: true
    });
  }

  record(job: Job, action: 'submitted' | 'awaited' | 'observed'): void {
    this.ctx.lineage.emit({
      kind: 'job',
      platform: this.ctx.client.url,
      jobId: job.id,
      facility: job.facility,
      name: job.spec.name,
      action,
      state: job.state,
      exitCode: job.exitCode,
      nativeId: job.nativeId
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
    let offset = 0;
    for (;;) {
      const c = await this.api.logChunk(this.id, { stream, offset });
      out += c.data;
      if (c.eof || c.nextOffset === offset) return out;
      offset = c.nextOffset;
    }
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
    const socket = this.api.openSocket();
    let timer: ReturnType<typeof setInterval> | undefined;
    try {
      const final = await new Promise<Job>((resolve, reject) => {
        const accept = (j: Job) => {
          if (j.id !== this.id) return;
          // Updates may arrive out of order with the REST read: keep the furthest along.
          if (j.history.length >= this.latest.history.length) this.latest = j;
          show(this.latest);
          if (isFinal(this.latest.state)) resolve(this.latest);
        };
        socket.on('job:update', (u: JobUpdate) => accept(u.job));
        const subscribe = () =>
          socket.emit('jobs:subscribe', { jobId: this.id }, (r) => {
            if (!r.ok) return reject(presentable(new GenesisError('bad_request', r.error ?? 'subscribe failed')));
            // Read after subscribing, so no transition falls between the two.
            this.api.fetchJob(this.id).then(accept, reject);
          });
        socket.on('connect', subscribe);
        socket.on('connect_error', (err) => {
          if (!socket.active)
            reject(presentable(new GenesisError('unavailable', `Live updates unavailable: ${err.message}`)));
        });
        show(this.latest);
        timer = setInterval(() => show(this.latest), 1000);
        timer.unref?.();
        if (options.timeoutMs !== undefined) {
          const t = setTimeout(
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
          t.unref?.();
        }
      });
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
      socket.close();
    }
  }

  toString(): string {
    return jobStatusText(this.latest);
  }

  [inspect.custom](): string {
    return `JobHandle { ${jobStatusText(this.latest)} }`;
  }
}
