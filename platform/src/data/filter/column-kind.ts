import { DataType, DateUnit, Precision, TimeUnit, Type, Vector, type Data } from 'apache-arrow';
import { uint16ToFloat64 } from 'apache-arrow/util/math';

/**
 * What a filter can do with a column, decided from its Arrow type once per query.
 * Dictionary columns are classified by their value type and evaluated on the dictionary.
 */
export type ColumnKind =
  | { kind: 'number' }
  | { kind: 'bigint' }
  | { kind: 'bool' }
  | { kind: 'string' }
  /** Dates and timestamps: integers counting `unitNs` nanoseconds since the epoch (UTC). */
  | { kind: 'temporal'; unitNs: bigint }
  | { kind: 'other' };

export const NS_PER: Record<'day' | 's' | 'ms' | 'us' | 'ns', bigint> = {
  day: 86_400_000_000_000n,
  s: 1_000_000_000n,
  ms: 1_000_000n,
  us: 1_000n,
  ns: 1n
};

const TIME_UNIT_NS: Record<TimeUnit, bigint> = {
  [TimeUnit.SECOND]: NS_PER.s,
  [TimeUnit.MILLISECOND]: NS_PER.ms,
  [TimeUnit.MICROSECOND]: NS_PER.us,
  [TimeUnit.NANOSECOND]: NS_PER.ns
};

/** The type whose values a filter compares: the value type of a dictionary, else the type itself. */
export function valueType(type: DataType): DataType {
  return DataType.isDictionary(type) ? type.dictionary : type;
}

export function columnKind(type: DataType): ColumnKind {
  const t = valueType(type);
  switch (t.typeId) {
    case Type.Int:
      return (t as unknown as { bitWidth: number }).bitWidth === 64 ? { kind: 'bigint' } : { kind: 'number' };
    case Type.Float:
      return { kind: 'number' };
    case Type.Bool:
      return { kind: 'bool' };
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
      return { kind: 'string' };
    case Type.Date:
      return {
        kind: 'temporal',
        unitNs: (t as unknown as { unit: DateUnit }).unit === DateUnit.DAY ? NS_PER.day : NS_PER.ms
      };
    case Type.Timestamp:
      return { kind: 'temporal', unitNs: TIME_UNIT_NS[(t as unknown as { unit: TimeUnit }).unit] };
    default:
      return { kind: 'other' };
  }
}

/** Numeric values of a number column as something indexable (decoding float16 once). */
export function numberValues(data: Data): ArrayLike<number> {
  const t = data.type as unknown as { typeId: Type; precision?: Precision };
  if (t.typeId === Type.Float && t.precision === Precision.HALF) {
    const raw = data.values as Uint16Array;
    const out = new Float64Array(data.length);
    for (let i = 0; i < out.length; i++) out[i] = uint16ToFloat64(raw[i]!);
    return out;
  }
  return data.values as ArrayLike<number>;
}

/** Integer values of a bigint or temporal column (date32 days come back as numbers). */
export function integerValues(data: Data): ArrayLike<number> | ArrayLike<bigint> {
  return data.values as ArrayLike<number> | ArrayLike<bigint>;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Access to the strings of a string column without decoding them all: UTF-8 bytes of row `i`
 * for byte-wise comparison, or the decoded string for sets and patterns.
 */
export interface StringAccess {
  bytes(i: number): Uint8Array;
  string(i: number): string;
}

export function stringAccess(data: Data): StringAccess {
  const values = data.values as Uint8Array;
  if (data.type.typeId === Type.Utf8) {
    const offsets = data.valueOffsets as Int32Array;
    return {
      bytes: (i) => values.subarray(offsets[i]!, offsets[i + 1]!),
      string: (i) => decoder.decode(values.subarray(offsets[i]!, offsets[i + 1]!))
    };
  }
  if (data.type.typeId === Type.LargeUtf8) {
    const offsets = data.valueOffsets as unknown as BigInt64Array;
    return {
      bytes: (i) => values.subarray(Number(offsets[i]!), Number(offsets[i + 1]!)),
      string: (i) => decoder.decode(values.subarray(Number(offsets[i]!), Number(offsets[i + 1]!)))
    };
  }
  // Utf8View: let Arrow decode (rare in canonical files).
  const vector = new Vector([data]);
  const encoder = new TextEncoder();
  const get = (i: number): string => String(vector.get(i) ?? '');
  return { bytes: (i) => encoder.encode(get(i)), string: get };
}

/** Compare two UTF-8 byte strings (= Unicode code point order). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
