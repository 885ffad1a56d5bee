import { CATALOG_SERVICE, type CatalogService } from '../catalog/service';
import { JOBS_SERVICE } from '../jobs/module';
import type { PlatformModule } from '../platform-module';
import { PROVENANCE_SERVICE } from '../provenance/store';
import { registerJobModelRoutes } from './job-publish';
import { modelMigrations } from './migrations';
import { ModelRegistry } from './registry';
import { modelRoutes } from './routes';
import { RuntimeSet } from './runtimes';
import { MODEL_SERVICE, ModelService } from './service';

/** Models as a platform module: version tables, the registry beside the catalog, runtimes, routes (incl. publishing a job's weights). */
export const modelsModule: PlatformModule = {
  name: 'models',
  migrations: modelMigrations,
  init(ctx) {
    const catalog: CatalogService = ctx.services.require(CATALOG_SERVICE);
    const runtimes = new RuntimeSet({ home: ctx.home, config: ctx.config, log: ctx.log });
    const registry = new ModelRegistry(ctx.db, ctx.home, catalog, runtimes);
    // Every use of a controlled or export-controlled model is audited, like data reads.
    registry.onModelUse = (principal, id, version, accessLevel) =>
      ctx.access.audit.append(principal.user, 'model.use', `${id}@${version}`, { accessLevel });
    ctx.services.provide(MODEL_SERVICE, new ModelService(registry, runtimes));
  },
  routes(app, ctx) {
    const models = ctx.services.require(MODEL_SERVICE);
    modelRoutes(app, models);
    // Models trained by jobs (after the jobs and provenance modules, whose services it uses).
    const jobs = ctx.services.get(JOBS_SERVICE);
    const provenance = ctx.services.get(PROVENANCE_SERVICE);
    registerJobModelRoutes(app, { models, ...(jobs ? { jobs } : {}), ...(provenance ? { provenance } : {}) });
  },
  async stop(ctx) {
    await ctx.services.require(MODEL_SERVICE).close();
  }
};
