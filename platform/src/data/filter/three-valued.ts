import type { Data } from 'apache-arrow';

/**
 * Three-valued (Kleene) logic on whole batches, as SQL and CQL2 define it: a comparison with
 * a null is UNKNOWN, `not UNKNOWN` stays UNKNOWN, and a row is kept only when the filter is TRUE.
 * One byte per row: 0 = false, 1 = true, 2 = unknown.
 */
export type Tri = Uint8Array;
export const FALSE = 0;
export const TRUE = 1;
export const UNKNOWN = 2;

export function constant(n: number, value: 0 | 1 | 2): Tri {
  return new Uint8Array(n).fill(value);
}

/** In place: `a := a AND b`. */
export function andInto(a: Tri, b: Tri): Tri {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    a[i] = x === FALSE || y === FALSE ? FALSE : x === UNKNOWN || y === UNKNOWN ? UNKNOWN : TRUE;
  }
  return a;
}

/** In place: `a := a OR b`. */
export function orInto(a: Tri, b: Tri): Tri {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    a[i] = x === TRUE || y === TRUE ? TRUE : x === UNKNOWN || y === UNKNOWN ? UNKNOWN : FALSE;
  }
  return a;
}

const NOT = Uint8Array.of(TRUE, FALSE, UNKNOWN);

/** In place: `a := NOT a`. */
export function notInto(a: Tri): Tri {
  for (let i = 0; i < a.length; i++) a[i] = NOT[a[i]!]!;
  return a;
}

/** Whether `data` has a validity bitmap with at least one null. */
export function hasNulls(data: Data): boolean {
  return data.nullCount > 0 && data.nullBitmap !== undefined && data.nullBitmap.length > 0;
}

/** Whether row `i` of `data` is valid (not null), honouring the data's bit offset. */
export function isValid(data: Data, i: number): boolean {
  const pos = data.offset + i;
  return (data.nullBitmap![pos >> 3]! & (1 << (pos & 7))) !== 0;
}

/** In place: mark every null row of `data` UNKNOWN. */
export function applyNulls(data: Data, out: Tri): Tri {
  if (!hasNulls(data)) return out;
  const bitmap = data.nullBitmap!;
  const off = data.offset;
  for (let i = 0; i < out.length; i++) {
    const pos = off + i;
    if ((bitmap[pos >> 3]! & (1 << (pos & 7))) === 0) out[i] = UNKNOWN;
  }
  return out;
}
