import { Type, Vector, makeBuilder, makeData, type Data } from 'apache-arrow';
import { hasNulls, isValid, type Tri } from './filter/three-valued';

/** Rows a filter kept (value 1), as indices; `length` tells how many. */
export function selectedRows(tri: Tri): Int32Array {
  const out = new Int32Array(tri.length);
  let k = 0;
  for (let i = 0; i < tri.length; i++) if (tri[i] === 1) out[k++] = i;
  return out.subarray(0, k);
}

/** Whether the selection is one run `[first, first + length)`, which a zero-copy slice can serve. */
export function isContiguous(rows: Int32Array): boolean {
  return rows.length === 0 || rows[rows.length - 1]! - rows[0]! === rows.length - 1;
}

function takeValidity(data: Data, rows: Int32Array): { nullBitmap?: Uint8Array; nullCount: number } {
  if (!hasNulls(data)) return { nullCount: 0 };
  const bitmap = new Uint8Array((rows.length + 7) >> 3);
  let nulls = 0;
  for (let j = 0; j < rows.length; j++) {
    if (isValid(data, rows[j]!)) bitmap[j >> 3]! |= 1 << (j & 7);
    else nulls++;
  }
  return nulls ? { nullBitmap: bitmap, nullCount: nulls } : { nullCount: 0 };
}

type Typed = { length: number; [i: number]: number | bigint; subarray(a: number, b: number): Typed };
type TypedCtor = new (n: number) => Typed;

function gatherFixed(values: Typed, stride: number, rows: Int32Array): Typed {
  const out = new (values.constructor as TypedCtor)(rows.length * stride);
  if (stride === 1) for (let j = 0; j < rows.length; j++) out[j] = values[rows[j]!]!;
  else
    for (let j = 0; j < rows.length; j++) {
      const s = rows[j]! * stride;
      for (let k = 0; k < stride; k++) out[j * stride + k] = values[s + k]!;
    }
  return out;
}

/**
 * Gather `rows` of a column into new, compact buffers (Arrow JS has no take kernel).
 * Fixed-width, boolean, variable-width and dictionary columns are copied buffer-wise;
 * nested types fall back to Arrow's builders.
 */
export function takeData(data: Data, rows: Int32Array): Data {
  const type = data.type;
  const length = rows.length;
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length, nullCount: length } as never);
    case Type.Bool: {
      const values = data.values as Uint8Array;
      const out = new Uint8Array((length + 7) >> 3);
      for (let j = 0; j < length; j++) {
        const pos = data.offset + rows[j]!;
        if ((values[pos >> 3]! >> (pos & 7)) & 1) out[j >> 3]! |= 1 << (j & 7);
      }
      return makeData({ type, length, ...takeValidity(data, rows), data: out } as never);
    }
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary: {
      const large = type.typeId === Type.LargeUtf8 || type.typeId === Type.LargeBinary;
      const offsets = data.valueOffsets as unknown as ArrayLike<number | bigint>;
      const values = data.values as Uint8Array;
      let bytes = 0;
      for (let j = 0; j < length; j++) bytes += Number(offsets[rows[j]! + 1]!) - Number(offsets[rows[j]!]!);
      const outValues = new Uint8Array(bytes);
      const outOffsets = large ? new BigInt64Array(length + 1) : new Int32Array(length + 1);
      let at = 0;
      for (let j = 0; j < length; j++) {
        const s = Number(offsets[rows[j]!]!);
        const e = Number(offsets[rows[j]! + 1]!);
        outValues.set(values.subarray(s, e), at);
        at += e - s;
        if (large) (outOffsets as BigInt64Array)[j + 1] = BigInt(at);
        else (outOffsets as Int32Array)[j + 1] = at;
      }
      return makeData({
        type,
        length,
        ...takeValidity(data, rows),
        valueOffsets: outOffsets,
        data: outValues
      } as never);
    }
    case Type.Dictionary:
      return makeData({
        type,
        length,
        ...takeValidity(data, rows),
        data: gatherFixed(data.values as unknown as Typed, 1, rows),
        dictionary: data.dictionary
      } as never);
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
    case Type.Interval:
    case Type.Decimal:
    case Type.FixedSizeBinary:
      return makeData({
        type,
        length,
        ...takeValidity(data, rows),
        data: gatherFixed(data.values as unknown as Typed, data.stride, rows)
      } as never);
    default: {
      const vector = new Vector([data]);
      const builder = makeBuilder({ type, nullValues: [null, undefined] });
      for (let j = 0; j < length; j++) builder.append(vector.get(rows[j]!));
      return builder.finish().flush();
    }
  }
}
