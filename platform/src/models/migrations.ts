import type { Migration } from '../db/migrations';

/**
 * Model versions. The record itself is a row of `catalog_records` (kind `model`), so search,
 * access levels and suggestions treat models and datasets alike; each version keeps its card,
 * signature, runtime and origin as JSON (contract shapes) beside the weights digest.
 */
export const modelMigrations: readonly Migration[] = [
  {
    module: 'models',
    version: 1,
    name: 'model versions',
    sql: `
CREATE TABLE model_versions (
  rid INTEGER NOT NULL REFERENCES catalog_records (rid),
  version TEXT NOT NULL,
  seq INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  format TEXT NOT NULL,
  runtime TEXT NOT NULL,
  signature TEXT NOT NULL,
  card TEXT NOT NULL,
  origin TEXT NOT NULL,
  notes TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (rid, version)
) WITHOUT ROWID;
CREATE INDEX model_versions_sha ON model_versions (sha256);
`
  }
];
