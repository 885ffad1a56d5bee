import { getService, type PlatformModule } from '../platform-module';
import { CATALOG_SERVICE, type CatalogService } from '../catalog/service';
import { loadFacilities } from '../facilities/config';
import { createConnector } from '../facilities/registry';
import { jobsMigrations } from './migrations';
import { registerJobRoutes } from './routes';
import { JOBS_SERVICE, JobService } from './service';
import { attachJobSockets } from './socket';
import type { LogFollowers } from './log-follow';

const FOLLOWERS = 'jobs.logFollowers';

/**
 * Jobs across facilities: facilities from configuration, a connector each, the job service
 * (persist, submit, reconcile, publish), its REST routes and socket events. State lives in
 * `ctx.services`, so several platforms in one process do not share it.
 */
export const jobsModule: PlatformModule = {
  name: 'jobs',
  migrations: jobsMigrations,
  init(ctx) {
    const loaded = loadFacilities(ctx.config.facilitiesFile, ctx.home.facilitiesFile);
    ctx.log.info(`facilities from ${loaded.source}: ${loaded.facilities.map((f) => f.name).join(', ')}`);
    const service = new JobService(
      ctx.db,
      loaded.facilities,
      loaded.facilities.map((f) => createConnector(f, ctx.home.jobsDir)),
      ctx.home.jobsDir,
      ctx.log,
      () => ctx.services.get(CATALOG_SERVICE) as CatalogService | undefined
    );
    ctx.services.set(JOBS_SERVICE, service);
  },
  routes(app, ctx) {
    registerJobRoutes(app, getService<JobService>(ctx, JOBS_SERVICE));
  },
  socket(io, ctx) {
    ctx.services.set(FOLLOWERS, attachJobSockets(io, getService<JobService>(ctx, JOBS_SERVICE)));
  },
  async start(ctx) {
    await getService<JobService>(ctx, JOBS_SERVICE).start();
  },
  async stop(ctx) {
    (ctx.services.get(FOLLOWERS) as LogFollowers | undefined)?.close();
    await (ctx.services.get(JOBS_SERVICE) as JobService | undefined)?.stop();
  },
  health(ctx) {
    const service = ctx.services.get(JOBS_SERVICE) as JobService | undefined;
    if (!service) return {};
    return {
      facilities: service
        .facilities()
        .map((f) => ({ name: f.name, healthy: f.healthy, ...(f.message ? { message: f.message } : {}) }))
    };
  }
};
