import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { RecordBatch, Table, tableToIPC, type Schema } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import { releaseOf } from '../ipc/raw-batch';
import type { Piece } from './piece';

/**
 * Parquet (ZSTD) written as rows arrive: each Arrow batch crosses into parquet-wasm through
 * IPC and the writer emits the file incrementally (a row group per batch at most), so memory
 * stays bounded. The Arrow schema metadata (id, version, sha256, ...) travels in the file's
 * key-value metadata. With no rows, one empty batch still fixes the schema.
 */
export async function* parquetPieces(schema: Schema, batches: AsyncIterable<RecordBatch>): AsyncGenerator<Piece> {
  const source = batches[Symbol.asyncIterator]();
  let sent = 0;
  const input = new ReadableStream<parquet.RecordBatch>({
    async pull(controller) {
      const next = await source.next();
      if (next.done) {
        if (sent === 0) controller.enqueue(toWasm(new RecordBatch(schema, undefined)));
        controller.close();
        return;
      }
      sent++;
      controller.enqueue(toWasm(next.value));
      releaseOf(next.value)?.(); // copied into wasm memory
    },
    async cancel() {
      await source.return?.();
    }
  });
  const props = new parquet.WriterPropertiesBuilder().setCompression(parquet.Compression.ZSTD).build();
  const out = (await parquet.transformParquetStream(input as never, props)) as WebReadableStream<Uint8Array>;
  for await (const chunk of out) yield { chunks: [chunk] };
}

function toWasm(batch: RecordBatch): parquet.RecordBatch {
  const table = parquet.Table.fromIPCStream(tableToIPC(new Table([batch]), 'stream'));
  try {
    const wasmBatch = table.recordBatch(0);
    if (!wasmBatch) throw new Error('parquet-wasm returned no record batch');
    return wasmBatch;
  } finally {
    table.free(); // the batch holds its own references to the column buffers
  }
}
