import {
  ARROW_META,
  GenesisError,
  PREDICT_BATCH_ROWS,
  signatureProblems,
  type ModelSignature,
  type SignatureField
} from '@genesis-lab/contract';
import {
  Field as ArrowField,
  Float16,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  RecordBatch,
  Schema,
  Table,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Bool,
  Utf8,
  makeData,
  makeVector,
  Struct,
  vectorFromArray,
  type Data,
  type DataType,
  type Vector
} from 'apache-arrow';
import { typeName } from '../catalog/arrow-types';
import type { LoadedModel } from './runtime';

export interface PredictStreamOptions {
  /** Rows per runtime call; memory stays at about one batch in and one out. */
  batchRows?: number;
  /** Input columns copied beside the outputs (row-aligned). */
  passthrough?: readonly string[];
  signal?: AbortSignal;
  /** Rows predicted so far, after every runtime call. */
  onProgress?: (rows: number) => void;
}

const ARROW_TYPE: Record<string, () => DataType> = {
  bool: () => new Bool(),
  int8: () => new Int8(),
  int16: () => new Int16(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  uint8: () => new Uint8(),
  uint16: () => new Uint16(),
  uint32: () => new Uint32(),
  uint64: () => new Uint64(),
  float16: () => new Float16(),
  float32: () => new Float32(),
  float64: () => new Float64(),
  utf8: () => new Utf8()
};

const TYPED_ARRAY: Record<string, new (n: number) => { [i: number]: number }> = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array
};

/** The output schema: the signature's outputs with their units as field metadata, then passthrough columns. */
export function outputFields(signature: ModelSignature): ArrowField[] {
  return signature.outputs.map((f) => fieldOf(f));
}

function fieldOf(f: SignatureField): ArrowField {
  const meta = new Map<string, string>();
  if (f.unit) meta.set(ARROW_META.unit, f.unit);
  if (f.description) meta.set(ARROW_META.description, f.description);
  return new ArrowField(f.name, ARROW_TYPE[f.type]!(), f.nullable, meta);
}

/**
 * Check a batch's columns against the signature (the contract's one rule, signatureProblems):
 * a 400 naming every offending column and what the signature expects. The unit is read from the
 * column's `genesis:unit` field metadata (tables from the catalog carry it).
 */
export function checkInput(signature: ModelSignature, schema: Schema, batch?: RecordBatch): void {
  const columns = schema.fields.map((f) => {
    const unit = f.metadata.get(ARROW_META.unit);
    const col = batch?.getChild(f.name);
    return { name: f.name, type: typeName(f.type), ...(unit ? { unit } : {}), nullCount: col?.nullCount ?? 0 };
  });
  const problems = signatureProblems(signature.inputs, columns);
  if (problems.length)
    throw new GenesisError('bad_request', `The input does not fit the model's signature: ${problems.join('; ')}`, {
      issues: problems.map((message) => ({ path: 'input', message })),
      hint: `The model takes ${signature.inputs
        .map((f) => `${f.name} (${f.type}${f.unit ? `, ${f.unit}` : ''})`)
        .join(', ')}`
    });
}

/** A column as the signature's type: the same vector when it already is, a lossless cast otherwise. */
function castColumn(v: Vector, want: SignatureField, n: number): Vector {
  const have = typeName(v.type);
  if (have === want.type) return v;
  if (want.type === 'utf8')
    return vectorFromArray(
      Array.from({ length: n }, (_, i) => String(v.get(i))),
      new Utf8()
    );
  const Ctor = TYPED_ARRAY[want.type];
  if (Ctor) {
    const out = new Ctor(n);
    for (let i = 0; i < n; i++) out[i] = Number(v.get(i));
    return makeVector(out as never);
  }
  if (want.type === 'int64') {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(v.get(i) as number);
    return makeVector(out);
  }
  throw new GenesisError('bad_request', `column "${want.name}" is ${have}, but the model expects ${want.type}`);
}

/** The runtime's input: exactly the signature's columns, in order, of its types. */
function runtimeInput(signature: ModelSignature, batch: RecordBatch): RecordBatch {
  const cols = Object.fromEntries(
    signature.inputs.map((f) => [f.name, castColumn(batch.getChild(f.name)!, f, batch.numRows)])
  );
  return new Table(cols).batches[0]!;
}

/**
 * Predict over a stream of input batches: each is checked against the signature (the first
 * failing batch stops the stream with a 400), sliced into runtime calls of `batchRows`, and
 * answered as output batches, row-aligned, in order. An empty input (no rows at all) is a 400:
 * there is nothing to predict. Nulls in a non-nullable input are refused with the column named
 * (see docs/models.md: NaN passes through to the model as the IEEE value it is).
 */
export async function* predictBatches(
  model: LoadedModel,
  signature: ModelSignature,
  input: AsyncIterable<RecordBatch>,
  opts: PredictStreamOptions = {}
): AsyncGenerator<RecordBatch> {
  const batchRows = opts.batchRows ?? PREDICT_BATCH_ROWS;
  const passthrough = opts.passthrough ?? [];
  const outFields = outputFields(signature);
  let outSchema: Schema | undefined;
  let rows = 0;
  let checkedSchema: Schema | undefined;
  for await (const batch of input) {
    opts.signal?.throwIfAborted();
    if (checkedSchema !== batch.schema) {
      checkInput(signature, batch.schema, batch);
      for (const p of passthrough)
        if (!batch.schema.fields.some((f) => f.name === p))
          throw new GenesisError('bad_request', `passthrough column "${p}" is not in the input`);
      checkedSchema = batch.schema;
    } else checkInput(signature, batch.schema, batch);
    if (!outSchema)
      outSchema = new Schema([...outFields, ...passthrough.map((p) => batch.schema.fields.find((f) => f.name === p)!)]);
    for (let start = 0; start < batch.numRows; start += batchRows) {
      const part = batch.numRows > batchRows ? batch.slice(start, start + batchRows) : batch;
      const out = await model.predict(runtimeInput(signature, part), { signal: opts.signal });
      if (out.numRows !== part.numRows)
        throw new GenesisError('internal', `The model answered ${out.numRows} rows for ${part.numRows}`);
      const children: Data[] = [
        ...signature.outputs.map((f) => out.getChild(f.name)!.data[0]!),
        ...passthrough.map((p) => part.getChild(p)!.data[0]!)
      ];
      rows += part.numRows;
      opts.onProgress?.(rows);
      yield new RecordBatch(
        outSchema,
        makeData({ type: new Struct(outSchema.fields), length: part.numRows, nullCount: 0, children })
      );
    }
  }
  if (rows === 0)
    throw new GenesisError('bad_request', 'The input table is empty: there is nothing to predict', {
      hint: `Send at least one row with ${signature.inputs.map((f) => f.name).join(', ')}`
    });
}
