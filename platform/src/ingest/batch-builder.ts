import {
  Bool,
  DataType,
  DateDay,
  Field,
  Float64,
  Int64,
  Null,
  RecordBatch,
  Schema,
  Struct,
  TimeUnit,
  Timestamp,
  Utf8,
  makeData,
  type Data
} from 'apache-arrow';
import { GenesisError } from '@genesis-lab/contract';
import { CANONICAL_BATCH_ROWS } from '../catalog/object-writer';
import { NULL_TOKENS, parseDate, timestampParts, type ColumnType, type TimeUnitName } from './column-type';

/** One output column: its final name, type and field metadata (unit, description). */
export interface ColumnPlan {
  name: string;
  type: ColumnType;
  unit: TimeUnitName;
  metadata: Map<string, string>;
}

const NS_PER: Record<TimeUnitName, bigint> = { ms: 1_000_000n, us: 1_000n, ns: 1n };
const ARROW_UNIT: Record<TimeUnitName, TimeUnit> = {
  ms: TimeUnit.MILLISECOND,
  us: TimeUnit.MICROSECOND,
  ns: TimeUnit.NANOSECOND
};

export function arrowTypeOf(plan: Pick<ColumnPlan, 'type' | 'unit'>): DataType {
  switch (plan.type) {
    case 'null':
      return new Null();
    case 'bool':
      return new Bool();
    case 'int64':
      return new Int64();
    case 'float64':
      return new Float64();
    case 'date32':
      return new DateDay();
    case 'timestamp':
      return new Timestamp(ARROW_UNIT[plan.unit], 'UTC');
    case 'utf8':
      return new Utf8();
  }
}

/** Thrown by a converter; the caller adds where (line/row, column). */
export class ConversionError extends Error {}

/** A column being filled for one batch: typed buffers of the canonical batch size. */
abstract class ColumnBuffer {
  protected validity = new Uint8Array(CANONICAL_BATCH_ROWS >> 3);
  protected nulls = 0;
  constructor(readonly type: DataType) {}

  setNull(): void {
    this.nulls++;
  }

  set(i: number, raw: unknown): void {
    this.setValue(i, raw);
    this.validity[i >> 3]! |= 1 << (i & 7);
  }

  protected abstract setValue(i: number, raw: unknown): void;
  protected abstract data(length: number, nullBitmap: Uint8Array | undefined): Data;

  finish(length: number): Data {
    const bitmap = this.nulls ? this.validity.slice(0, (length + 7) >> 3) : undefined;
    const d = this.data(length, bitmap);
    this.validity = new Uint8Array(CANONICAL_BATCH_ROWS >> 3);
    this.nulls = 0;
    return d;
  }

  protected props(length: number, nullBitmap: Uint8Array | undefined) {
    return { type: this.type, length, nullCount: this.nulls, ...(nullBitmap ? { nullBitmap } : {}) };
  }
}

class NullColumn extends ColumnBuffer {
  protected setValue(): void {
    throw new ConversionError('expected no value');
  }
  protected data(length: number): Data {
    return makeData({ type: new Null(), length, nullCount: length });
  }
}

class BoolColumn extends ColumnBuffer {
  private bits = new Uint8Array(CANONICAL_BATCH_ROWS >> 3);
  protected setValue(i: number, raw: unknown): void {
    let v: boolean;
    if (typeof raw === 'boolean') v = raw;
    else if (typeof raw === 'string' && /^(true|false)$/i.test(raw)) v = raw.toLowerCase() === 'true';
    else throw new ConversionError(`${JSON.stringify(raw)} is not true/false`);
    if (v) this.bits[i >> 3]! |= 1 << (i & 7);
  }
  protected data(length: number, nullBitmap: Uint8Array | undefined): Data {
    const data = this.bits.slice(0, (length + 7) >> 3);
    this.bits = new Uint8Array(CANONICAL_BATCH_ROWS >> 3);
    return makeData({ ...this.props(length, nullBitmap), type: new Bool(), data });
  }
}

/**
 * Write a safe integer into slot i of a BigInt64Array through its 32-bit halves: no BigInt
 * allocation per value (millions of those dominate a large ingest's garbage collection).
 */
function setInt64(halves: Int32Array, i: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  halves[2 * i] = (v - hi * 4294967296) | 0;
  halves[2 * i + 1] = hi | 0;
}

class Int64Column extends ColumnBuffer {
  private values = new BigInt64Array(CANONICAL_BATCH_ROWS);
  private halves = new Int32Array(this.values.buffer);
  protected setValue(i: number, raw: unknown): void {
    if (typeof raw === 'number' && Number.isSafeInteger(raw)) setInt64(this.halves, i, raw);
    else if (typeof raw === 'string' && /^[+-]?\d+$/.test(raw)) {
      if (raw.length < 16) setInt64(this.halves, i, Number(raw));
      else this.values[i] = BigInt(raw);
    } else if (typeof raw === 'bigint') this.values[i] = raw;
    else throw new ConversionError(`${JSON.stringify(raw)} is not a whole number`);
  }
  protected data(length: number, nullBitmap: Uint8Array | undefined): Data {
    const data = this.values.slice(0, length);
    this.values = new BigInt64Array(CANONICAL_BATCH_ROWS);
    this.halves = new Int32Array(this.values.buffer);
    return makeData({ ...this.props(length, nullBitmap), type: new Int64(), data });
  }
}

class Float64Column extends ColumnBuffer {
  private values = new Float64Array(CANONICAL_BATCH_ROWS);
  protected setValue(i: number, raw: unknown): void {
    const v = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
    if (Number.isNaN(v) && !(typeof raw === 'string' && /^[+-]?NaN$/.test(raw)))
      throw new ConversionError(`${JSON.stringify(raw)} is not a number`);
    this.values[i] = v;
  }
  protected data(length: number, nullBitmap: Uint8Array | undefined): Data {
    const data = this.values.slice(0, length);
    this.values = new Float64Array(CANONICAL_BATCH_ROWS);
    return makeData({ ...this.props(length, nullBitmap), type: new Float64(), data });
  }
}

class DateColumn extends ColumnBuffer {
  private values = new Int32Array(CANONICAL_BATCH_ROWS);
  protected setValue(i: number, raw: unknown): void {
    const days = typeof raw === 'string' ? parseDate(raw) : undefined;
    if (days === undefined) throw new ConversionError(`${JSON.stringify(raw)} is not a date (YYYY-MM-DD)`);
    this.values[i] = days;
  }
  protected data(length: number, nullBitmap: Uint8Array | undefined): Data {
    const data = this.values.slice(0, length);
    this.values = new Int32Array(CANONICAL_BATCH_ROWS);
    return makeData({ ...this.props(length, nullBitmap), type: new DateDay(), data });
  }
}

class TimestampColumn extends ColumnBuffer {
  private values = new BigInt64Array(CANONICAL_BATCH_ROWS);
  private halves = new Int32Array(this.values.buffer);
  constructor(
    type: DataType,
    private readonly unit: TimeUnitName
  ) {
    super(type);
  }
  protected setValue(i: number, raw: unknown): void {
    let ms: number;
    let subMsNanos = 0;
    if (typeof raw === 'string') {
      const days = parseDate(raw);
      const p = days === undefined ? timestampParts(raw) : { ms: days * 86_400_000, subMsNanos: 0 };
      if (!p) throw new ConversionError(`${JSON.stringify(raw)} is not an ISO 8601 date-time`);
      ms = p.ms;
      subMsNanos = p.subMsNanos;
    } else if (typeof raw === 'number' && Number.isFinite(raw)) {
      // Numbers given for a timestamp column (a type override) are milliseconds since the epoch.
      ms = Math.floor(raw);
      subMsNanos = Math.round((raw - ms) * 1e6);
    } else throw new ConversionError(`${JSON.stringify(raw)} is not a date-time`);
    const units = this.unit === 'ms' ? ms : this.unit === 'us' ? ms * 1000 + Math.floor(subMsNanos / 1000) : NaN;
    if (Number.isSafeInteger(units)) setInt64(this.halves, i, units);
    else this.values[i] = (BigInt(ms) * 1_000_000n + BigInt(subMsNanos)) / NS_PER[this.unit];
  }
  protected data(length: number, nullBitmap: Uint8Array | undefined): Data {
    const data = this.values.slice(0, length);
    this.values = new BigInt64Array(CANONICAL_BATCH_ROWS);
    this.halves = new Int32Array(this.values.buffer);
    return makeData({ ...this.props(length, nullBitmap), type: this.type as Timestamp, data });
  }
}

class Utf8Column extends ColumnBuffer {
  private strings: string[] = [];
  protected setValue(i: number, raw: unknown): void {
    this.strings[i] = typeof raw === 'string' ? raw : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
  }
  protected data(length: number, nullBitmap: Uint8Array | undefined): Data {
    const offsets = new Int32Array(length + 1);
    let bytes = 0;
    for (let i = 0; i < length; i++) {
      const s = this.strings[i];
      if (s !== undefined) bytes += Buffer.byteLength(s);
      offsets[i + 1] = bytes;
    }
    const data = Buffer.allocUnsafe(bytes);
    for (let i = 0; i < length; i++) {
      const s = this.strings[i];
      if (s !== undefined) data.write(s, offsets[i]!);
    }
    this.strings = [];
    return makeData({
      ...this.props(length, nullBitmap),
      type: new Utf8(),
      valueOffsets: offsets,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    });
  }
}

function bufferFor(plan: ColumnPlan): ColumnBuffer {
  const type = arrowTypeOf(plan);
  switch (plan.type) {
    case 'null':
      return new NullColumn(type);
    case 'bool':
      return new BoolColumn(type);
    case 'int64':
      return new Int64Column(type);
    case 'float64':
      return new Float64Column(type);
    case 'date32':
      return new DateColumn(type);
    case 'timestamp':
      return new TimestampColumn(type, plan.unit);
    case 'utf8':
      return new Utf8Column(type);
  }
}

/**
 * Rows in, canonical record batches out: values are converted into typed column buffers and
 * a batch is cut every CANONICAL_BATCH_ROWS rows. A value that does not fit its column's
 * type throws a ConversionError naming the column.
 */
export class BatchBuilder {
  readonly schema: Schema;
  private readonly columns: ColumnBuffer[];
  private rows = 0;

  /** `textNulls`: values come from text (CSV), where "", "NA", "N/A", "NULL" and "null" mean no value. */
  constructor(
    plans: ColumnPlan[],
    private readonly textNulls: boolean
  ) {
    this.schema = new Schema(plans.map((p) => new Field(p.name, arrowTypeOf(p), true, p.metadata)));
    this.columns = plans.map(bufferFor);
  }

  /** Add one row (values in column order); returns a full batch when one is complete. */
  append(values: readonly unknown[]): RecordBatch | undefined {
    const i = this.rows;
    for (let c = 0; c < this.columns.length; c++) {
      const raw = values[c];
      try {
        if (raw === null || raw === undefined || (this.textNulls && typeof raw === 'string' && NULL_TOKENS.has(raw)))
          this.columns[c]!.setNull();
        else this.columns[c]!.set(i, raw);
      } catch (err) {
        if (err instanceof ConversionError)
          throw new ConversionError(`column "${this.schema.fields[c]!.name}": ${err.message}`);
        throw err;
      }
    }
    this.rows++;
    return this.rows === CANONICAL_BATCH_ROWS ? this.flush() : undefined;
  }

  flush(): RecordBatch | undefined {
    if (this.rows === 0) return undefined;
    const length = this.rows;
    const children = this.columns.map((c) => c.finish(length));
    this.rows = 0;
    return new RecordBatch(
      this.schema,
      makeData({ type: new Struct(this.schema.fields), length, nullCount: 0, children })
    );
  }
}

export function rowError(where: string, err: unknown): GenesisError {
  return new GenesisError('unprocessable', `${where}: ${(err as Error).message}`);
}
