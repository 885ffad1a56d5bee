import {
  DataType,
  Field,
  Float64,
  RecordBatch,
  Schema,
  Struct,
  Utf8,
  makeData,
  vectorFromArray,
  type Data
} from 'apache-arrow';
import { ARROW_META, GenesisError, type Int64Policy } from '@genesis-lab/contract';
import { presentable } from '@genesis-lab/client';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function isInt64(t: DataType): boolean {
  return DataType.isInt(t) && t.bitWidth === 64;
}

function validity(data: Data): { nullBitmap?: Uint8Array; nullCount: number } {
  if (!(data.nullCount > 0) || !data.nullBitmap?.length) return { nullCount: 0 };
  if (data.offset === 0) return { nullBitmap: data.nullBitmap, nullCount: data.nullCount };
  const out = new Uint8Array((data.length + 7) >> 3);
  for (let i = 0; i < data.length; i++) {
    const p = data.offset + i;
    if (data.nullBitmap[p >> 3]! & (1 << (p & 7))) out[i >> 3]! |= 1 << (i & 7);
  }
  return { nullBitmap: out, nullCount: data.nullCount };
}

function isValid(data: Data, i: number): boolean {
  if (!(data.nullCount > 0) || !data.nullBitmap?.length) return true;
  const p = data.offset + i;
  return (data.nullBitmap[p >> 3]! & (1 << (p & 7))) !== 0;
}

function toNumbers(name: string, data: Data): Data {
  const values = data.values as BigInt64Array | BigUint64Array;
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = values[i]!;
    if ((v > SAFE || v < -SAFE) && isValid(data, i))
      throw presentable(
        new GenesisError(
          'unprocessable',
          `Column "${name}" holds ${v}, beyond ±(2^53 − 1): a JavaScript number cannot hold it exactly (int64 policy "number")`,
          { hint: 'Pull it with { int64: "bigint" } for exact BigInt values, or { int64: "string" } for decimal text' }
        )
      );
    out[i] = Number(v);
  }
  return makeData({ type: new Float64(), length: data.length, ...validity(data), data: out });
}

function toStrings(data: Data): Data {
  const values = data.values as BigInt64Array | BigUint64Array;
  const strings: (string | null)[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) strings[i] = isValid(data, i) ? values[i]!.toString() : null;
  return vectorFromArray(strings, new Utf8()).data[0]!;
}

/**
 * How int64/uint64 columns reach JavaScript (contract `Int64Policy`): `number` (default) turns
 * them into float64 columns and refuses, naming the column and value, if any value is beyond
 * ±(2^53 − 1); `bigint` keeps Arrow's BigInt values; `string` gives decimal text. Converted
 * fields carry `genesis:int64` metadata. Other columns pass through untouched (zero copy).
 */
export class Int64Converter {
  readonly schema: Schema;
  private readonly convert: ((name: string, d: Data) => Data) | undefined;
  private readonly columns: boolean[];

  constructor(schema: Schema, policy: Int64Policy) {
    this.columns = schema.fields.map((f) => policy !== 'bigint' && isInt64(f.type));
    if (!this.columns.some(Boolean)) {
      this.schema = schema;
      this.convert = undefined;
      return;
    }
    this.convert = policy === 'number' ? toNumbers : (_n, d) => toStrings(d);
    this.schema = new Schema(
      schema.fields.map((f, i) =>
        this.columns[i]
          ? new Field(
              f.name,
              policy === 'number' ? new Float64() : new Utf8(),
              f.nullable,
              new Map([...f.metadata, [ARROW_META.int64, policy]])
            )
          : f
      ),
      schema.metadata
    );
  }

  batch(batch: RecordBatch): RecordBatch {
    const convert = this.convert;
    if (!convert) return batch;
    const children = batch.data.children.map((d, i) => (this.columns[i] ? convert(this.schema.fields[i]!.name, d) : d));
    return new RecordBatch(
      this.schema,
      makeData({ type: new Struct(this.schema.fields), length: batch.numRows, nullCount: 0, children })
    );
  }
}
