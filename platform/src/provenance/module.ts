import { LATEST, OWNER, parseRef, type DatasetVersionRef } from '@genesis-lab/contract';
import type { PlatformContext, PlatformModule } from '../platform-module';
import { CATALOG_SERVICE, type CatalogService } from '../catalog/service';
import { JOBS_SERVICE } from '../jobs/module';
import { MODEL_SERVICE } from '../models/service';
import type { JobService } from '../jobs/service';
import { provenanceMigrations } from './migrations';
import { ReproductionCleanup } from './reproduction-cleanup';
import { registerProvenanceRoutes } from './routes';
import { SqliteProvenanceStore, type JobLookup } from './sqlite-store';
import { PROVENANCE_SERVICE } from './store';

/** Jobs as the jobs service knows them, with their dataset stage-ins resolved in the catalog. */
function jobLookup(jobs: () => JobService | undefined, catalog: () => CatalogService | undefined): JobLookup {
  return (jobId) => {
    const service = jobs();
    if (!service) return undefined;
    let job;
    try {
      job = service.reads.get(jobId, OWNER);
    } catch {
      return undefined;
    }
    const used: DatasetVersionRef[] = [];
    for (const item of job.spec.stageIn) {
      if (!('dataset' in item)) continue;
      const ref = parseRef(item.dataset);
      try {
        const v = catalog()?.getVersion(ref.id, ref.version ?? LATEST, OWNER);
        if (v) used.push({ id: ref.id, version: v.version, sha256: v.sha256 });
      } catch {
        /* a stage-in the catalog no longer resolves: the job failed to stage it */
      }
    }
    return {
      jobId,
      facility: job.facility,
      name: job.spec.name,
      state: job.state,
      ...((job.startedAt ?? job.submittedAt) ? { startedAt: (job.startedAt ?? job.submittedAt)! } : {}),
      ...(job.endedAt ? { endedAt: job.endedAt } : {}),
      used
    };
  };
}

/**
 * Provenance as a platform module: its tables, the store (registered for other modules and the
 * CLI's functions), its routes. Runs after the catalog and jobs modules, whose services it reads.
 */
export const provenanceModule: PlatformModule = {
  name: 'provenance',
  migrations: provenanceMigrations,
  init(ctx) {
    const catalog = () => ctx.services.get(CATALOG_SERVICE);
    const jobs = () => ctx.services.get(JOBS_SERVICE);
    ctx.services.provide(PROVENANCE_SERVICE, new SqliteProvenanceStore(ctx.db, jobLookup(jobs, catalog)));
  },
  routes(app, ctx) {
    const store = ctx.services.require(PROVENANCE_SERVICE);
    registerProvenanceRoutes(
      app,
      store,
      () => ctx.services.get(CATALOG_SERVICE),
      {
        store,
        jobs: () => ctx.services.get(JOBS_SERVICE),
        home: ctx.home,
        program: ctx.config.reproductionProgram,
        kernelEnvironments: ctx.config.kernelEnvironments,
        self: () => ctx.self,
        identity: ctx.access.identity,
        cleanup: cleanupOf(ctx)
      },
      () => ({ jobs: ctx.services.get(JOBS_SERVICE), models: ctx.services.get(MODEL_SERVICE) })
    );
  },
  start(ctx) {
    // Reproductions whose job ended while the platform was down (or that never got a job) end now.
    const cleanup = cleanupOf(ctx);
    const jobs = ctx.services.get(JOBS_SERVICE);
    if (jobs) cleanup.watch(jobs);
    cleanup.reconcile();
  }
};

const cleanups = new WeakMap<PlatformContext, ReproductionCleanup>();
/** One ReproductionCleanup per platform. */
function cleanupOf(ctx: PlatformContext): ReproductionCleanup {
  let c = cleanups.get(ctx);
  if (!c) {
    c = new ReproductionCleanup({
      home: ctx.home,
      store: ctx.services.require(PROVENANCE_SERVICE),
      identity: ctx.access.identity,
      jobs: () => ctx.services.get(JOBS_SERVICE),
      log: ctx.log
    });
    cleanups.set(ctx, c);
  }
  return c;
}
