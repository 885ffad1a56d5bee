import { Table, type RecordBatch, type Schema } from 'apache-arrow';
import { ARROW_META, GenesisError, type DatasetRecord, type DatasetVersion } from '@genesis-lab/contract';
import { CatalogRef } from '../catalog-ref';
import type { GenesisContext } from '../context';
import { tableBundle } from '../notebook/table-html';
import { Pull, resolveVersion, type BatchOptions, type TableOptions } from './pull';

/**
 * A dataset by ref (`namespace/name` = latest, or `namespace/name@version`). Nothing is fetched
 * until asked; every pull resolves "latest" once and reads exactly that version.
 */
export class Dataset extends CatalogRef {
  constructor(ctx: GenesisContext, ref: string) {
    super(ctx, ref);
  }

  /** The rows as an Arrow Table (projection, filter, offset/limit pushed down to the platform). */
  async table(options: TableOptions = {}): Promise<Table> {
    const pull = await Pull.open(this.ctx, this.ref, this.parsed, options, 'table');
    const batches: RecordBatch[] = [];
    for await (const b of pull.batches()) batches.push(b);
    const table = batches.length ? new Table(batches) : new Table(pull.schema);
    // What the table is a part of travels with it (its display says "first N of M rows").
    if (pull.totalRows !== undefined) table.schema.metadata.set(ARROW_META.totalRows, String(pull.totalRows));
    const notebook = (options.display ?? this.ctx.settings.display) ? this.ctx.notebook() : undefined;
    await notebook?.show(tableBundle(table));
    return table;
  }

  /**
   * The rows as they arrive, one record batch at a time: memory stays at about one batch
   * whatever the dataset's size. Stopping early (break) closes the stream.
   */
  async *batches(options: BatchOptions = {}): AsyncGenerator<RecordBatch, void, undefined> {
    const pull = await Pull.open(this.ctx, this.ref, this.parsed, options, 'batches');
    yield* pull.batches();
  }

  /** The Arrow schema (fields, types, units; metadata naming the resolved version), without rows. */
  async schema(options: Pick<BatchOptions, 'columns' | 'int64'> = {}): Promise<Schema> {
    const pull = await Pull.open(this.ctx, this.ref, this.parsed, { ...options, limit: 0, progress: false }, 'table');
    pull.close();
    return pull.schema;
  }

  /** The version a pull would read now ("latest" resolved), with size, rows, sha256 and fields. */
  resolve(): Promise<DatasetVersion> {
    return resolveVersion(this.ctx, this.parsed);
  }

  /** Every published version, newest first. */
  async versions(): Promise<DatasetVersion[]> {
    const list = await this.ctx.client.call('versions', {
      params: this.params
    });
    return list.versions;
  }

  /** The catalog record (title, licence, creators, fields with units, versions...). */
  async record(): Promise<DatasetRecord> {
    const r = await this.ctx.client.call('record', { params: this.params });
    if (r.kind !== 'dataset')
      throw new GenesisError('bad_request', `"${r.id}" is a ${r.kind}, not a dataset`, {
        hint: `Use genesis.model("${r.id}")`
      });
    return r;
  }
}
