export { startPlatform, type Platform } from './server';
export { PlatformConfig } from './config';
export { Home } from './home';
export type { PlatformContext, PlatformModule } from './module';
export { exportCrateFile, importCrateFile, openProvenance } from './provenance/home-access';
export { exportRunCrate, type CrateExportOptions } from './provenance/crate-export';
export { importRunCrate } from './provenance/crate-import';
export { toProvJson } from './provenance/prov-json';
export { PROVENANCE_SERVICE, type ProvenanceStore } from './provenance/store';
