import type { Command } from 'commander';
import { registerFacilities } from './facilities';
import { registerImportRecords } from './import-records';
import { registerIngest } from './ingest';
import { registerJobs } from './jobs';
import { registerModels } from './models';
import { registerOpenApi } from './openapi';
import { registerSearch } from './search';
import { registerSeed } from './seed';
import { registerServe } from './serve';

/** Every CLI command, one file each. */
export const commands: ReadonlyArray<(program: Command) => void> = [
  registerServe,
  registerIngest,
  registerSeed,
  registerSearch,
  registerImportRecords,
  registerJobs,
  registerFacilities,
  registerOpenApi,
  registerModels
];
