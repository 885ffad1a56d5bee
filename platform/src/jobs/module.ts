import { CATALOG_SERVICE } from '../catalog/service';
import { loadFacilities } from '../facilities/config';
import { FacilitySet } from '../facilities/facility-set';
import { createConnector } from '../facilities/registry';
import type { PlatformModule } from '../platform-module';
import { ServiceKey } from '../services';
import type { LogFollowers } from './log-follow';
import { jobsMigrations } from './migrations';
import { registerJobRoutes } from './routes';
import { JobService } from './service';
import { attachJobSockets } from './socket';
import { StagingPolicy } from './staging-policy';

/** The job service as the other modules of a platform find it. */
export const JOBS_SERVICE = new ServiceKey<JobService>('jobs');
const LOG_FOLLOWERS = new ServiceKey<LogFollowers>('jobs.logFollowers');

/**
 * Jobs across facilities: facilities from configuration, a connector each, the job service
 * (persist, submit, reconcile, publish), its REST routes and socket events. State lives in
 * `ctx.services`, so several platforms in one process do not share it.
 */
export const jobsModule: PlatformModule = {
  name: 'jobs',
  migrations: jobsMigrations,
  init(ctx) {
    const load = () => loadFacilities(ctx.config.facilitiesFile, ctx.home.facilitiesFile);
    const loaded = load();
    ctx.log.info(`facilities from ${loaded.source}: ${loaded.facilities.map((f) => f.name).join(', ')}`);
    const facilities = new FacilitySet(load, (f) => createConnector(f, ctx.home.jobsDir), loaded);
    const service = new JobService(
      ctx.db,
      facilities,
      ctx.home.jobsDir,
      ctx.log,
      () => ctx.services.get(CATALOG_SERVICE),
      StagingPolicy.forHome(ctx.home, ctx.config.stagingRoots)
    );
    ctx.services.provide(JOBS_SERVICE, service);
  },
  routes(app, ctx) {
    registerJobRoutes(app, ctx.services.require(JOBS_SERVICE), ctx.access.audit);
  },
  socket(io, ctx) {
    ctx.services.provide(LOG_FOLLOWERS, attachJobSockets(io, ctx.services.require(JOBS_SERVICE)));
  },
  async start(ctx) {
    await ctx.services.require(JOBS_SERVICE).start();
  },
  async stop(ctx) {
    ctx.services.get(LOG_FOLLOWERS)?.close();
    await ctx.services.get(JOBS_SERVICE)?.stop();
  },
  health(ctx) {
    const service = ctx.services.get(JOBS_SERVICE);
    if (!service) return {};
    return {
      facilities: service.reads
        .facilities()
        .map((f) => ({ name: f.name, healthy: f.healthy, ...(f.message ? { message: f.message } : {}) }))
    };
  }
};
