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
  type ClientToServerEvents,
  type JobListQuery,
  type JobSpecInput,
  type JobUpdate,
  type LogStream,
  type ServerToClientEvents
} from '@genesis-lab/contract';
import { z } from 'zod';
import { GenesisClient } from './client';
import type { ConnectOptions } from './connection';
import { presentable } from './errors';

export type JobsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Which jobs a listing returns: as the contract's JobListQuery, `state` a list (the platform validates it). */
export type JobListFilter = Partial<Omit<JobListQuery, 'state'>> & { state?: readonly string[] };

/** What `logs` reads: from a byte offset, or the last `tail` bytes. */
export interface LogQuery {
  stream?: LogStream;
  offset?: number;
  tail?: number;
  maxBytes?: number;
}

export interface JobWaitOptions {
  /** Called with the job each time it is seen further along (never with an older state). */
  onUpdate?: (job: Job) => void;
  /** The job as already known: states older than this one are not reported. */
  known?: Job;
}

const FacilityList = z.object({ facilities: z.array(FacilityInfo) });

/**
 * The jobs API for Node programs (cells, scripts, the CLI, tests, benchmarks): REST calls
 * through a GenesisClient (discovery, token, the platform's errors as GenesisError, answers
 * validated with the contract) and socket.io for live state and logs. Raw `Job` objects: what
 * a notebook shows on top of them lives in ../jobs.ts.
 */
export class JobsClient {
  readonly client: GenesisClient;
  private sock: JobsSocket | undefined;

  /** On a GenesisClient's connection, or one found from these options (url + token, home, env). */
  constructor(platform: GenesisClient | ConnectOptions = {}) {
    this.client = platform instanceof GenesisClient ? platform : new GenesisClient(platform);
  }

  async facilities(): Promise<FacilityInfo[]> {
    return (await this.client.json('facilities', {}, {}, FacilityList)).facilities;
  }

  /** Submit; `created` is false when the idempotency key returned an existing job. */
  async submit(spec: JobSpecInput, options: { idempotencyKey?: string } = {}): Promise<{ job: Job; created: boolean }> {
    const headers: Record<string, string> = options.idempotencyKey
      ? { [IDEMPOTENCY_HEADER]: options.idempotencyKey }
      : {};
    const { status, value } = await this.client.call('submitJob', { body: spec, headers }, Job);
    return { job: value, created: status === 201 };
  }

  list(filter: JobListFilter = {}): Promise<JobList> {
    return this.client.json('listJobs', {}, { ...filter, state: filter.state?.join(',') }, JobList);
  }

  get(id: string): Promise<Job> {
    return this.client.json('getJob', { id }, {}, Job);
  }

  logs(id: string, query: LogQuery = {}): Promise<LogChunk> {
    return this.client.json('jobLogs', { id }, { ...query }, LogChunk);
  }

  /**
   * Read a log to its current end, a page at a time, from `query` (an offset, or the last
   * `tail` bytes); every chunk goes to `onChunk`. Resolves with the last chunk: its `nextOffset`
   * is where to go on (`followLogs`), its `eof` whether the job is final and the log complete.
   */
  async readLog(id: string, query: LogQuery, onChunk: (c: LogChunk) => void): Promise<LogChunk> {
    let chunk = await this.logs(id, query);
    onChunk(chunk);
    while (!chunk.eof && chunk.data.length) {
      const next = await this.logs(id, { stream: query.stream, offset: chunk.nextOffset });
      if (next.nextOffset === chunk.nextOffset) break; // only an incomplete character so far
      chunk = next;
      onChunk(chunk);
    }
    return chunk;
  }

  async cancel(id: string): Promise<Job> {
    return (await this.client.call('cancelJob', { params: { id } }, Job)).value;
  }

  /** The socket (connected lazily, reconnecting by itself) every subscription of this client shares. */
  socket(): JobsSocket {
    if (!this.sock) {
      const conn = this.client.connection();
      this.sock = io(conn.url, { path: SOCKET_PATH, auth: { token: conn.token }, transports: ['websocket'] });
    }
    return this.sock;
  }

  /**
   * Subscribe to updates (all jobs, a facility, or one job); subscribes again after a
   * reconnect. Resolves once the platform acknowledged; returns the function that stops.
   */
  watch(filter: { facility?: string; jobId?: string }, onUpdate: (u: JobUpdate) => void): Promise<() => void> {
    return this.subscribe(
      filter,
      onUpdate,
      () => undefined,
      () => undefined
    );
  }

  /**
   * Resolve with the job once it is final. The job is read after every (re)subscription, so
   * no transition falls between the two; updates that arrive out of order with that read are
   * dropped (the one with the longer history is the newer).
   */
  wait(id: string, options: JobWaitOptions = {}): Promise<Job> {
    let latest = options.known;
    let stop: (() => void) | undefined;
    let settled = false;
    return new Promise<Job>((resolve, reject) => {
      const finish = (then: () => void) => {
        if (settled) return;
        settled = true;
        stop?.();
        then();
      };
      const fail = (err: unknown) => finish(() => reject(err));
      const accept = (job: Job) => {
        if (settled || job.id !== id || (latest && job.history.length < latest.history.length)) return;
        latest = job;
        options.onUpdate?.(job);
        if (isFinal(job.state)) finish(() => resolve(job));
      };
      this.subscribe(
        { jobId: id },
        (u) => accept(u.job),
        () => this.get(id).then(accept, fail),
        fail
      ).then((s) => {
        if (settled) s();
        else stop = s;
      }, fail);
    });
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
            reject(presentable(new GenesisError('bad_request', r.error ?? 'subscribe failed')));
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

  /** Close the socket (REST calls go on working; a later subscription opens a new one). */
  close(): void {
    this.sock?.close();
    this.sock = undefined;
  }

  /**
   * `jobs:subscribe` now and after every reconnect; `subscribed` runs after each
   * acknowledgement, `lost` when the platform refuses the connection for good (a wrong token).
   */
  private subscribe(
    filter: { facility?: string; jobId?: string },
    onUpdate: (u: JobUpdate) => void,
    subscribed: () => void,
    lost: (err: GenesisError) => void
  ): Promise<() => void> {
    const s = this.socket();
    return new Promise((resolve, reject) => {
      let acknowledged = false;
      const handler = (u: JobUpdate) => {
        if (filter.jobId && u.job.id !== filter.jobId) return;
        if (filter.facility && u.job.facility !== filter.facility) return;
        onUpdate(u);
      };
      const stop = () => {
        s.off('job:update', handler);
        s.off('connect_error', onConnectError);
        s.io.off('reconnect', send);
        s.emit('jobs:unsubscribe', filter);
      };
      const failed = (err: GenesisError) => {
        stop();
        if (acknowledged) lost(err);
        else reject(err);
      };
      const send = () =>
        s.emit('jobs:subscribe', filter, (r) => {
          if (!r.ok) return failed(presentable(new GenesisError('bad_request', r.error ?? 'subscribe failed')));
          subscribed();
          if (!acknowledged) {
            acknowledged = true;
            resolve(stop);
          }
        });
      // While the socket is still `active` it is trying again by itself; otherwise it gave up.
      const onConnectError = (err: Error) => {
        if (!s.active) failed(presentable(new GenesisError('unavailable', `Live updates unavailable: ${err.message}`)));
      };
      s.on('job:update', handler);
      s.on('connect_error', onConnectError);
      s.io.on('reconnect', send);
      send();
    });
  }
}
