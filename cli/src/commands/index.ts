import type { Command } from 'commander';
import { registerFacilities } from './facilities';
import { registerImportRecords } from './import-records';
import { registerIngest } from './ingest';
import { registerJobs } from './jobs';
import { registerModels } from './models';
import { registerOpenApi } from './openapi';
import { registerProvenance } from './provenance';
import { registerReproduce } from './reproduce';
import { registerRun } from './run';
import { registerSearch } from './search';
import { registerSeed } from './seed';
import { registerServe } from './serve';
import { registerTokens } from './tokens';
import { registerAudit } from './audit';
import { registerProjects } from './projects';

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
  registerRun,
  registerReproduce,
  registerProvenance,
  registerTokens,
  registerAudit,
  registerProjects,
  registerModels
];
