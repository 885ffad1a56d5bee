import { catalogModule } from './catalog/module';
import { dataModule } from './data/module';
import { publishingModule } from './ingest/module';
import { jobsModule } from './jobs/module';
import type { PlatformModule } from './platform-module';
import { provenanceModule } from './provenance/module';

/** The modules a default platform runs, in dependency order (a module may use services of those before it). */
export const defaultModules: readonly PlatformModule[] = [
  catalogModule,
  dataModule,
  jobsModule,
  provenanceModule,
  publishingModule
];
