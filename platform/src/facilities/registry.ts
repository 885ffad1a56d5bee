import * as path from 'node:path';
import type { FacilityConfig } from '@genesis-lab/contract';
import type { FacilityConnector } from './connector';
import { LocalConnector } from './local/connector';
import { SlurmConnector } from './slurm/connector';

/** One connector per configured facility. A new kind adds one case here. */
export function createConnector(config: FacilityConfig, jobsDir: string): FacilityConnector {
  switch (config.kind) {
    case 'local':
      return new LocalConnector(config, path.join(jobsDir, '.bin'));
    case 'slurm':
      return new SlurmConnector(config);
  }
}
