import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { WidgetTracker } from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ILabSettings, SettingsOf } from '../common/settings';
import type { IGenesisClient } from '../tokens';
import type { DatasetDetailView } from './detailView';
import type { ModelDetailView } from './modelDetailView';

export type CatalogSettings = SettingsOf<'catalog'>;

/** What the catalog plugin hands to its lazily loaded implementation. */
export interface ICatalogContext {
  app: JupyterFrontEnd;
  client: IGenesisClient;
  notebooks: INotebookTracker | null;
  details: WidgetTracker<DatasetDetailView>;
  modelDetails: WidgetTracker<ModelDetailView>;
  trans: TranslationBundle;
  /** The `genesis-lab:catalog` settings, once the registry has them. */
  settings: Promise<ILabSettings<CatalogSettings>>;
}
