import type { LogStream, SubscribeJobs, SubscribeLogs } from '@genesis-lab/contract';

/**
 * The re-subscribe-after-reconnect policy, as data: what a client has subscribed to on the
 * platform's socket. A subscription lives on the platform only as long as the connection, so on
 * every (re)connect the client sends `resubscribe()`'s messages: each jobs filter once, each log
 * from the offset its reader has reached (read at that moment: no gap, no repeat). After that the
 * client catches up over HTTP once (`GET /api/jobs`, a log's gap fill), because events sent while
 * it was away are not replayed.
 */
export type SubscribeMessage =
  { event: 'jobs:subscribe'; payload: SubscribeJobs } | { event: 'logs:subscribe'; payload: SubscribeLogs };

interface LogSubscription {
  jobId: string;
  stream: LogStream;
  offset: () => number;
}

export class Subscriptions {
  private readonly jobs = new Map<string, { filter: SubscribeJobs; count: number }>();
  private readonly logs = new Map<string, LogSubscription>();

  /** Count one more watcher of `filter`; true when it is the first (subscribe now if connected). */
  addJobs(filter: SubscribeJobs = {}): boolean {
    const key = jobsKey(filter);
    const known = this.jobs.get(key);
    if (known) {
      known.count++;
      return false;
    }
    this.jobs.set(key, { filter, count: 1 });
    return true;
  }

  /** One watcher fewer; true when it was the last (unsubscribe now if connected). */
  removeJobs(filter: SubscribeJobs = {}): boolean {
    const key = jobsKey(filter);
    const known = this.jobs.get(key);
    if (!known) return false;
    if (--known.count > 0) return false;
    this.jobs.delete(key);
    return true;
  }

  /** Follow a log; `offset` is asked at every (re)subscribe. Returns the message to send now. */
  addLog(jobId: string, stream: LogStream, offset: () => number): SubscribeMessage {
    const sub = { jobId, stream, offset };
    this.logs.set(logKey(jobId, stream), sub);
    return logMessage(sub);
  }

  removeLog(jobId: string, stream: LogStream): void {
    this.logs.delete(logKey(jobId, stream));
  }

  /** Everything to send on a (re)connect, in order: jobs first, then logs from their offsets. */
  resubscribe(): SubscribeMessage[] {
    return [
      ...[...this.jobs.values()].map((j): SubscribeMessage => ({ event: 'jobs:subscribe', payload: j.filter })),
      ...[...this.logs.values()].map(logMessage)
    ];
  }

  get empty(): boolean {
    return this.jobs.size === 0 && this.logs.size === 0;
  }
}

function jobsKey(f: SubscribeJobs): string {
  return `${f.facility ?? ''}\n${f.jobId ?? ''}`;
}

function logKey(jobId: string, stream: LogStream): string {
  return `${jobId}\n${stream}`;
}

function logMessage(s: LogSubscription): SubscribeMessage {
  return { event: 'logs:subscribe', payload: { jobId: s.jobId, stream: s.stream, offset: s.offset() } };
}
