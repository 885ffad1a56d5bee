import type { Principal } from '@genesis-lab/contract';
import type { PlatformModule } from '../platform-module';
import { catalogMigrations } from './migrations';
import { catalogRoutes } from './routes';
import { CATALOG_SERVICE } from './service';
import { SqliteCatalog } from './sqlite-catalog';

const ANONYMOUS: Principal = { user: 'anonymous', clearances: [], projects: {}, scopes: [], admin: false };

/** The catalog as a platform module: its tables, the service other modules use, its routes. */
export const catalogModule: PlatformModule = {
  name: 'catalog',
  migrations: catalogMigrations,
  init(ctx) {
    const catalog = new SqliteCatalog(ctx.db, ctx.home);
    // Every grant of controlled or export-controlled data (read, export, staging) is audited.
    catalog.onDataRead = (principal, id, version, accessLevel) =>
      ctx.access.audit.append(principal.user, 'data.read', `${id}@${version}`, { accessLevel });
    ctx.services.provide(CATALOG_SERVICE, catalog);
  },
  routes(app, ctx) {
    catalogRoutes(app, ctx.services.require(CATALOG_SERVICE), ctx);
  },
  start(ctx) {
    // Load the search index before the platform says it is up, so no user's first search waits for it.
    ctx.services.require(CATALOG_SERVICE).warmSearch();
  },
  health(ctx) {
    // Health is public: count what anyone may see (export-controlled records are not revealed).
    const catalog = ctx.services.require(CATALOG_SERVICE);
    return { datasets: catalog.count(ANONYMOUS), searchCache: catalog.searchCacheStats };
  }
};
