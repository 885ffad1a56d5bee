import * as fs from 'node:fs';
import { OWNER, type CrateImportResult } from '@genesis-lab/contract';
import { catalogMigrations } from '../catalog/migrations';
import { SqliteCatalog } from '../catalog/sqlite-catalog';
import { openDatabase } from '../db/database';
import { platformMigrations } from '../db/migrations';
import type { Home } from '../home';
import { writeFileAtomic } from '../util/atomic';
import { exportRunCrate, type CrateExportOptions } from './crate-export';
import { importRunCrate } from './crate-import';
import { provenanceMigrations } from './migrations';
import { SqliteProvenanceStore } from './sqlite-store';

/**
 * The provenance store and catalog of a home, opened directly (as `genesis ingest` opens the
 * catalog): for the CLI's export and import, with or without a running platform (WAL lets
 * both write). Jobs are not looked up here: job nodes show what the lineage recorded.
 */
export function openProvenance(home: Home): { store: SqliteProvenanceStore; catalog: SqliteCatalog; close(): void } {
  home.ensure();
  const db = openDatabase(home.dbPath, [...platformMigrations, ...catalogMigrations, ...provenanceMigrations]);
  return { store: new SqliteProvenanceStore(db), catalog: new SqliteCatalog(db, home), close: () => db.close() };
}

/**
 * Write a run's RO-Crate to `file` (atomically); answers its size in bytes. Whoever opens the
 * home's files directly is its owner; export-controlled data still stays out of the crate.
 */
export function exportCrateFile(
  home: Home,
  runId: string,
  file: string,
  opts: Omit<CrateExportOptions, 'principal'>
): number {
  const { store, catalog, close } = openProvenance(home);
  try {
    const zip = exportRunCrate(store, catalog, runId, { ...opts, principal: OWNER });
    writeFileAtomic(file, Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
    return zip.byteLength;
  } finally {
    close();
  }
}

/** Import a crate file into a home (what `genesis reproduce CRATE.zip` needs first on a fresh machine). */
export async function importCrateFile(home: Home, file: string): Promise<CrateImportResult> {
  const { store, catalog, close } = openProvenance(home);
  try {
    return await importRunCrate(store, catalog, fs.readFileSync(file));
  } finally {
    close();
  }
}
