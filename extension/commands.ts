import type { TranslationBundle } from '@jupyterlab/translation';

/** Command ids, in one place so plugins, menus and tests agree. */
export const CommandIds = {
  openCatalog: 'genesis:open-catalog',
  search: 'genesis:search',
  openDataset: 'genesis:open-dataset',
  insertDataset: 'genesis:insert-dataset',
  openModel: 'genesis:open-model',
  insertModel: 'genesis:insert-model',
  openJobs: 'genesis:open-jobs',
  openJob: 'genesis:open-job',
  submitJob: 'genesis:submit-job',
  cancelJob: 'genesis:cancel-job',
  resubmitJob: 'genesis:resubmit-job',
  retryConnection: 'genesis:retry-connection',
  startPlatform: 'genesis:start-platform',
  stopPlatform: 'genesis:stop-platform',
  restartPlatform: 'genesis:restart-platform',
  openProvenance: 'genesis:open-provenance',
  openLineageGraph: 'genesis:open-lineage-graph',
  exportCrate: 'genesis:export-crate',
  exportProv: 'genesis:export-prov',
  sendProvenance: 'genesis:send-provenance',
  openAudit: 'genesis:open-audit',
  reproduceRun: 'genesis:reproduce-run'
} as const;

/** The palette category of every Genesis command. */
export function paletteCategory(trans: TranslationBundle): string {
  return trans.__('Genesis Lab');
}
