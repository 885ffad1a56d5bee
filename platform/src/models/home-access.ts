import { openDatabase } from '../db/database';
import { platformMigrations } from '../db/migrations';
import { catalogMigrations } from '../catalog/migrations';
import { SqliteCatalog } from '../catalog/sqlite-catalog';
import { PlatformConfig } from '../config';
import type { Home } from '../home';
import { modelMigrations } from './migrations';
import { ModelRegistry } from './registry';
import { RuntimeSet } from './runtimes';
import { ModelService } from './service';

/**
 * The models (and catalog) of a home, opened directly, as `genesis ingest` opens the catalog:
 * for `genesis models register` and the seed, with or without a running platform (WAL lets both write).
 */
export function openModels(home: Home): { models: ModelService; catalog: SqliteCatalog; close(): Promise<void> } {
  home.ensure();
  const db = openDatabase(home.dbPath, [...platformMigrations, ...catalogMigrations, ...modelMigrations]);
  const catalog = new SqliteCatalog(db, home);
  const runtimes = new RuntimeSet({ home, config: PlatformConfig.parse({ home: home.root }), log: console });
  const models = new ModelService(new ModelRegistry(db, home, catalog, runtimes), runtimes);
  return {
    models,
    catalog,
    close: async () => {
      await models.close();
      db.close();
    }
  };
}
