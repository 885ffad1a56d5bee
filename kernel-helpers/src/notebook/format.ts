import { DataType, type Field, type Vector } from 'apache-arrow';
import { ARROW_META, cellTextOf, type ArrowColumnData } from '@genesis-lab/contract';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
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

/**
 * A cell as text, by the one rule the preview grid and the exports follow too (contract/core
 * `cellTextOf`: exact int64 and sub-millisecond digits, ISO dates and instants); null as "null".
 */
export function formatValue(_field: Field, vector: Vector, row: number): string {
  let [chunk, i] = [0, row];
  while (chunk < vector.data.length - 1 && i >= vector.data[chunk]!.length) i -= vector.data[chunk++]!.length;
  const data = vector.data[chunk]!;
  return cellTextOf(data as unknown as ArrowColumnData, (k) => vector.get(row - i + k))(i) ?? 'null';
}
