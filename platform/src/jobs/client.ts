import * as fs from 'node:fs';
import * as os from 'node:os';
import { io, type Socket } from 'socket.io-client';
import {
  Discovery,
  ErrorBody,
  FacilityInfo,
  GenesisError,
  IDEMPOTENCY_HEADER,
  Job,
  JobList,
  LogChunk,
  SOCKET_PATH,
  discoveryFilePath,
  isFinal,
  routePath,
  type ClientToServerEvents,
  type JobListQuery,
  type JobSpecInput,
  type JobUpdate,
  type LogStream,
  type ServerToClientEvents
} from '@genesis-lab/contract';

export type JobsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Where the platform is: GENESIS_URL/GENESIS_TOKEN, else the discovery file. */
export function findPlatform(env = process.env): { url: string; token: string } {
  if (env.GENESIS_URL && env.GENESIS_TOKEN)
    return { url: env.GENESIS_URL.replace(/\/+$/, ''), token: env.GENESIS_TOKEN };
  const file = discoveryFilePath(env, os.homedir());
  let d: Discovery;
  try {
    d = Discovery.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    throw new GenesisError('unavailable', `No running platform found (no discovery file at ${file})`, {
      hint: 'Start one with `genesis serve`, or set GENESIS_URL and GENESIS_TOKEN'
    });
  }
  return { url: d.url, token: d.token };
}

/**
 * The jobs API for Node programs (the CLI, tests, benchmarks): REST calls that re-raise the
 * platform's errors as GenesisError, and socket.io subscriptions for live state and logs.
 */
export class JobsClient {
  private sock: JobsSocket | undefined;

  constructor(readonly platform: { url: string; token: string }) {}

  private async call<T>(
    method: string,
    pathAndQuery: string,
    parse: (v: unknown) => T,
    body?: unknown,
    headers: Record<string, string> = {}
  ): Promise<{ status: number; value: T }> {
    let r: Response;
    try {
      r = await fetch(this.platform.url + pathAndQuery, {
        method,
        headers: {
          authorization: `Bearer ${this.platform.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {})
      });
    } catch (err) {
      throw new GenesisError(
        'unavailable',
        `The platform at ${this.platform.url} does not answer: ${(err as Error).message}`,
        {
          hint: 'Is `genesis serve` running?'
        }
      );
    }
    const json = (await r.json().catch(() => undefined)) as unknown;
    if (!r.ok) {
      const e = ErrorBody.safeParse(json);
      throw e.success
        ? GenesisError.fromBody(e.data)
        : new GenesisError('internal', `HTTP ${r.status} from ${pathAndQuery}`);
    }
    return { status: r.status, value: parse(json) };
  }

  async facilities(): Promise<FacilityInfo[]> {
    return (
      await this.call('GET', routePath('facilities'), (v) =>
        (v as { facilities: unknown[] }).facilities.map((f) => FacilityInfo.parse(f))
      )
    ).value;
  }

  /** Submit; `created` is false when the idempotency key returned an existing job. */
  async submit(spec: JobSpecInput, opts: { idempotencyKey?: string } = {}): Promise<{ job: Job; created: boolean }> {
    const headers: Record<string, string> = opts.idempotencyKey ? { [IDEMPOTENCY_HEADER]: opts.idempotencyKey } : {};
    const r = await this.call('POST', routePath('submitJob'), (v) => Job.parse(v), spec, headers);
    return { job: r.value, created: r.status === 201 };
  }

  async list(q: Partial<Omit<JobListQuery, 'state'>> & { state?: string[] } = {}): Promise<JobList> {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, Array.isArray(v) ? v.join(',') : String(v));
    const qs = p.toString();
    return (await this.call('GET', routePath('listJobs') + (qs ? `?${qs}` : ''), (v) => JobList.parse(v))).value;
  }

  async get(id: string): Promise<Job> {
    return (await this.call('GET', routePath('getJob', { id }), (v) => Job.parse(v))).value;
  }

  async logs(
    id: string,
    q: { stream?: LogStream; offset?: number; tail?: number; maxBytes?: number } = {}
  ): Promise<LogChunk> {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
    return (await this.call('GET', `${routePath('jobLogs', { id })}?${p}`, (v) => LogChunk.parse(v))).value;
  }

  async cancel(id: string): Promise<Job> {
    return (await this.call('DELETE', routePath('cancelJob', { id }), (v) => Job.parse(v))).value;
  }

  /** The shared socket (connected lazily, reconnecting by itself). */
  socket(): JobsSocket {
    this.sock ??= io(this.platform.url, {
      path: SOCKET_PATH,
      auth: { token: this.platform.token },
      transports: ['websocket']
    });
    return this.sock;
  }

  /** Subscribe to updates (all jobs, a facility, or one job); re-subscribes after reconnects. */
  async watch(filter: { facility?: string; jobId?: string }, onUpdate: (u: JobUpdate) => void): Promise<() => void> {
    const s = this.socket();
    const handler = (u: JobUpdate) => {
      if (filter.jobId && u.job.id !== filter.jobId) return;
      if (filter.facility && u.job.facility !== filter.facility) return;
      onUpdate(u);
    };
    const subscribe = () =>
      new Promise<void>((resolve, reject) =>
        s.emit('jobs:subscribe', filter, (r) =>
          r.ok ? resolve() : reject(new GenesisError('bad_request', r.error ?? 'subscribe failed'))
        )
      );
    const onConnect = () => void subscribe().catch(() => undefined);
    s.on('job:update', handler);
    s.io.on('reconnect', onConnect);
    await subscribe();
    return () => {
      s.off('job:update', handler);
      s.io.off('reconnect', onConnect);
      s.emit('jobs:unsubscribe', filter);
    };
  }

  /**
   * Follow a log from `offset` until the job is final and the log fully read; resumes at
   * the last received offset after a reconnect. Resolves with the offset after the end.
   */
  followLogs(id: string, stream: LogStream, offset: number, onData: (c: LogChunk) => void): Promise<number> {
    const s = this.socket();
    let next = offset;
    return new Promise((resolve, reject) => {
      const onChunk = (c: LogChunk) => {
        if (c.jobId !== id || c.stream !== stream || c.offset !== next) return;
        next = c.nextOffset;
        onData(c);
        if (c.eof) {
          cleanup();
          resolve(next);
        }
      };
      const subscribe = () =>
        s.emit('logs:subscribe', { jobId: id, stream, offset: next }, (r) => {
          if (!r.ok) {
            cleanup();
            reject(new GenesisError('bad_request', r.error ?? 'subscribe failed'));
          }
        });
      const onReconnect = () => subscribe();
      const cleanup = () => {
        s.off('job:log', onChunk);
        s.io.off('reconnect', onReconnect);
      };
      s.on('job:log', onChunk);
      s.io.on('reconnect', onReconnect);
      subscribe();
    });
  }

  /** Resolve with the job once it is final, calling `onUpdate` for every change on the way. */
  async wait(id: string, onUpdate?: (j: Job) => void): Promise<Job> {
    let resolveFinal!: (j: Job) => void;
    const done = new Promise<Job>((r) => (resolveFinal = r));
    const stop = await this.watch({ jobId: id }, (u) => {
      onUpdate?.(u.job);
      if (isFinal(u.job.state)) resolveFinal(u.job);
    });
    // Read after subscribing, so a transition between the two is not missed.
    const now = await this.get(id);
    onUpdate?.(now);
    if (isFinal(now.state)) resolveFinal(now);
    const job = await done;
    stop();
    return job;
  }

  close(): void {
    this.sock?.close();
    this.sock = undefined;
  }
}
