import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { auditPlugin } from './plugins/audit';
import { catalogPlugin } from './plugins/catalog';
import { clientPlugin } from './plugins/client';
import { jobsPlugin } from './plugins/jobs';
import { lineagePlugin } from './plugins/lineage';
import { provenancePlugin } from './plugins/provenance';

export { IGenesisClient } from './tokens';
export type { ConnectionStatus, IConnectionState, ILogTail, IPreviewTable } from './tokens';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  clientPlugin,
  catalogPlugin,
  jobsPlugin,
  lineagePlugin,
  provenancePlugin,
  auditPlugin
];
export default plugins;
