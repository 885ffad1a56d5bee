import * as fs from 'node:fs';
import { tableFromIPC, type RecordBatch, type Schema } from 'apache-arrow';
import { GenesisError } from '@genesis-lab/contract';
import { CANONICAL_BATCH_ROWS } from '../../catalog/object-writer';

interface WasmBatch {
  intoIPCStream(): Uint8Array;
}
interface WasmParquetFile {
  metadata(): { fileMetadata(): { numRows(): number } };
  stream(options?: { batchSize?: number }): Promise<ReadableStream<WasmBatch>>;
}
interface ParquetWasm {
  ParquetFile: { fromFile(blob: Blob): Promise<WasmParquetFile> };
}

function malformed(file: string, err: unknown): GenesisError {
  return new GenesisError(
    'unprocessable',
    `Malformed or truncated Parquet file ${file}: ${String((err as Error)?.message ?? err)}`,
    {
      hint: 'Nothing was published. Check that the file was copied completely'
    }
  );
}

/**
 * A Parquet file read with parquet-wasm's `ParquetFile` over a file-backed Blob: row groups
 * are decoded as they are streamed (never the whole file at once; the synchronous
 * `readParquet` would load it and ignores projection). Batches come in CANONICAL_BATCH_ROWS
 * pieces, cut at row-group ends.
 */
export async function openParquet(
  file: string
): Promise<{ rows: number; batches: () => AsyncGenerator<RecordBatch>; schema: Schema }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pq = require('parquet-wasm') as ParquetWasm;
  let pf: WasmParquetFile;
  try {
    pf = await pq.ParquetFile.fromFile(await fs.openAsBlob(file));
  } catch (err) {
    throw malformed(file, err);
  }
  const rows = pf.metadata().fileMetadata().numRows();
  async function* batches(): AsyncGenerator<RecordBatch> {
    let reader: ReadableStreamDefaultReader<WasmBatch>;
    try {
      reader = (await pf.stream({ batchSize: CANONICAL_BATCH_ROWS })).getReader();
    } catch (err) {
      throw malformed(file, err);
    }
    for (;;) {
      let next: { done: true; value?: undefined } | { done: false; value: WasmBatch };
      try {
        next = (await reader.read()) as typeof next;
      } catch (err) {
        throw malformed(file, err);
      }
      if (next.done) return;
      for (const b of tableFromIPC(next.value.intoIPCStream()).batches) yield b;
    }
  }
  // The schema comes from the first batch as Arrow JS sees it (parquet-wasm's own schema is a wasm object).
  const first = await batches().next();
  if (first.done) throw new GenesisError('unprocessable', `Parquet file ${file} has no rows`);
  return { rows, batches, schema: first.value.schema };
}
