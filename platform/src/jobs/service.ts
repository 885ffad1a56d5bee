import type { FacilityRefresh } from '@genesis-lab/contract';
import type { FastifyBaseLogger } from 'fastify';
import type { StagingPolicy } from './staging-policy';
import type { CatalogService } from '../catalog/service';
import type { FacilityConnector } from '../facilities/connector';
import type { FacilitySet } from '../facilities/facility-set';
import { PollLoop } from '../facilities/poll-loop';
import { Observations } from './observations';
import { JobReads } from './reads';
import { Reconciler } from './reconcile';
import { JobStore } from './store';
import { JobSubmissions } from './submissions';

/** How often transient submit failures and unanswered adoptions are tried again. */
const RETRY_INTERVAL_MS = 5000;

/**
 * Jobs across facilities: the one owner of job state. Its parts: `submissions` (validate,
 * persist before sending, idempotency, cancel), `observations` (what connectors report,
 * written in batches, then published as updates), `reads` (jobs, logs, facilities), and the
 * reconciliation of a facility's open jobs when it starts. It also probes the facilities
 * periodically and on request, so one that comes up or recovers is seen without a restart.
 */
export class JobService {
  readonly store: JobStore;
  readonly observations: Observations;
  readonly submissions: JobSubmissions;
  readonly reads: JobReads;
  private readonly reconciler: Reconciler;
  private readonly retries: PollLoop;
  private readonly probes: PollLoop;
  /** Facilities started so far (a facility that appears later is started by a refresh). */
  private readonly started = new Set<string>();
  /** Notes of the periodic refresh already logged (a removed facility would say so every time). */
  private readonly logged = new Set<string>();
  /** The refresh running now: the periodic one and requested ones share it. */
  private refreshing: Promise<FacilityRefresh> | undefined;
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    db: import('../db/database').Db,
    readonly facilities: FacilitySet,
    jobsDir: string,
    private readonly log: FastifyBaseLogger,
    catalog: () => CatalogService | undefined = () => undefined,
    staging?: StagingPolicy
  ) {
    this.ready = new Promise((r) => (this.markReady = r));
    this.store = new JobStore(db);
    this.observations = new Observations(this.store, staging);
    this.submissions = new JobSubmissions(
      this.store,
      facilities,
      this.observations,
      jobsDir,
      log,
      catalog,
      this.ready,
      staging
    );
    this.reads = new JobReads(this.store, facilities);
    this.reconciler = new Reconciler(this.store, this.observations, this.submissions, log);
    this.retries = new PollLoop(
      async () => {
        const connectorOf = (name: string) => (this.started.has(name) ? facilities.get(name) : undefined);
        await this.reconciler.retrySubmits(this.submissions.dueRetries(), connectorOf);
        await this.reconciler.retryUnreachable(connectorOf);
      },
      { intervalMs: RETRY_INTERVAL_MS }
    );
    this.probes = new PollLoop(
      async () => {
        for (const note of (await this.refresh()).notes)
          if (!this.logged.has(note)) {
            this.logged.add(note);
            this.log.warn(note);
          }
      },
      { intervalMs: facilities.probeIntervalMs }
    );
  }

  /** Start every facility and reconcile its open jobs; then requests that change jobs may proceed. */
  async start(): Promise<void> {
    for (const connector of this.facilities.all()) await this.startFacility(connector);
    const unknown = this.store.openJobs().filter((j) => !this.facilities.get(j.facility));
    if (unknown.length)
      this.log.warn(
        `${unknown.length} open job(s) belong to facilities no longer configured: ${[...new Set(unknown.map((j) => j.facility))].join(', ')}`
      );
    this.observations.flush();
    this.retries.start(RETRY_INTERVAL_MS);
    this.probes.start(this.facilities.probeIntervalMs);
    this.markReady();
  }

  /** Start a connector, serve it (only once started: no submission reaches it without its sink), reconcile. */
  private async startFacility(connector: FacilityConnector): Promise<void> {
    await connector.start(this.observations.sink);
    this.started.add(connector.name);
    this.facilities.admit(connector);
    const open = this.store.openJobs().filter((j) => j.facility === connector.name);
    await this.reconciler.reconcile(connector, open);
  }

  /**
   * Probe every facility again now and re-read the configuration: facilities that appeared are
   * started (and their open jobs reconciled), every one reports its health afresh.
   */
  refresh(): Promise<FacilityRefresh> {
    this.refreshing ??= this.reprobe().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async reprobe(): Promise<FacilityRefresh> {
    const { added, notes } = this.facilities.reload();
    const started: string[] = [];
    for (const connector of added) {
      try {
        await this.startFacility(connector);
      } catch (err) {
        await connector.stop().catch(() => undefined);
        this.started.delete(connector.name);
        this.facilities.forget(connector.name);
        notes.push(`facility "${connector.name}" could not start: ${(err as Error).message}`);
        continue;
      }
      started.push(connector.name);
      this.log.info(`facility "${connector.name}" (${connector.kind}) appeared in the configuration`);
    }
    await Promise.all(this.facilities.all().map((c) => (started.includes(c.name) ? undefined : c.probe())));
    return { facilities: this.reads.facilities(), added: started, notes };
  }

  async stop(): Promise<void> {
    await this.probes.stop();
    await this.retries.stop();
    for (const c of this.facilities.all()) if (this.started.has(c.name)) await c.stop();
    this.observations.flush();
  }
}
