import type { Data, RecordBatch, Schema } from 'apache-arrow';
import type { CompiledFilter } from './filter/compile';
import { ArrowFileReader, type RawBatch } from './ipc/file-reader';
import { attachRaw, attachRelease } from './ipc/raw-batch';
import { isContiguous, selectedRows, takeData } from './take';

/** A query planned against one file: which columns to read and return, the filter, the window. */
export interface ScanPlan {
  reader: ArrowFileReader;
  /** File-schema indices of the returned columns, in response order. */
  output: readonly number[];
  /** The response schema (one field per `output` index). */
  schema: Schema;
  filter?: { compiled: CompiledFilter; indices: readonly number[] };
  offset: number;
  limit?: number;
  batchSize?: number;
}

/**
 * Rows of a plan, batch by batch, reading lazily: nothing is read before the consumer asks
 * for the next batch (so a slow or gone client stops the reading), unfiltered batches that the
 * offset skips are never read, filter columns are read first and the other columns only for
 * batches with matches, and reading stops once `limit` rows were produced. The reader is
 * closed when the generator ends, fails or is returned early.
 */
export async function* scan(plan: ScanPlan): AsyncGenerator<RecordBatch, void, undefined> {
  const { reader, output, schema, filter } = plan;
  let skip = plan.offset;
  let remaining = plan.limit ?? Infinity;
  try {
    for (let b = 0; b < reader.numBatches && remaining > 0; b++) {
      const header = await reader.header(b);
      if (header.length === 0) continue;
      if (!filter && skip >= header.length) {
        skip -= header.length;
        continue;
      }
      const loaded = new Map<number, Data>();
      let raw: RawBatch | undefined; // the body, when it holds exactly the output columns, in order
      const releases: (() => void)[] = [];
      const release = () => releases.forEach((r) => r());
      const load = async (indices: readonly number[]) => {
        const missing = indices.filter((i) => !loaded.has(i));
        if (missing.length === 0) return;
        const got = await reader.columns(header, missing);
        releases.push(got.release);
        missing.forEach((i, k) => loaded.set(i, got.data[k]!));
        raw = !filter && loaded.size === indices.length ? got.raw : undefined;
      };

      let rows: Int32Array | undefined; // undefined: every row
      if (filter) {
        await load(filter.indices);
        const names = new Map(filter.indices.map((i) => [reader.schema.fields[i]!.name, i]));
        const tri = filter.compiled.evaluate({
          rows: header.length,
          column: (name) => loaded.get(names.get(name)!)!
        });
        rows = selectedRows(tri);
        if (rows.length === 0) {
          release();
          continue;
        }
      }
      const matched = rows ? rows.length : header.length;
      if (skip >= matched) {
        skip -= matched;
        release();
        continue;
      }
      const take = Math.min(matched - skip, remaining);
      const window = rows ? rows.subarray(skip, skip + take) : undefined;
      const first = window ? window[0]! : skip;
      skip = 0;
      remaining -= take;

      await load(output);
      let batch = ArrowFileReader.batch(
        schema,
        header.length,
        output.map((i) => loaded.get(i)!)
      );
      if (window && !isContiguous(window)) {
        const children = batch.data.children.map((d) => takeData(d, window));
        batch = ArrowFileReader.batch(schema, take, children);
      } else if (first !== 0 || take !== header.length) {
        batch = batch.slice(first, first + take);
      } else if (raw && !(plan.batchSize && take > plan.batchSize)) {
        attachRaw(batch, raw);
      }
      const parts = [...split(batch, plan.batchSize)];
      // The body goes back to the pool after the last part using it has been written.
      attachRelease(parts[parts.length - 1]!, release);
      yield* parts;
    }
  } finally {
    await reader.close();
  }
}

function* split(batch: RecordBatch, size: number | undefined): Generator<RecordBatch> {
  if (!size || batch.numRows <= size) {
    yield batch;
    return;
  }
  for (let s = 0; s < batch.numRows; s += size) yield batch.slice(s, Math.min(s + size, batch.numRows));
}
