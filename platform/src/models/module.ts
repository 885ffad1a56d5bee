import { CATALOG_SERVICE, type CatalogService } from '../catalog/service';
import type { PlatformModule } from '../platform-module';
import { modelMigrations } from './migrations';
import { ModelRegistry } from './registry';
import { modelRoutes } from './routes';
import { RuntimeSet } from './runtimes';
import { MODEL_SERVICE, ModelService } from './service';

/** Models as a platform module: version tables, the registry beside the catalog, runtimes, routes. */
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
    modelRoutes(app, ctx.services.require(MODEL_SERVICE));
  },
  async stop(ctx) {
    await ctx.services.require(MODEL_SERVICE).close();
  }
};
