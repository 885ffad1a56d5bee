import type { Job, JobStateEvent, JobUpdate } from '@genesis-lab/contract';

/**
 * How far before the last moment nothing could have been missed a catch-up lists from. The
 * platform stamps a job's `updatedAt` when it observes a change and publishes it after the
 * write (a 10 ms batch, longer under load): an update stamped before a subscription took effect
 * can still be in flight. Listing a little more costs little: what was seen is dropped by `seq`.
 */
export const CATCH_UP_MARGIN_MS = 10_000;

/**
 * Every transition of the jobs one watcher follows, exactly once and in each job's `seq` order,
 * across disconnects: the one rule every live watcher applies (Node's JobsClient.watch, the
 * browser's jobs model). Per job it remembers the last `seq` delivered:
 *  - a pushed update at or below it is a duplicate (dropped); one past a gap brings the missed
 *    transitions first, from the job's own history (the platform sends the job after the change);
 *  - after a resubscription, the jobs the platform changed since the previous one
 *    (`GET /api/jobs?updatedSince=since()`) go through `catchUp`, which hands over what each
 *    job's history has beyond what was delivered.
 * A job never seen before counts from its first transition when it was created after the first
 * subscription (everything about it is news); a job older than that counts from what arrives.
 * A transition filled in from history carries the job as it was read (its latest state).
 */
export class JobTransitions {
  private readonly last = new Map<string, number>();
  /** Platform time of the first subscription (a job created after it is news in full). */
  private origin: string | undefined;
  /** Platform time up to which every transition was delivered or is on its way. */
  private mark: string | undefined;
  /** A resubscription's catch-up has not succeeded yet: pushes do not advance `mark`. */
  private catchingUp = false;

  /** The platform acknowledged the first subscription at `at` (its clock). */
  subscribed(at: string): void {
    this.origin ??= at;
    this.mark ??= at;
  }

  /**
   * A resubscription was acknowledged: returns the `updatedSince` to list from (the previous
   * mark, less the margin). Until `catchUp` succeeds, a further reconnect lists from the same time.
   */
  resubscribed(): string | undefined {
    this.catchingUp = true;
    return this.mark === undefined ? undefined : new Date(Date.parse(this.mark) - CATCH_UP_MARGIN_MS).toISOString();
  }

  /** A pushed update: the transitions it brings, in order (none when already delivered). */
  push(u: JobUpdate): JobUpdate[] {
    const out = this.since(u.job, u.event.seq - 1).map((event) => ({ event, job: u.job }));
    const known = this.last.get(u.job.id);
    if (known === undefined || u.event.seq > known) out.push(u);
    if (out.length) this.last.set(u.job.id, u.event.seq);
    if (!this.catchingUp && (this.mark === undefined || u.job.updatedAt > this.mark)) this.mark = u.job.updatedAt;
    return out;
  }

  /**
   * The jobs read after a resubscription acknowledged at `at`: the transitions missed, job by
   * job in `seq` order. Afterwards nothing before `at` is owed any more.
   */
  catchUp(jobs: readonly Job[], at: string): JobUpdate[] {
    const out: JobUpdate[] = [];
    for (const job of jobs) {
      const events = this.since(job, Infinity);
      if (!events.length) continue;
      this.last.set(job.id, events.at(-1)!.seq);
      for (const event of events) out.push({ event, job });
    }
    this.catchingUp = false;
    if (this.mark === undefined || at > this.mark) this.mark = at;
    return out;
  }

  /** The last `seq` delivered of a job (undefined: none). */
  lastSeq(jobId: string): number | undefined {
    return this.last.get(jobId);
  }

  /** The events of `job`'s history not delivered yet, up to `upTo` (inclusive). */
  private since(job: Job, upTo: number): JobStateEvent[] {
    const known = this.last.get(job.id);
    let from: number;
    if (known !== undefined) from = known + 1;
    else if (this.origin !== undefined && job.createdAt >= this.origin) from = 0;
    else return upTo === Infinity ? this.unknownOld(job) : [];
    return job.history.filter((e) => e.seq >= from && e.seq <= upTo);
  }

  /**
   * A job created before the first subscription, never pushed, changed while disconnected: its
   * transitions from the window the catch-up covers (by their time; the best that can be known).
   */
  private unknownOld(job: Job): JobStateEvent[] {
    if (this.mark === undefined) return [];
    const from = new Date(Date.parse(this.mark) - CATCH_UP_MARGIN_MS).toISOString();
    return job.history.filter((e) => e.at >= from);
  }
}
