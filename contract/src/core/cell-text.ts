/**
 * One Arrow cell as text: the rule the notebook table, the catalog's preview grid and the CSV/JSON
 * exports share (documented in docs/data-path.md). Values are read from the column's buffers, not
 * through Arrow JS's `get()`, which turns timestamps into float milliseconds:
 * - int64/uint64 with all their digits;
 * - dates `YYYY-MM-DD`; timestamps ISO 8601 with every sub-millisecond digit the unit holds,
 *   ending in `Z` when the column has a time zone (a midnight timestamp stays a timestamp);
 * - booleans `true`/`false`, floats as JavaScript prints them (`NaN`, `Infinity`);
 * - anything else (decimals, lists, structs) as Arrow's value, in JSON (bytes as base64).
 * Written against the shape of apache-arrow's `Data` (structurally), so this module needs
 * neither apache-arrow nor zod.
 */

/** Arrow's type ids (the IPC format's numbers, as apache-arrow's `Type` enum). */
export const ARROW_TYPE = {
  Dictionary: -1,
  Int: 2,
  Float: 3,
  Utf8: 5,
  Bool: 6,
  Decimal: 7,
  Date: 8,
  Timestamp: 10,
  LargeUtf8: 20
} as const;
/** Arrow's `TimeUnit`: SECOND, MILLISECOND, MICROSECOND, NANOSECOND. */
const PER_MS = [0n, 1n, 1000n, 1_000_000n] as const;
const DAY_MS = 86_400_000;

/** What this module reads of an apache-arrow `Data` (one column chunk). */
export interface ArrowColumnData {
  readonly type: {
    readonly typeId: number;
    readonly bitWidth?: number;
    readonly precision?: number;
    readonly unit?: number;
    readonly timezone?: string | null;
  };
  readonly length: number;
  /** Where the chunk starts in its bitmaps (validity, booleans); `values` already starts there. */
  readonly offset: number;
  readonly nullCount: number;
  readonly nullBitmap?: Uint8Array | null;
  readonly values: ArrayLike<number | bigint> & { readonly BYTES_PER_ELEMENT?: number };
  readonly valueOffsets?: ArrayLike<number | bigint> | null;
  /** A dictionary column's values (an apache-arrow Vector). */
  readonly dictionary?: { readonly data: readonly ArrowColumnData[]; get(i: number): unknown } | null;
}

/** The text of one cell, or null for a null cell. */
export type CellText = (i: number) => string | null;

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** ISO 8601 of an epoch value in an Arrow time `unit` (0 s … 3 ns), exact to the last digit. */
export function isoTimestamp(v: bigint, unit: number, utc: boolean): string {
  const perMs = PER_MS[unit] ?? 1n;
  let ms: bigint;
  let sub = '';
  if (perMs === 0n) ms = v * 1000n;
  else {
    ms = v / perMs;
    let rest = v % perMs;
    if (rest < 0n) {
      rest += perMs;
      ms -= 1n;
    }
    if (perMs > 1n && rest !== 0n) sub = rest.toString().padStart(perMs === 1000n ? 3 : 6, '0');
  }
  const iso = new Date(Number(ms)).toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  return `${iso.slice(0, 23)}${sub}${utc ? 'Z' : ''}`;
}

/** Base64 of bytes (binary cells); `btoa` is global in browsers and Node. */
function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return (globalThis as unknown as { btoa(s: string): string }).btoa(s);
}

/** JSON text of any value: bigints as their digits, bytes as base64 text. */
export function jsonText(v: unknown): string {
  return (
    JSON.stringify(v, (_k, x: unknown) =>
      typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? base64(x) : x
    ) ?? 'null'
  );
}

function isValid(data: ArrowColumnData, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (!data.nullCount || !bitmap || bitmap.length === 0) return true;
  const j = data.offset + i;
  return ((bitmap[j >> 3]! >> (j & 7)) & 1) === 1;
}

/**
 * The text of each cell of one column chunk. `value(i)` is Arrow's own value of row `i` (a
 * `Vector.get`), used for strings, half floats and the types whose text is their JSON (decimals,
 * lists, structs); numbers, dates and timestamps are read from the buffers.
 */
export function cellTextOf(data: ArrowColumnData, value: (i: number) => unknown): CellText {
  const inner = valueText(data, value);
  if (!data.nullCount) return inner;
  return (i) => (isValid(data, i) ? inner(i) : null);
}

function valueText(data: ArrowColumnData, value: (i: number) => unknown): (i: number) => string {
  const type = data.type;
  const off = data.offset;
  switch (type.typeId) {
    case ARROW_TYPE.Int: {
      const v = data.values;
      return (i) => String(v[i]);
    }
    case ARROW_TYPE.Float: {
      if (type.precision === 0) return (i) => String(value(i));
      const v = data.values;
      return (i) => String(v[i]);
    }
    case ARROW_TYPE.Bool: {
      const v = data.values as ArrayLike<number>;
      return (i) => (((v[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 1 ? 'true' : 'false');
    }
    case ARROW_TYPE.Utf8:
    case ARROW_TYPE.LargeUtf8:
      return (i) => String(value(i));
    case ARROW_TYPE.Date: {
      const v = data.values;
      return type.unit === 0 ? (i) => isoDate(Number(v[i]) * DAY_MS) : (i) => isoDate(Number(v[i]));
    }
    case ARROW_TYPE.Timestamp: {
      const v = data.values as ArrayLike<bigint>;
      const unit = type.unit ?? 1;
      const utc = !!type.timezone;
      return (i) => isoTimestamp(BigInt(v[i]!), unit, utc);
    }
    case ARROW_TYPE.Dictionary: {
      const texts = dictionaryTexts(data);
      const idx = data.values;
      return (i) => texts[Number(idx[i])] ?? 'null';
    }
    case ARROW_TYPE.Decimal:
      return (i) => String(value(i));
    default:
      return (i) => {
        const x = value(i);
        return typeof x === 'string' ? x : jsonText(x);
      };
  }
}

/** A dictionary's values as text, computed once per dictionary (they are shared by batches). */
const dictionaries = new WeakMap<object, string[]>();
function dictionaryTexts(data: ArrowColumnData): string[] {
  const dict = data.dictionary!;
  let texts = dictionaries.get(dict);
  if (!texts) {
    texts = [];
    for (const chunk of dict.data) {
      const base = texts.length;
      const text = cellTextOf(chunk, (k) => dict.get(base + k));
      for (let k = 0; k < chunk.length; k++) texts.push(text(k) ?? 'null');
    }
    dictionaries.set(dict, texts);
  }
  return texts;
}
