import { JobTransitions, LogCursor, LogFollower, isNewerJob } from '@genesis-lab/client/core';
import {
  GenesisError,
  IDEMPOTENCY_HEADER,
  headerSafe,
  isFinal,
  type FacilityInfo,
  type Job,
  type JobList,
  type JobListQuery,
  type JobSpecInput,
  type JobUpdate,
  type LogChunk,
  type LogQuery,
  type LogStream,
  type SubscribeAck,
  type SubscribeJobs
} from '@genesis-lab/contract';
import type { z } from 'zod';
import { GenesisClient } from './client';
import type { ConnectOptions } from './connection';
import { LiveSocket, type JobsSocket } from './live';
import { presentable } from './presentable';

/** Which jobs a listing returns (the contract's JobListQuery, as a caller writes it). */
export type JobListFilter = z.input<typeof JobListQuery>;
/** What `logs` reads: from a byte offset, or the last `tail` bytes. */
export type LogRead = z.input<typeof LogQuery>;

export interface JobWaitOptions {
  /** Called with the job each time it is seen further along (never with an older state). */
  onUpdate?: (job: Job) => void;
  /** The job as already known: states older than this one are not reported. */
  known?: Job;
}

/**
 * The jobs API for Node programs (cells, scripts, the CLI, tests, benchmarks): the contract's
 * job routes through a GenesisClient, and socket.io for live state and logs, with the core's
 * rules (newer update by `seq`, log cursor with gap fill, resubscribe after reconnect).
 */
export class JobsClient {
  readonly client: GenesisClient;
  private live: LiveSocket | undefined;

  /** On a GenesisClient's connection, or one found from these options (url + token, home, env). */
  constructor(platform: GenesisClient | ConnectOptions = {}) {
    this.client = platform instanceof GenesisClient ? platform : new GenesisClient(platform);
  }

  async facilities(): Promise<FacilityInfo[]> {
    return (await this.client.call('facilities')).facilities;
  }

  /** Submit; `created` is false when the idempotency key returned an existing job. */
  async submit(spec: JobSpecInput, options: { idempotencyKey?: string } = {}): Promise<{ job: Job; created: boolean }> {
    const key = options.idempotencyKey;
    // A key no header can carry (unicode, control characters) goes in the spec, which means the same.
    if (key && !headerSafe(key)) spec = { ...spec, idempotencyKey: key };
    const headers = key && headerSafe(key) ? { [IDEMPOTENCY_HEADER]: key } : undefined;
    const { status, value } = await this.client.send('submitJob', { body: spec, headers });
    return { job: value, created: status === 201 };
  }

  list(filter: JobListFilter = {}): Promise<JobList> {
    return this.client.call('listJobs', { query: filter });
  }

  get(id: string): Promise<Job> {
    return this.client.call('getJob', { params: { id } });
  }

  logs(id: string, query: LogRead = {}): Promise<LogChunk> {
    return this.client.call('jobLogs', { params: { id }, query });
  }

  /**
   * Read a log to its current end, a page at a time, from `query` (an offset, or the last
   * `tail` bytes); every chunk goes to `onChunk`. Resolves with the last chunk: its `nextOffset`
   * is where to go on (`followLogs`), its `eof` whether the job is final and the log complete.
   */
  async readLog(id: string, query: LogRead, onChunk: (c: LogChunk) => void): Promise<LogChunk> {
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
    return this.client.call('cancelJob', { params: { id } });
  }

  /** Release a HELD job; answers the job once the facility shows it released. */
  async release(id: string): Promise<Job> {
    return this.client.call('releaseJob', { params: { id } });
  }

  /** The socket (connected lazily, reconnecting by itself) every subscription of this client shares. */
  socket(): JobsSocket {
    return this.channel().socket;
  }

  /**
   * Subscribe to updates (all jobs, a facility, or one job): every transition from then on,
   * exactly once and in each job's `seq` order, across reconnects and platform restarts (the
   * core's JobTransitions: subscribed again, then what was missed read over HTTP). Resolves once
   * the platform acknowledged; returns the function that stops.
   */
  async watch(filter: SubscribeJobs, onUpdate: (u: JobUpdate) => void): Promise<() => void> {
    const seen = new JobTransitions();
    let stopped = false;
    const deliver = (updates: JobUpdate[]) => {
      for (const u of updates) if (!stopped) onUpdate(u);
    };
    let first = true;
    let attempt = 0;
    const catchUp = (at: string) => {
      const since = seen.resubscribed();
      const run = ++attempt;
      const retry = (delay: number) => {
        this.missed(filter, since)
          .then((jobs) => {
            if (!stopped && run === attempt) deliver(seen.catchUp(jobs, at));
          })
          // The socket is back, so the platform is; a failed read is tried again (backoff to 5 s).
          .catch(() => {
            if (!stopped && run === attempt) setTimeout(() => retry(Math.min(delay * 2, 5000)), delay);
          });
      };
      retry(200);
    };
    const stop = await this.subscribe(
      filter,
      (u) => deliver(seen.push(u)),
      (ack) => {
        const at = ack.at ?? new Date().toISOString();
        if (first) seen.subscribed(at);
        else catchUp(at);
        first = false;
      },
      () => undefined
    );
    return () => {
      stopped = true;
      stop();
    };
  }

  /** The jobs of `filter` the platform changed since `since` (all pages), oldest first. */
  private async missed(filter: SubscribeJobs, since: string | undefined): Promise<Job[]> {
    if (filter.jobId) return [await this.get(filter.jobId)];
    const jobs: Job[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ facility: filter.facility, updatedSince: since, limit: 1000, cursor });
      jobs.push(...page.jobs);
      cursor = page.nextCursor;
    } while (cursor);
    return jobs.reverse();
  }

  /**
   * Resolve with the job once it is final. The job is read after every (re)subscription, so no
   * transition falls between the two; an update older than what is known is dropped.
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
        if (settled || job.id !== id) return;
        if (isNewerJob(job, latest)) {
          latest = job;
          options.onUpdate?.(job);
        }
        const known = latest!;
        if (isFinal(known.state)) finish(() => resolve(known));
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
   * Follow a log from `offset` until the job is final and the log fully read: live chunks, with
   * every gap (bytes sent while disconnected) read over HTTP; resumes at the reader's offset after
   * a reconnect. Resolves with the offset after the end.
   */
  followLogs(id: string, stream: LogStream, offset: number, onData: (c: LogChunk) => void): Promise<number> {
    const live = this.channel();
    const cursor = new LogCursor(offset);
    return new Promise((resolve, reject) => {
      let done = false;
      /** Whether the reader was handed the end (an empty last chunk adds no text, but says eof). */
      let endSeen = false;
      const follower = new LogFollower(
        cursor,
        (from) => this.logs(id, { stream, offset: from }),
        (data, from, to) => {
          endSeen = cursor.eof;
          onData({ jobId: id, stream, offset: from, data, nextOffset: to, eof: cursor.eof });
        }
      );
      const onChunk = (c: LogChunk) => {
        if (c.jobId !== id || c.stream !== stream) return;
        follower.push(c).then(() => cursor.eof && finish(), fail);
      };
      const finish = () => {
        if (done) return;
        done = true;
        cleanup();
        if (!endSeen)
          onData({ jobId: id, stream, offset: cursor.offset, data: '', nextOffset: cursor.offset, eof: true });
        resolve(cursor.offset);
      };
      const fail = (err: unknown) => {
        if (done) return;
        done = true;
        cleanup();
        reject(err);
      };
      let unfollow = (): void => undefined;
      const cleanup = () => {
        live.socket.off('job:log', onChunk);
        unfollow();
      };
      live.socket.on('job:log', onChunk);
      unfollow = live.followLog(
        id,
        stream,
        () => cursor.offset,
        (r) => {
          if (!r.ok) fail(presentable(new GenesisError('bad_request', r.error ?? 'subscribe failed')));
        }
      );
    });
  }

  /** Close the socket (REST calls go on working; a later subscription opens a new one). */
  close(): void {
    this.live?.close();
    this.live = undefined;
  }

  private channel(): LiveSocket {
    this.live ??= new LiveSocket(this.client.connection());
    return this.live;
  }

  /**
   * `jobs:subscribe` now and after every reconnect; `subscribed` runs after each
   * acknowledgement, `lost` when the platform refuses the connection for good (a wrong token).
   */
  private subscribe(
    filter: SubscribeJobs,
    onUpdate: (u: JobUpdate) => void,
    subscribed: (ack: SubscribeAck) => void,
    lost: (err: GenesisError) => void
  ): Promise<() => void> {
    const live = this.channel();
    const s = live.socket;
    return new Promise((resolve, reject) => {
      let acknowledged = false;
      const handler = (u: JobUpdate) => {
        if (filter.jobId && u.job.id !== filter.jobId) return;
        if (filter.facility && u.job.facility !== filter.facility) return;
        onUpdate(u);
      };
      let unwatch = () => undefined as void;
      let unresubscribed = () => undefined as unknown;
      const stop = () => {
        s.off('job:update', handler);
        s.off('connect_error', onConnectError);
        unresubscribed();
        unwatch();
      };
      const failed = (err: GenesisError) => {
        stop();
        if (acknowledged) lost(err);
        else reject(err);
      };
      // While the socket is still `active` it is trying again by itself; otherwise it gave up.
      const onConnectError = (err: Error) => {
        if (!s.active) failed(presentable(new GenesisError('unavailable', `Live updates unavailable: ${err.message}`)));
      };
      s.on('job:update', handler);
      s.on('connect_error', onConnectError);
      unwatch = live.watchJobs(filter, (r) => {
        if (!r.ok) return failed(presentable(new GenesisError('bad_request', r.error ?? 'subscribe failed')));
        subscribed(r);
        acknowledged = true;
        resolve(stop);
      });
      // After a reconnect the subscriptions are sent again; catch up on what was missed.
      unresubscribed = live.onResubscribed((at) => subscribed({ ok: true, at }));
    });
  }
}
