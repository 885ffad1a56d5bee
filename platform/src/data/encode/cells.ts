import { Type, Vector, type Data } from 'apache-arrow';
import { cellTextOf, type ArrowColumnData } from '@genesis-lab/contract';
import { numberValues } from '../filter/column-kind';
import { hasNulls, isValid } from '../filter/three-valued';

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

/** Build the formatter of one column's data (dictionary values are formatted once per dictionary). */
export function cellFormatter(data: Data, style: TextStyle): CellFormatter {
  const nullText = style.format === 'json' ? 'null' : '';
  const inner = valueFormatter(data, style);
  if (!hasNulls(data)) return inner;
  return (i) => (isValid(data, i) ? inner(i) : nullText);
}

function valueFormatter(data: Data, style: TextStyle): CellFormatter {
  const type = data.type;
  const vec = new Vector([data]);
  // The one cell-to-text rule; the exports add only their quoting (and JSON's null for NaN).
  const text = cellTextOf(data as unknown as ArrowColumnData, (i) => vec.get(i)) as (i: number) => string;
  switch (type.typeId) {
    case Type.Int:
      if (
        style.format === 'json' &&
        style.int64 === 'string' &&
        (type as unknown as { bitWidth: number }).bitWidth === 64
      )
        return (i) => `"${text(i)}"`;
      return text;
    case Type.Float: {
      if (style.format === 'csv') return text;
      const v = numberValues(data);
      return (i) => (Number.isFinite(v[i]) ? text(i) : 'null');
    }
    case Type.Bool:
      return text;
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Date:
    case Type.Timestamp:
    case Type.Dictionary:
    case Type.Decimal:
      return (i) => quote(style, text(i));
    default:
      // Lists, structs, binary (base64), times, intervals: JSON text (a JSON value as it is,
      // quoted in CSV); a value Arrow gives as a string is a JSON string.
      return style.format === 'json'
        ? (i) => (typeof vec.get(i) === 'string' ? JSON.stringify(vec.get(i)) : text(i))
        : (i) => csvQuote(text(i));
  }
}
