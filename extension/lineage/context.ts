import type { TranslationBundle } from '@jupyterlab/translation';
import type { IGenesisClient } from '../tokens';

/** What clicking a chip does: open the dataset, the model or the job. */
export interface IChipActions {
  openDataset(ref: string): void;
  openModel(ref: string): void;
  openJob(id: string): void;
}

/** What every lineage renderer shares: the actions a chip runs, the words, the client (for live job states). */
export interface IChipContext {
  actions: IChipActions;
  trans: TranslationBundle;
  /** Absent without the Genesis client: job chips then show the state the output recorded. */
  client: IGenesisClient | null;
}
