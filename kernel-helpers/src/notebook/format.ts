import { DataType, DateUnit, TimeUnit, type Field, type Vector } from 'apache-arrow';
import { ARROW_META } from '@genesis-lab/contract';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** `1 row`, `2,922 rows`: counts as a reader says them. */
export function countText(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** Short type names as the catalog prints them. */
export function typeLabel(type: DataType): string {
  if (DataType.isDictionary(type)) return typeLabel(type.dictionary);
  if (DataType.isInt(type)) return `${type.isSigned ? 'int' : 'uint'}${type.bitWidth}`;
  if (DataType.isFloat(type)) return ['float16', 'float32', 'float64'][type.precision]!;
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return 'string';
  if (DataType.isBool(type)) return 'bool';
  if (DataType.isDate(type)) return 'date';
  if (DataType.isTimestamp(type)) return `timestamp[${['s', 'ms', 'us', 'ns'][type.unit]}]`;
  return String(type).toLowerCase();
}

export function unitOf(field: Field): string | undefined {
  return field.metadata.get(ARROW_META.unit) || undefined;
}

/** A cell as text: dates and instants in ISO 8601, numbers as JavaScript prints them, null as "null". */
export function formatValue(field: Field, vector: Vector, row: number): string {
  const v: unknown = vector.get(row);
  if (v === null || v === undefined) return 'null';
  const type = DataType.isDictionary(field.type) ? field.type.dictionary : field.type;
  if (DataType.isDate(type)) {
    const ms = typeof v === 'number' ? v : v instanceof Date ? v.getTime() : Number(v);
    const iso = new Date(ms).toISOString();
    return type.unit === DateUnit.DAY || iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (DataType.isTimestamp(type)) {
    const ms =
      typeof v === 'number'
        ? v
        : Number(v) / (type.unit === TimeUnit.MICROSECOND ? 1e3 : type.unit === TimeUnit.NANOSECOND ? 1e6 : 1);
    return new Date(ms).toISOString().replace('.000Z', 'Z');
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
  } catch {
    return String(v);
  }
}
