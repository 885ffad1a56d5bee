import { RecordBatchReader, RecordBatchStreamWriter, Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import {
  ARROW_STREAM_MEDIA_TYPE,
  PREDICT_BATCH_ROWS,
  GenesisError,
  LATEST,
  MODEL_RUNTIME_HEADER,
  MODEL_SHA256_HEADER,
  MODEL_VERSION_HEADER,
  type ModelCard,
  type ModelRecord,
  type ModelSignature,
  type ModelVersion,
  type VersionPin
} from '@genesis-lab/contract';
import { presentable, rethrowPresentable, sourceChunks, type RawContent } from '@genesis-lab/client';
import { CatalogRef } from './catalog-ref';
import type { GenesisContext } from './context';
import { PullProgress } from './notebook/progress';
import { adoptTable } from './data/adopt-table';

export interface PredictOptions {
  /** Rows per runtime call on the platform (default 65,536); memory stays at about one batch. */
  batchRows?: number;
  /** Input columns copied into the output beside the predictions (row-aligned). */
  passthrough?: string[];
  /** Abort the call: the platform stops the model's run. */
  signal?: AbortSignal;
  /** Show progress for long calls (default: the display setting). */
  display?: boolean;
}

/**
 * A catalog model from a cell: `genesis.model("climate/co2-trend")`. `.predict(table)` sends the
 * table's record batches as an Arrow IPC stream and answers the outputs as an Arrow table,
 * row-aligned with the input; every call leaves a lineage output naming the model version and
 * its weights digest (a version in the ref pins it; without one, latest is resolved and recorded).
 */
export class Model extends CatalogRef {
  constructor(ctx: GenesisContext, ref: string) {
    super(ctx, ref);
  }

  /** The model record: card, signature, runtime, versions. */
  record(): Promise<ModelRecord> {
    return this.ctx.client.call('model', { params: this.params });
  }

  /** Every version, newest first, each with its weights digest. */
  async versions(): Promise<ModelVersion[]> {
    return (await this.ctx.client.call('modelVersions', { params: this.params })).versions;
  }

  /** What an unversioned ref resolves to in a reproduction (GENESIS_PINS): the recorded version. */
  private get pin(): VersionPin | undefined {
    return this.version === undefined ? this.ctx.pins.modelPin(this.id) : undefined;
  }

  /** The version asked of the platform: the ref's, else a reproduction's pin, else latest. */
  private get selector(): string {
    return this.version ?? this.pin?.version ?? LATEST;
  }

  /** A pinned version whose weights here are not the recorded ones is refused, never used silently. */
  private checkPin(version: string, sha256: string): void {
    const pin = this.pin;
    if (pin && sha256 !== pin.sha256)
      throw presentable(
        new GenesisError(
          'conflict',
          `${this.id}@${version} on this platform is not the model version the run recorded: weights sha256 ${sha256.slice(0, 12)}… here, ${pin.sha256.slice(0, 12)}… recorded`,
          { hint: 'Reproduce on the platform that recorded the run, or publish the recorded weights there' }
        )
      );
  }

  /** The version this ref names (latest when it names none; in a reproduction, the pinned one). */
  async resolve(): Promise<ModelVersion> {
    const pin = this.pin;
    const v = await this.ctx.client
      .call('modelVersion', { params: { ...this.params, version: this.selector } })
      .catch((err: unknown) => {
        if (!pin || !(err instanceof GenesisError) || err.code !== 'not_found') throw err;
        throw presentable(
          new GenesisError('not_found', `${this.id}@${pin.version}, which the run recorded, is not on this platform`, {
            hint: 'Publish that model version here (genesis models publish), or reproduce on the platform that recorded the run'
          })
        );
      });
    this.checkPin(v.version, v.sha256);
    return v;
  }

  async signature(): Promise<ModelSignature> {
    return (await this.resolve()).signature;
  }

  /** The model card; in a notebook it is shown as the platform renders it (the Hugging Face README). */
  async card(): Promise<ModelCard> {
    const version = await this.resolve();
    const notebook = this.ctx.notebook();
    if (notebook) {
      const res = await this.ctx.client.api.open('modelCardReadme', {
        params: { ...this.params, version: version.version }
      });
      const markdown = (await res.text()).replace(/^---\n[\s\S]*?\n---\n/, '');
      await notebook.show({ 'text/markdown': markdown, 'text/plain': markdown });
    }
    return version.card;
  }

  /** Predict: the outputs of the model for every row of `table`, as an Arrow table in the same row order. */
  async predict(table: Table, options: PredictOptions = {}): Promise<Table> {
    // One round trip: the platform resolves the version and names it (and its digest) in the answer's headers.
    const selector = this.selector;
    const notebook = (options.display ?? this.ctx.settings.display) ? this.ctx.notebook() : undefined;
    const progress = notebook ? new PullProgress(notebook, this.toString(), table.numRows) : undefined;
    let rows = 0;
    let bytes = 0;
    try {
      const res = await this.ctx.client.api.open(
        'predict',
        {
          params: { ...this.params, version: selector },
          query: {
            ...(options.batchRows ? { batchRows: options.batchRows } : {}),
            ...(options.passthrough?.length ? { passthrough: options.passthrough.join(',') } : {})
          },
          // A Deno cell's table comes from apache-arrow's ES-module copy; the IPC writer needs our types.
          content: predictBody(adoptTable(table), options.batchRows ?? PREDICT_BATCH_ROWS)
        },
        options.signal ? { signal: options.signal } : {}
      );
      const version = res.header(MODEL_VERSION_HEADER);
      const sha256 = res.header(MODEL_SHA256_HEADER);
      const runtime = res.header(MODEL_RUNTIME_HEADER);
      if (!version || !sha256 || !runtime || (selector !== LATEST && version !== selector))
        throw new GenesisError(
          'internal',
          `The platform's predict answer does not name the version it ran of ${this.id}`
        );
      this.checkPin(version, sha256);
      const counted = countBytes(sourceChunks(res.body), (n) => {
        bytes += n;
        progress?.update(rows, bytes);
      });
      const reader = await RecordBatchReader.from(counted);
      const out: RecordBatch[] = [];
      for await (const b of reader) {
        out.push(b);
        rows += b.numRows;
        progress?.update(rows, bytes);
      }
      const result = out.length ? new Table(out) : new Table(reader.schema);
      progress?.finish();
      this.ctx.lineage.emit({
        kind: 'model',
        ref: this.ref,
        id: this.id,
        version,
        sha256,
        runtime,
        rowCount: result.numRows,
        ...(this.pin ? { pinned: true } : {})
      });
      return result;
    } catch (err) {
      progress?.finish(err as Error);
      rethrowPresentable(err);
    }
  }
}

/** Tables up to this size go as one body with its length (one write, no chunk framing); larger ones stream. */
const WHOLE_BODY_BYTES = 1024 * 1024;

/** The predict request's body: a small table's IPC bytes at once, a large one's as they are sent. */
function predictBody(table: Table, batchRows: number): RawContent {
  const size = table.batches.reduce((n, b) => n + b.data.byteLength, 0);
  if (size <= WHOLE_BODY_BYTES) return { type: ARROW_STREAM_MEDIA_TYPE, bytes: tableToIPC(table, 'stream') };
  return { type: ARROW_STREAM_MEDIA_TYPE, stream: ipcStream(table.batches, batchRows) };
}

/** The table's batches as Arrow IPC stream bytes, produced as the request body is read. */
async function* ipcStream(batches: readonly RecordBatch[], batchRows: number): AsyncGenerator<Uint8Array> {
  const writer = new RecordBatchStreamWriter();
  const bytes = (async function* () {
    for await (const chunk of writer) yield chunk;
  })();
  const produce = (async () => {
    // Batches of the platform's run size (zero-copy slices): it decodes and runs the first while the
    // rest are still on their way (and holds one batch, not the table), where one 1M-row batch
    // would have to arrive whole first.
    for (const b of batches)
      for (let at = 0; at < b.numRows; at += batchRows) {
        writer.write(b.numRows > batchRows ? b.slice(at, at + batchRows) : b);
        await new Promise((resolve) => setImmediate(resolve));
      }
    writer.finish();
    writer.close();
  })();
  yield* bytes;
  await produce;
}

async function* countBytes(body: AsyncIterable<Uint8Array>, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    onBytes(chunk.byteLength);
    yield chunk;
  }
}
