import type { Int64Policy } from '@genesis-lab/contract';
import type { GenesisClient } from './client/client';
import type { LineageRecorder } from './lineage';
import type { NotebookOutput } from './notebook/tslab';

/** Defaults every pull starts from; `genesis.configure(...)` changes them. */
export interface GenesisSettings {
  /** Show tables (and search results) as rich HTML in a tslab notebook. Default true. */
  display: boolean;
  /** Show a live progress indicator for pulls that take longer than a second. Default true. */
  progress: boolean;
  /** How int64/uint64 columns reach JavaScript. Default "number" (see docs/kernel-helpers.md). */
  int64: Int64Policy;
  /** HTTP compression of pulls: "auto" = none on loopback, gzip/br for remote platforms. */
  compression: 'auto' | 'identity' | 'gzip' | 'br';
}

/**
 * What every namespace of the helpers (catalog, datasets, jobs, ...) shares: the client (HTTP,
 * errors, discovery), the lineage recorder, the settings, and the notebook the code runs in.
 */
export interface GenesisContext {
  readonly client: GenesisClient;
  readonly lineage: LineageRecorder;
  readonly settings: GenesisSettings;
  /** The running notebook cell's outputs, or undefined in plain Node (or when disabled). */
  notebook(): NotebookOutput | undefined;
}
