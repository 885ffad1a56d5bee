/**
 * @genesis-lab/kernel: Genesis Lab from tslab notebooks and Node scripts.
 *
 *     import { genesis } from "@genesis-lab/kernel";
 *     const hits = await genesis.search("mauna loa co2");
 *     const co2 = await genesis.dataset("noaa/mauna-loa-co2").table({ columns: ["date", "co2"] });
 */
export { genesis, Genesis, type ConfigureOptions } from './genesis';
export type { GenesisContext, GenesisSettings } from './context';
// The Node clients these helpers are built on, for programs that want the platform's own objects.
export {
  GenesisClient,
  JobsClient,
  resolveConnection,
  presentable,
  type Connection,
  type ConnectOptions,
  type JobListFilter,
  type JobWaitOptions,
  type JobsSocket,
  type LogRead,
  type StreamOptions
} from '@genesis-lab/client';
export { Dataset } from './data/dataset';
export type { BatchOptions, TableOptions } from './data/pull';
export { CatalogApi, type SearchOptions } from './catalog';
export { LineageRecorder, lineageText } from './lineage';
export { JobsApi, JobHandle, JobFailedError, type JobResult, type WaitOptions } from './jobs';
export { PublishApi, type PublishOptions } from './publish';
export { jobStatusHtml } from './jobs-view';
export { jobStatusText } from '@genesis-lab/contract';
export { tableBundle, tableText } from './notebook/table-html';
export type { NotebookOutput, LiveOutput, MimeBundle } from './notebook/tslab';
export { Plot } from './plot/plot';
export { Chart } from './plot/chart';
export {
  GenesisError,
  LINEAGE_MIME_TYPE,
  type Cql2Expr,
  type DatasetRecord,
  type DatasetUse,
  type DatasetVersion,
  type Int64Policy,
  type LineageRecord,
  type PullOptions,
  type SearchResult,
  type SeriesOptions,
  type PointOptions,
  type BarOptions,
  type HistogramOptions,
  type VegaLiteOptions,
  type PlotReduction,
  VEGALITE_MIME_TYPE
} from '@genesis-lab/contract';
