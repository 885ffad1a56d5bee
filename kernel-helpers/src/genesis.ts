import type { Table } from 'apache-arrow';
import { GenesisClient, type ConnectOptions } from '@genesis-lab/client';
import {
  parseOrThrow,
  type DatasetRecord,
  type PublishResult,
  type SearchResult,
  type VegaLiteOptions
} from '@genesis-lab/contract';
import { CatalogApi, type SearchOptions } from './catalog';
import type { GenesisContext } from './context';
import { Dataset } from './data/dataset';
import { ReproductionPins } from './data/pins';
import { Model } from './model';
import { JobsApi } from './jobs';
import { LineageRecorder } from './lineage';
import { tableBundle } from './notebook/table-html';
import { kernelOutput } from './notebook/kernel';
import type { NotebookOutput } from './notebook/tslab';
import type { Chart } from './plot/chart';
import { Plot, vegaLite } from './plot/plot';
import { PublishApi, type PublishOptions } from './publish';
import { DEFAULT_SETTINGS, Settings, type GenesisSettings } from './settings';

export interface ConfigureOptions extends Partial<GenesisSettings> {
  /** Also show outputs when not in tslab? No: outputs need a kernel. Set false to never touch the notebook. */
  notebook?: boolean;
}

/**
 * `genesis`: the entry point cells and scripts use. It connects lazily (on first use) from the
 * discovery file or GENESIS_URL/GENESIS_TOKEN. Namespaces share one GenesisContext; a new
 * namespace (jobs, models, ...) is one more property built from `this.context`.
 */
export class Genesis {
  readonly context: GenesisContext;
  private readonly catalog: CatalogApi;
  /** Jobs on facilities: `await genesis.jobs.submit({...})`, then `await job.wait()`. */
  readonly jobs: JobsApi;
  private readonly publishing: PublishApi;
  private useNotebook = true;

  constructor(connect: ConnectOptions = {}) {
    const settings: GenesisSettings = { ...DEFAULT_SETTINGS };
    const client = new GenesisClient(connect);
    const notebook = (): NotebookOutput | undefined => (this.useNotebook ? kernelOutput() : undefined);
    this.context = { client, settings, notebook, lineage: new LineageRecorder(notebook), pins: new ReproductionPins() };
    this.catalog = new CatalogApi(this.context);
    this.publishing = new PublishApi(this.context);
    this.jobs = new JobsApi(this.context, this.publishing);
  }

  /** Point at a platform explicitly (url + token); with no argument, look again (environment, discovery file). */
  connect(options: ConnectOptions = {}): this {
    this.context.client.connect(options);
    return this;
  }

  /** Change defaults: display, progress, int64 policy, compression; `notebook: false` never writes outputs. */
  configure(options: ConfigureOptions): this {
    const { notebook, ...rest } = options;
    const valid = parseOrThrow(Settings.partial(), rest, 'options');
    Object.assign(this.context.settings, valid);
    if (notebook !== undefined) this.useNotebook = notebook;
    return this;
  }

  /** The platform in use. */
  get url(): string {
    return this.context.client.url;
  }

  /** Lineage left by this process (every pull); in a notebook each is also an output of its cell. */
  get lineage(): LineageRecorder {
    return this.context.lineage;
  }

  search(q: string, options?: SearchOptions): Promise<SearchResult> {
    return this.catalog.search(q, options);
  }

  /** A dataset's catalog record (licence, creators, fields with units, versions); models: `genesis.model(id)`. */
  record(id: string): Promise<DatasetRecord> {
    return this.catalog.dataset(id);
  }

  dataset(ref: string): Dataset {
    return new Dataset(this.context, ref);
  }

  /**
   * Publish a table as a new immutable version of dataset `id` (a first version needs
   * `metadata: { title, license }`): `await genesis.publish("me/sweep", table, { metadata })`.
   * Identical content is not published twice; the answer says which version holds it.
   */
  publish(id: string, table: Table, options?: PublishOptions): Promise<PublishResult> {
    return this.publishing.table(id, table, options);
  }

  /** A catalog model: `.card()`, `.signature()`, `.versions()`, `.predict(table)`. */
  model(ref: string): Model {
    return new Model(this.context, ref);
  }

  /** Show any Arrow table as the compact HTML view (in a notebook; a no-op elsewhere). Await it to keep the cell's outputs in order in Deno. */
  async show(table: Table): Promise<void> {
    await this.context.notebook()?.show(tableBundle(table));
  }

  /** Charts of an Arrow table in one line: `await genesis.plot(co2).line({ x: "date", y: "co2" })`. */
  plot(table: Table): Plot {
    return new Plot(table, this.context.notebook);
  }

  /** Any Vega-Lite 5 spec, with the table's rows as its data: `await genesis.vegaLite({ mark: "point", encoding: {...} }, table)`. */
  vegaLite(spec: Record<string, unknown>, table?: Table, options?: VegaLiteOptions): Promise<Chart> {
    return vegaLite(spec, table, options, this.context.notebook);
  }
}

/** The shared instance cells import: `import { genesis } from "@genesis-lab/kernel"`. */
export const genesis = new Genesis();
