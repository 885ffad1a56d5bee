import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ILabSettings, SettingsOf } from '../common/settings';
import type { IGenesisClient } from '../tokens';
import type { ProvenanceCapture } from './capture';
import type { ExecutionQueue } from './queue';

export type ProvenanceSettings = SettingsOf<'provenance'>;

/** What the provenance plugin hands to its lazily loaded implementation (panel, graph, exports). */
export interface IProvenanceContext {
  app: JupyterFrontEnd;
  client: IGenesisClient;
  notebooks: INotebookTracker;
  capture: ProvenanceCapture;
  queue: ExecutionQueue;
  trans: TranslationBundle;
  settings: Promise<ILabSettings<ProvenanceSettings>>;
}
