import { DataType, Precision } from 'apache-arrow';
import { formatValue } from '../notebook/format';
import type { PlotColumn } from './columns';

/**
 * A column's values as a plot positions them: numbers for quantitative columns, epoch
 * milliseconds for temporal ones (Arrow JS gives dates and timestamps as milliseconds), null
 * where nothing can be drawn (null, NaN). Nominal columns have no position.
 */
export function positionsOf(c: PlotColumn): Float64Array {
  const fast = fastPositions(c);
  if (fast) return fast;
  const n = c.vector.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v: unknown = c.vector.get(i);
    out[i] =
      typeof v === 'number'
        ? v
        : typeof v === 'bigint'
          ? Number(v)
          : v instanceof Date
            ? v.getTime()
            : v === null || v === undefined
              ? NaN
              : Number(v);
  }
  return out;
}

/** 32-bit-or-less ints and float32/64 straight from Arrow's buffers (a million rows in milliseconds, not a get() per row). */
function fastPositions(c: PlotColumn): Float64Array | undefined {
  const t = c.field.type;
  if (!(DataType.isFloat(t) && t.precision !== Precision.HALF) && !(DataType.isInt(t) && t.bitWidth < 64))
    return undefined;
  const raw = c.vector.toArray() as ArrayLike<number>;
  // toArray() may be a view of the table's own buffer: copy before marking nulls.
  const out = raw instanceof Float64Array && c.vector.nullCount === 0 ? raw : Float64Array.from(raw);
  if (c.vector.nullCount > 0) for (let i = 0; i < out.length; i++) if (!c.vector.isValid(i)) out[i] = NaN;
  return out;
}

/** The value a chart inlines for a row: numbers as numbers, dates and text as the table view writes them. */
export function inlineValue(c: PlotColumn, positions: Float64Array | undefined, row: number): string | number | null {
  if (c.kind === 'quantitative') {
    const v = positions ? positions[row]! : Number(c.vector.get(row));
    return Number.isFinite(v) ? v : null;
  }
  const v: unknown = c.vector.get(row);
  return v === null || v === undefined ? null : formatValue(c.field, c.vector, row);
}

/** A category key of a row (color, facet): the value as text, "null" for a missing one. */
export function categoryOf(c: PlotColumn | undefined, row: number): string {
  return c ? formatValue(c.field, c.vector, row) : '';
}
