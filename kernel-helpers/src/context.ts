import type { GenesisClient } from '@genesis-lab/client';
import type { ReproductionPins } from './data/pins';
import type { LineageRecorder } from './lineage';
import type { NotebookOutput } from './notebook/tslab';
import type { GenesisSettings } from './settings';

export type { GenesisSettings };

/**
 * What every namespace of the helpers (catalog, datasets, jobs, ...) shares: the client (HTTP,
 * errors, discovery), the lineage recorder, the settings, and the notebook the code runs in.
 */
export interface GenesisContext {
  readonly client: GenesisClient;
  readonly lineage: LineageRecorder;
  readonly settings: GenesisSettings;
  /** The versions unversioned refs resolve to in a reproduction (GENESIS_PINS); none: latest. */
  readonly pins: ReproductionPins;
  /** The running notebook cell's outputs, or undefined in plain Node (or when disabled). */
  notebook(): NotebookOutput | undefined;
}
