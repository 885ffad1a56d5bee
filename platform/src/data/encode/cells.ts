import { DataType, DateUnit, TimeUnit, Type, Vector, type Data } from 'apache-arrow';
import { isoDate, isoTimestamp, jsonText as jsonValue } from '@genesis-lab/contract';
import { numberValues } from '../filter/column-kind';
import { hasNulls, isValid } from '../filter/tri';

/**
 * Text for one cell of a column, for the text exports: the contract's one cell-to-text rule
 * (contract/src/core/cell-text.ts: exact int64, ISO dates, timestamps with every sub-millisecond
 * digit), with the exports' quoting. Policies (documented in docs/data-path.md):
 * - int64/uint64 are written with all their digits (JSON: as numbers by default, `int64=string` quotes them);
 * - NaN and infinities are `null` in JSON (it has no such numbers) and `NaN`/`Infinity` in CSV;
 * - dates are `YYYY-MM-DD`, timestamps ISO 8601 (UTC with `Z` when the column has a time zone);
 * - null is `null` in JSON and an empty field in CSV.
 */
export type TextStyle = { format: 'csv' } | { format: 'json'; int64: 'number' | 'string' };

export type CellFormatter = (i: number) => string;

const csvNeedsQuotes = /[",\n\r]/;
export function csvQuote(s: string): string {
  return csvNeedsQuotes.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function quote(style: TextStyle, s: string): string {
  return style.format === 'json' ? JSON.stringify(s) : csvQuote(s);
}

const DAY_MS = 86_400_000;

/** Build the formatter of one column's data (dictionary values are formatted once per dictionary). */
export function cellFormatter(data: Data, style: TextStyle, cache: WeakMap<object, string[]>): CellFormatter {
  const nullText = style.format === 'json' ? 'null' : '';
  const inner = valueFormatter(data, style, cache);
  if (!hasNulls(data)) return inner;
  return (i) => (isValid(data, i) ? inner(i) : nullText);
}

function valueFormatter(data: Data, style: TextStyle, cache: WeakMap<object, string[]>): CellFormatter {
  const type = data.type;
  switch (type.typeId) {
    case Type.Int: {
      if ((type as unknown as { bitWidth: number }).bitWidth === 64) {
        const v = data.values as BigInt64Array | BigUint64Array;
        if (style.format === 'json' && style.int64 === 'string') return (i) => `"${v[i]}"`;
        return (i) => v[i]!.toString();
      }
      const v = data.values as Int32Array;
      return (i) => String(v[i]);
    }
    case Type.Float: {
      const v = numberValues(data);
      if (style.format === 'json') return (i) => (Number.isFinite(v[i]) ? String(v[i]) : 'null');
      return (i) => String(v[i]);
    }
    case Type.Bool: {
      const v = data.values as Uint8Array;
      const off = data.offset;
      return (i) => (((v[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 1 ? 'true' : 'false');
    }
    case Type.Utf8:
    case Type.LargeUtf8: {
      const vec = new Vector([data]);
      return (i) => quote(style, vec.get(i) as string);
    }
    case Type.Date: {
      const day = (type as unknown as { unit: DateUnit }).unit === DateUnit.DAY;
      const v = data.values as Int32Array | BigInt64Array;
      return day
        ? (i) => quote(style, isoDate((v as Int32Array)[i]! * DAY_MS))
        : (i) => quote(style, isoDate(Number((v as BigInt64Array)[i]!)));
    }
    case Type.Timestamp: {
      const t = type as unknown as { unit: TimeUnit; timezone?: string | null };
      const v = data.values as BigInt64Array;
      const utc = !!t.timezone;
      return (i) => quote(style, isoTimestamp(v[i]!, t.unit, utc));
    }
    case Type.Dictionary: {
      const dict = data.dictionary as Vector;
      let texts = cache.get(dict);
      if (!texts) {
        texts = [];
        for (const chunk of dict.data) {
          const f = cellFormatter(chunk, style, cache);
          for (let k = 0; k < chunk.length; k++) texts.push(f(k));
        }
        cache.set(dict, texts);
      }
      const idx = data.values as ArrayLike<number> | ArrayLike<bigint>;
      const t = texts;
      return (i) => t[Number(idx[i]!)]!;
    }
    default: {
      // Decimals, lists, structs, binary, times, intervals: Arrow's own value, as JSON text.
      const vec = new Vector([data]);
      const asText = (x: unknown) => (x instanceof Uint8Array ? Buffer.from(x).toString('base64') : x);
      if (DataType.isDecimal(type)) return (i) => quote(style, String(vec.get(i)));
      return style.format === 'json'
        ? (i) => jsonValue(asText(vec.get(i)))
        : (i) => csvQuote(typeof vec.get(i) === 'string' ? (vec.get(i) as string) : jsonValue(asText(vec.get(i))));
    }
  }
}
