import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { WidgetTracker } from '@jupyterlab/apputils';
import type { IGenesisClient } from '../tokens';
import type { JobDetailView } from './jobDetailView';

export interface IJobsSettings {
  defaultFacility: string;
  logTailBytes: number;
  /** Jobs per page of the panel's list (`GET /api/jobs?limit=`). */
  pageSize: number;
}

/** What the jobs plugin hands to its lazily loaded implementation. */
export interface IJobsContext {
  app: JupyterFrontEnd;
  client: IGenesisClient;
  views: WidgetTracker<JobDetailView>;
  settings(): IJobsSettings;
}
