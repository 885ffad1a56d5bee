import { DataType, Precision, type Data } from 'apache-arrow';
import type { PlotColumn } from './columns';

/**
 * One chunk of a numeric column as Arrow stores it: its values (already cut to the chunk) and its
 * validity bits, which Arrow does not cut: row j's bit is at `offset + j`.
 */
interface Chunk {
  values: ArrayLike<number>;
  offset: number;
  length: number;
  /** undefined when the chunk has no nulls. */
  validity: Uint8Array | undefined;
}

/**
 * The chunks of a column whose values Arrow stores as plain JS numbers (floats but half, ints
 * under 64 bits), read in place: no copy into one array, no per-row `get`. undefined for any
 * other type (the caller takes the general path).
 */
export function numberChunks(c: PlotColumn): Chunk[] | undefined {
  const t = c.field.type;
  if (!(DataType.isFloat(t) && t.precision !== Precision.HALF) && !(DataType.isInt(t) && t.bitWidth < 64))
    return undefined;
  return (c.vector.data as Data[]).map((d) => ({
    values: d.values as ArrayLike<number>,
    offset: d.offset,
    length: d.length,
    validity: d.nullCount > 0 && d.nullBitmap && d.nullBitmap.length > 0 ? d.nullBitmap : undefined
  }));
}

/** The smallest and largest finite value, and how many rows are null or NaN (infinities are not drawn either). */
export function extentOf(chunks: readonly Chunk[]): { lo: number; hi: number; nulls: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let nulls = 0;
  for (const { values, offset, length, validity } of chunks) {
    for (let j = 0; j < length; j++) {
      const v = values[j]!;
      const bit = offset + j;
      // v - v is 0 for a finite number, NaN for NaN and the infinities.
      if (v - v !== 0 || (validity !== undefined && ((validity[bit >> 3]! >> (bit & 7)) & 1) === 0)) nulls++;
      else {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  return { lo, hi, nulls };
}

/** Counts of the finite values in `nbins` bins of `step` from `start` (the last bin closed). */
export function countBins(chunks: readonly Chunk[], start: number, step: number, nbins: number): Float64Array {
  const counts = new Float64Array(nbins);
  const last = nbins - 1;
  for (const { values, offset, length, validity } of chunks) {
    for (let j = 0; j < length; j++) {
      const v = values[j]!;
      const bit = offset + j;
      if (v - v !== 0 || (validity !== undefined && ((validity[bit >> 3]! >> (bit & 7)) & 1) === 0)) continue;
      const b = Math.floor((v - start) / step);
      counts[b < last ? b : last]!++;
    }
  }
  return counts;
}
