import { DataType, DateUnit, Precision, TimeUnit, type Field as ArrowField, type Schema } from 'apache-arrow';
import { ARROW_META, type Field } from '@genesis-lab/contract';

const UNIT: Record<number, string> = {
  [TimeUnit.SECOND]: 's',
  [TimeUnit.MILLISECOND]: 'ms',
  [TimeUnit.MICROSECOND]: 'us',
  [TimeUnit.NANOSECOND]: 'ns'
};

/** The Arrow logical type as short text, in the notation pyarrow prints (`int64`, `timestamp[ms, tz=UTC]`). */
export function typeName(t: DataType): string {
  if (DataType.isNull(t)) return 'null';
  if (DataType.isInt(t)) return `${t.isSigned ? 'int' : 'uint'}${t.bitWidth}`;
  if (DataType.isFloat(t))
    return t.precision === Precision.HALF ? 'float16' : t.precision === Precision.SINGLE ? 'float32' : 'float64';
  if (DataType.isBool(t)) return 'bool';
  if (DataType.isUtf8(t)) return 'utf8';
  if (DataType.isLargeUtf8(t)) return 'large_utf8';
  if (DataType.isBinary(t)) return 'binary';
  if (DataType.isLargeBinary(t)) return 'large_binary';
  if (DataType.isDate(t)) return t.unit === DateUnit.DAY ? 'date32' : 'date64';
  if (DataType.isTimestamp(t)) return `timestamp[${UNIT[t.unit]}${t.timezone ? `, tz=${t.timezone}` : ''}]`;
  if (DataType.isTime(t)) return `time${t.bitWidth}[${UNIT[t.unit]}]`;
  if (DataType.isDecimal(t)) return `decimal${t.bitWidth}(${t.precision}, ${t.scale})`;
  if (DataType.isDictionary(t)) return `dictionary<values=${typeName(t.dictionary)}, indices=${typeName(t.indices)}>`;
  if (DataType.isList(t)) return `list<${typeName(t.children[0]!.type)}>`;
  if (DataType.isStruct(t)) return `struct<${t.children.map((c) => `${c.name}: ${typeName(c.type)}`).join(', ')}>`;
  return String(t).toLowerCase();
}

/** Contract fields from an Arrow schema; unit and description come from field metadata. */
export function fieldsOf(schema: Schema): Field[] {
  return schema.fields.map((f: ArrowField) => {
    const unit = f.metadata.get(ARROW_META.unit);
    const description = f.metadata.get(ARROW_META.description);
    return {
      name: f.name,
      type: typeName(f.type),
      nullable: f.nullable,
      ...(unit ? { unit } : {}),
      ...(description ? { description } : {})
    };
  });
}
