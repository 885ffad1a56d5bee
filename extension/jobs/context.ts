import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { WidgetTracker } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ILabSettings, SettingsOf } from '../common/settings';
import type { IGenesisClient } from '../tokens';
import type { JobDetailView } from './jobDetailView';

export type JobsSettings = SettingsOf<'jobs'>;

/** What the jobs plugin hands to its lazily loaded implementation. */
export interface IJobsContext {
  app: JupyterFrontEnd;
  client: IGenesisClient;
  views: WidgetTracker<JobDetailView>;
  trans: TranslationBundle;
  /** The `genesis-lab:jobs` settings, once the registry has them. */
  settings: Promise<ILabSettings<JobsSettings>>;
}
