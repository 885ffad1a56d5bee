/**
 * `@genesis-lab/platform`: the service and what the `genesis` CLI (the @genesis-lab/cli package)
 * runs in-process on a home: serve, ingest, seed, import records, the OpenAPI document's version.
 */
export { startPlatform, type Platform } from './server';
export { PlatformConfig } from './config';
export { Home } from './home';
export { PLATFORM_VERSION } from './version';
export type { PlatformContext, PlatformModule } from './platform-module';
export { SqliteCatalog } from './catalog/sqlite-catalog';
export { recordsFromFile } from './catalog/record-file';
export { COLUMN_TYPES, type ColumnType } from './ingest/column-type';
export { ingestFile, type IngestProgress, type IngestReport } from './ingest/ingest';
export { publishResult } from './ingest/publishing';
export { seedExamples, type SeedEvents } from './seed/examples';
export { writeFileAtomic } from './util/atomic';
export { exportCrateFile, importCrateFile, openProvenance } from './provenance/home-access';
export { exportRunCrate, type CrateExportOptions } from './provenance/crate-export';
export { importRunCrate } from './provenance/crate-import';
export { toProvJson } from './provenance/prov-json';
export { PROVENANCE_SERVICE, type ProvenanceStore } from './provenance/store';
