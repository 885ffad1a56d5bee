import { tableToIPC, type Table } from 'apache-arrow';
import {
  ARROW_STREAM_MEDIA_TYPE,
  GenesisError,
  parseRef,
  publishSummary,
  type PublishResult,
  type RecordMetadataInput
} from '@genesis-lab/contract';
import { rethrowPresentable } from '@genesis-lab/client';
import type { GenesisContext } from './context';
import { adoptTable } from './data/adopt-table';

export interface PublishOptions {
  /** The new version's label; the next number when absent. */
  version?: string;
  /** Record metadata: required for a dataset's first version (at least title and license). */
  metadata?: RecordMetadataInput;
  /** Set false to skip the one-line summary in the notebook. */
  display?: boolean;
}

/**
 * Publishing new dataset versions: a table a cell computed, or a file a job left behind (then the
 * job is recorded as what generated the version, so its lineage and impact say so).
 */
export class PublishApi {
  constructor(private readonly ctx: GenesisContext) {}

  /** `await genesis.publish("me/sweep", table, { metadata: { title: "Sweep", license: "CC-BY-4.0" } })`. */
  async table(id: string, table: Table, options: PublishOptions = {}): Promise<PublishResult> {
    let ns: string;
    let name: string;
    try {
      ({ namespace: ns, name } = parseRef(id));
      if (table.numRows === 0) throw new GenesisError('unprocessable', `The table to publish as ${id} has no rows`);
    } catch (err) {
      rethrowPresentable(err);
    }
    const result = await this.ctx.client
      .call('publishVersion', {
        params: { ns, name },
        query: {
          ...(options.version !== undefined ? { version: options.version } : {}),
          ...(options.metadata !== undefined ? { metadata: options.metadata } : {})
        },
        content: { type: ARROW_STREAM_MEDIA_TYPE, bytes: tableToIPC(adoptTable(table), 'stream') }
      })
      .catch(rethrowPresentable);
    await this.show(result, options);
    return result;
  }

  /** A file a completed job left in its directory (`file` relative to it), as a version of `id`. */
  async jobFile(jobId: string, file: string, id: string, options: PublishOptions = {}): Promise<PublishResult> {
    const result = await this.ctx.client
      .call('publishJobOutput', {
        params: { id: jobId },
        body: {
          file,
          dataset: id,
          ...(options.version !== undefined ? { version: options.version } : {}),
          ...(options.metadata !== undefined ? { metadata: options.metadata } : {})
        }
      })
      .catch(rethrowPresentable);
    await this.show(result, options);
    return result;
  }

  private async show(result: PublishResult, options: PublishOptions): Promise<void> {
    if (!(options.display ?? this.ctx.settings.display)) return;
    await this.ctx.notebook()?.show({ 'text/plain': publishSummary(result) });
  }
}
