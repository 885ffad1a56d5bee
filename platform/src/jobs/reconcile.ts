import { isFinal } from '@genesis-lab/contract';
import type { FastifyBaseLogger } from 'fastify';
import type { FacilityConnector } from '../facilities/connector';
import type { Observations } from './observations';
import type { JobStore, StoredJob } from './store';
import { CANCELED_BEFORE_SENT, trackedJob, type JobSubmissions } from './submissions';

/**
 * What becomes of a facility's unfinished jobs when the platform starts (or the facility
 * appears later): the policy is the service's, the facts are the connector's.
 * - Never sent (NEW, no attempt recorded; older databases only): sent now, or CANCELED
 *   before it was sent if a cancel came first.
 * - Sent, or maybe sent: the connector adopts those its system knows (by native id or job
 *   directory) and reports their true state; a cancel requested before the restart is asked
 *   again. Those it has no trace of were never received: CANCELED if a cancel came first,
 *   otherwise sent again (their directory is ready). Those it could not ask about are asked
 *   again by the retry loop, never resent blindly (that could run a job twice).
 */
export class Reconciler {
  /** Jobs whose facility could not be asked about them: id -> facility. */
  private readonly unreachable = new Map<string, string>();

  constructor(
    private readonly store: JobStore,
    private readonly observations: Observations,
    private readonly submissions: JobSubmissions,
    private readonly log: FastifyBaseLogger
  ) {}

  async reconcile(connector: FacilityConnector, jobs: StoredJob[]): Promise<void> {
    const neverSent: StoredJob[] = [];
    const sent: StoredJob[] = [];
    for (const j of jobs) {
      if (j.state === 'NEW' && j.submitAttempts === 0) {
        if (j.cancelRequested) this.observations.sink.observe(j.id, CANCELED_BEFORE_SENT);
        else neverSent.push(j);
      } else sent.push(j);
    }
    if (sent.length) await this.adopt(connector, sent);
    this.observations.flush();
    for (const j of neverSent) await this.submissions.send(j);
  }

  private async adopt(connector: FacilityConnector, jobs: StoredJob[]): Promise<void> {
    const { unknown, unreachable } = await connector.adopt(jobs.map(trackedJob));
    const unknownIds = new Set(unknown);
    const unreachableIds = new Set(unreachable);
    this.observations.flush();
    for (const job of jobs) {
      this.unreachable.delete(job.id);
      if (unreachableIds.has(job.id)) this.unreachable.set(job.id, connector.name);
      else if (unknownIds.has(job.id)) {
        if (job.cancelRequested) this.observations.sink.observe(job.id, CANCELED_BEFORE_SENT);
        else await this.submissions.resend(job);
      } else if (job.cancelRequested) {
        const now = this.store.get(job.id);
        if (now && !isFinal(now.state))
          await connector.cancel(trackedJob(now)).catch((err: unknown) => {
            this.log.warn({ err, jobId: job.id }, 'cancel after a restart failed; the job may run on');
          });
      }
    }
    this.observations.flush();
  }

  /**
   * Jobs whose submission failed transiently (the retry loop, with backoff): a failure can come
   * after the facility took the job (sbatch's answer lost), so the facility is asked about each
   * first (by native id or job directory), and only those it has no trace of are sent again.
   */
  async retrySubmits(
    jobs: StoredJob[],
    connectorOf: (facility: string) => FacilityConnector | undefined
  ): Promise<void> {
    const byFacility = new Map<string, StoredJob[]>();
    for (const job of jobs) byFacility.set(job.facility, [...(byFacility.get(job.facility) ?? []), job]);
    for (const [facility, list] of byFacility) {
      const connector = connectorOf(facility);
      if (!connector) continue;
      await this.adopt(connector, list);
      // Found (it has a native id now), or to be asked about again by the unreachable path.
      for (const job of list)
        if (this.store.get(job.id)?.nativeId || this.unreachable.has(job.id)) this.submissions.found(job.id);
    }
  }

  /** Ask again about the jobs a facility could not be asked about (the retry loop). */
  async retryUnreachable(connectorOf: (facility: string) => FacilityConnector | undefined): Promise<void> {
    const byFacility = new Map<string, StoredJob[]>();
    for (const [id, facility] of this.unreachable) {
      const job = this.store.get(id);
      if (!job || isFinal(job.state) || job.nativeId) {
        this.unreachable.delete(id);
        continue;
      }
      byFacility.set(facility, [...(byFacility.get(facility) ?? []), job]);
    }
    for (const [facility, jobs] of byFacility) {
      const connector = connectorOf(facility);
      if (connector) await this.adopt(connector, jobs);
    }
  }
}
