import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { RecordBatchFileWriter, type RecordBatch, type Schema } from 'apache-arrow';
import { GenesisError } from '@genesis-lab/contract';
import { typeName } from './arrow-types';

/** Rows per record batch in canonical files: big enough for fast scans, small enough to stream. */
export const CANONICAL_BATCH_ROWS = 65_536;

export interface WrittenObject {
  tmpPath: string;
  sha256: string;
  sizeBytes: number;
  rowCount: number;
  batchCount: number;
}

/**
 * Write rows as an Arrow IPC *file* (random-access format) to `tmpPath`, hashing the bytes as
 * they are written, and fsync it. The caller renames it into place under its sha256. Memory
 * stays at about one batch: bytes leave the writer's queue as soon as a batch is encoded.
 * On any error the temp file is removed and the error rethrown.
 */
export async function writeArrowObject(
  tmpPath: string,
  schema: Schema,
  batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>,
  onProgress?: (rows: number) => void
): Promise<WrittenObject> {
  const fd = fs.openSync(tmpPath, 'wx', 0o644);
  const hash = createHash('sha256');
  let sizeBytes = 0;
  let rowCount = 0;
  let batchCount = 0;
  const writer = new RecordBatchFileWriter();
  writer.reset(undefined, schema);
  const drained = (async () => {
    for await (const chunk of writer) {
      fs.writeSync(fd, chunk);
      hash.update(chunk);
      sizeBytes += chunk.byteLength;
    }
  })();
  try {
    for await (const batch of batches) {
      if (batch.numRows === 0) continue;
      if (!sameColumns(batch.schema, schema))
        throw new GenesisError(
          'unprocessable',
          'A record batch does not match the schema of the dataset being written'
        );
      for (let start = 0; start < batch.numRows; start += CANONICAL_BATCH_ROWS) {
        const part = batch.numRows > CANONICAL_BATCH_ROWS ? batch.slice(start, start + CANONICAL_BATCH_ROWS) : batch;
        writer.write(part);
        rowCount += part.numRows;
        batchCount++;
      }
      onProgress?.(rowCount);
      // Let the consumer drain the encoded bytes before the next batch is produced.
      await new Promise((resolve) => setImmediate(resolve));
    }
    writer.finish();
    await drained;
    fs.fsyncSync(fd);
  } catch (err) {
    writer.abort?.();
    await drained.catch(() => undefined);
    fs.closeSync(fd);
    fs.rmSync(tmpPath, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  return { tmpPath, sha256: hash.digest('hex'), sizeBytes, rowCount, batchCount };
}

function sameColumns(a: Schema, b: Schema): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => f.name === b.fields[i]!.name && typeName(f.type) === typeName(b.fields[i]!.type))
  );
}
