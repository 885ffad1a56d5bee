import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { WidgetTracker } from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { IGenesisClient } from '../tokens';
import type { DatasetDetailView } from './detailView';

export interface ICatalogSettings {
  searchDebounceMs: number;
  pageSize: number;
  previewRows: number;
}

/** What the catalog plugin hands to its lazily loaded implementation. */
export interface ICatalogContext {
  app: JupyterFrontEnd;
  client: IGenesisClient;
  notebooks: INotebookTracker | null;
  details: WidgetTracker<DatasetDetailView>;
  settings(): ICatalogSettings;
}
