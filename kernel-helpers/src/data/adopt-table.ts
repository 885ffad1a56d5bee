import {
  Binary,
  Bool,
  Data,
  DataType,
  Date_,
  Decimal,
  Dictionary,
  Duration,
  Field,
  FixedSizeBinary,
  FixedSizeList,
  Float,
  Int,
  Interval,
  LargeBinary,
  LargeList,
  LargeUtf8,
  List,
  Map_,
  Null,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Time,
  Timestamp,
  Type,
  Union,
  Utf8,
  Vector,
  makeData
} from 'apache-arrow';
import { GenesisError } from '@genesis-lab/contract';

/**
 * A Table built with another copy of apache-arrow, as a Table of ours, sharing its buffers (no
 * copy of the data). A Deno cell's `import "apache-arrow"` loads the package's ES module build
 * while the helpers (CommonJS) load its CommonJS build: two copies. Arrow makes `instanceof`
 * work across copies for tables, batches, data and vectors, but not for data types, on which its
 * IPC writer dispatches (it then fails with "Cannot destructure property 'length'"). A table
 * whose types are ours is returned as it is.
 */
export function adoptTable(table: Table): Table {
  if (table.schema.fields.every((f) => f.type instanceof DataType)) return table;
  const schema = adoptSchema(table.schema);
  const struct = new Struct(schema.fields);
  const batches = table.batches.map(
    (b) =>
      new RecordBatch(
        schema,
        makeData({ type: struct, length: b.numRows, nullCount: 0, children: b.data.children.map(adoptData) })
      )
  );
  return new Table(schema, batches);
}

function adoptSchema(s: Schema): Schema {
  return new Schema(s.fields.map(adoptField), new Map(s.metadata));
}

function adoptField(f: Field): Field {
  return new Field(f.name, adoptType(f.type), f.nullable, new Map(f.metadata));
}

function adoptData(d: Data): Data {
  const type = adoptType(d.type);
  const dictionary = d.dictionary ? new Vector(d.dictionary.data.map(adoptData)) : undefined;
  return new Data(
    type,
    d.offset,
    d.length,
    d.nullCount,
    { 0: d.valueOffsets, 1: d.values, 2: d.nullBitmap, 3: d.typeIds } as never,
    d.children.map(adoptData),
    dictionary
  );
}

/** The same logical type, as an instance of this copy's classes (by type id and parameters). */
function adoptType(given: DataType): DataType {
  if (given instanceof DataType) return given;
  const t: DataType = given;
  const x = t as DataType & Record<string, unknown>;
  const children = () => (t.children ?? []).map(adoptField);
  switch (t.typeId) {
    case Type.Null:
      return new Null();
    case Type.Bool:
      return new Bool();
    case Type.Int:
      return new Int(x.isSigned as boolean, x.bitWidth as 8 | 16 | 32 | 64);
    case Type.Float:
      return new Float(x.precision as never);
    case Type.Utf8:
      return new Utf8();
    case Type.LargeUtf8:
      return new LargeUtf8();
    case Type.Binary:
      return new Binary();
    case Type.LargeBinary:
      return new LargeBinary();
    case Type.Decimal:
      return new Decimal(x.scale as number, x.precision as number, x.bitWidth as number);
    case Type.Date:
      return new Date_(x.unit as never);
    case Type.Time:
      return new Time(x.unit as never, x.bitWidth as never);
    case Type.Timestamp:
      return new Timestamp(x.unit as never, (x.timezone as string | null | undefined) ?? null);
    case Type.Interval:
      return new Interval(x.unit as never);
    case Type.Duration:
      return new Duration(x.unit as never);
    case Type.FixedSizeBinary:
      return new FixedSizeBinary(x.byteWidth as number);
    case Type.List:
      return new List(children()[0]!);
    case Type.LargeList:
      return new LargeList(children()[0]!);
    case Type.FixedSizeList:
      return new FixedSizeList(x.listSize as number, children()[0]!);
    case Type.Struct:
      return new Struct(children());
    case Type.Map:
      return new Map_(children()[0]! as never, x.keysSorted as boolean);
    case Type.Union:
      return new Union(x.mode as never, Array.from(x.typeIds as Int32Array), children());
    case Type.Dictionary:
      return new Dictionary(
        adoptType(x.dictionary as DataType),
        adoptType(x.indices as DataType) as never,
        x.id as number,
        x.isOrdered as boolean
      );
    default:
      throw new GenesisError('unprocessable', `Arrow type ${String(t)} (type id ${t.typeId}) cannot be published yet`);
  }
}
