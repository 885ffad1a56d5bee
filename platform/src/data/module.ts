import { CATALOG_SERVICE } from '../catalog/service';
import type { PlatformModule } from '../platform-module';
import { dataRoutes } from './routes';
import { DataStats } from './stats';

/** The data path as a platform module: Arrow/CSV/JSON/Parquet pulls over the catalog's versions. */
export function createDataModule(): PlatformModule {
  const stats = new DataStats();
  return {
    name: 'data',
    routes(app, ctx) {
      dataRoutes(app, ctx.services.require(CATALOG_SERVICE), stats);
    },
    health() {
      return { data: stats.snapshot() };
    }
  };
}

export const dataModule: PlatformModule = createDataModule();
