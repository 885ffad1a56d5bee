import type { RecordBatch } from 'apache-arrow';
import type { RawBatch } from './file-reader';

/**
 * Batches that are exactly a stored batch's bytes (all requested columns, every row) remember
 * those bytes, so the stream encoder can send them as they are instead of re-assembling them.
 */
const raw = new WeakMap<RecordBatch, RawBatch>();

export function attachRaw(batch: RecordBatch, bytes: RawBatch): RecordBatch {
  raw.set(batch, bytes);
  return batch;
}

export function rawOf(batch: RecordBatch): RawBatch | undefined {
  return raw.get(batch);
}

/**
 * The function that returns a batch's pooled body once the batch has been written out; set on
 * the last batch (or slice) that uses the body.
 */
const releases = new WeakMap<RecordBatch, () => void>();

export function attachRelease(batch: RecordBatch, release: () => void): RecordBatch {
  releases.set(batch, release);
  return batch;
}

export function releaseOf(batch: RecordBatch): (() => void) | undefined {
  return releases.get(batch);
}
