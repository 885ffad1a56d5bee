import { Bool, DataType, makeVector, Table, vectorFromArray, type RecordBatch, type Vector } from 'apache-arrow';
import { GenesisError, type ModelSignature, type SignatureField } from '@genesis-lab/contract';
import type { FeedTensor, OnnxElementType, TensorInfo } from './messages';

/**
 * Arrow columns to ONNX feeds and ONNX results back to Arrow columns, by the signature's tensor
 * bindings. One rule for the main thread (batches posted to the session worker) and the worker
 * itself (IPC decoded there): no Arrow crosses a thread, only typed arrays.
 */

/** ONNX element type of each signature type (`utf8` is ONNX `string`). */
export const ONNX_TYPE: Record<string, OnnxElementType> = {
  bool: 'bool',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  float16: 'float16',
  float32: 'float32',
  float64: 'float64',
  utf8: 'string'
};

/** Which signature columns feed (or come from) each tensor, in index order. */
export function byTensor(fields: readonly SignatureField[]): Map<string, SignatureField[]> {
  const out = new Map<string, SignatureField[]>();
  for (const f of fields) {
    const t = f.tensor ?? f.name;
    out.set(t, [...(out.get(t) ?? []), f]);
  }
  for (const list of out.values()) list.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  return out;
}

/** A copy of a column's values for this batch only: a view into a large IPC body would clone it whole. */
function ownValues(v: Vector, n: number): ArrayBufferView | string[] {
  const data = v.data[0]!;
  const values = data.values as unknown as
    (ArrayBufferView & { length: number; slice(a: number, b: number): ArrayBufferView }) | undefined;
  if (
    v.data.length === 1 &&
    ArrayBuffer.isView(values) &&
    values.length >= n &&
    !DataType.isDictionary(v.type) &&
    !DataType.isBool(v.type) &&
    !DataType.isUtf8(v.type)
  )
    return values.slice(0, n);
  if (DataType.isBool(v.type)) return Uint8Array.from({ length: n }, (_, i) => (v.get(i) ? 1 : 0));
  return Array.from({ length: n }, (_, i) => String(v.get(i)));
}

/** A numeric column's values as they are (a view of this batch's rows), or a copy when it has no plain buffer. */
function viewValues(v: Vector, n: number): ArrayBufferView | string[] {
  const values = v.data[0]!.values as unknown as
    (ArrayBufferView & { length: number; subarray(a: number, b: number): ArrayBufferView }) | undefined;
  if (
    v.data.length === 1 &&
    ArrayBuffer.isView(values) &&
    values.length >= n &&
    !DataType.isDictionary(v.type) &&
    !DataType.isBool(v.type) &&
    !DataType.isUtf8(v.type)
  )
    return values.subarray(0, n);
  return ownValues(v, n);
}

type Typed = ArrayBufferView & { length: number; [i: number]: number | bigint };
const TYPED: Partial<Record<OnnxElementType, new (n: number) => Typed>> = {
  float64: Float64Array as never,
  float32: Float32Array as never,
  int32: Int32Array as never,
  int16: Int16Array as never,
  int8: Int8Array as never,
  uint8: Uint8Array as never,
  uint16: Uint16Array as never,
  uint32: Uint32Array as never,
  int64: BigInt64Array as never,
  uint64: BigUint64Array as never,
  bool: Uint8Array as never
};

/** The feeds of one run: each input tensor from its signature columns (several scalar columns interleave into [n, k]). */
export function feedsOf(
  input: RecordBatch,
  inputs: Map<string, SignatureField[]>,
  graphInputs: readonly TensorInfo[]
): FeedTensor[] {
  const n = input.numRows;
  const feeds: FeedTensor[] = [];
  for (const [name, cols] of inputs) {
    const info = graphInputs.find((t) => t.name === name)!;
    const type = ONNX_TYPE[cols[0]!.type]!;
    let data: ArrayBufferView | string[];
    if (cols.length === 1) data = ownValues(input.getChild(cols[0]!.name)!, n);
    else {
      // Interleaving copies anyway: read the columns where they are.
      const columns = cols.map((c) => viewValues(input.getChild(c.name)!, n));
      const Ctor = TYPED[type];
      if (!Ctor) throw new GenesisError('unprocessable', `tensor "${name}" of ${type} cannot take several columns`);
      const out = new Ctor(n * columns.length);
      const k = columns.length;
      for (let j = 0; j < k; j++) {
        const c = columns[j] as unknown as Typed;
        for (let i = 0; i < n; i++) out[i * k + j] = c[i]!;
      }
      data = out;
    }
    if (type === 'bool' && data instanceof Uint8Array) data = new Uint8Array(data); // booleans travel as bytes
    feeds.push({ name, type, dims: info.shape.length >= 2 ? [n, cols.length] : [n], data });
  }
  return feeds;
}

/** The buffers of typed-array feeds or results, to transfer instead of copy. */
export function transferables(tensors: readonly FeedTensor[]): ArrayBuffer[] {
  return tensors.flatMap((t) =>
    ArrayBuffer.isView(t.data) && t.data.buffer instanceof ArrayBuffer ? [t.data.buffer] : []
  );
}

/** A run's results as a batch of the signature's output columns, in order (a [n, k] tensor splits by index). */
export function batchOf(
  result: readonly FeedTensor[],
  outputs: Map<string, SignatureField[]>,
  signature: ModelSignature,
  n: number
): RecordBatch {
  const columns: Record<string, Vector> = {};
  for (const t of result) {
    const cols = outputs.get(t.name)!;
    const width = t.dims.length >= 2 ? t.dims[t.dims.length - 1]! : 1;
    for (const [j, c] of cols.entries()) {
      const at = c.index ?? j;
      let values = t.data as Typed;
      if (width > 1) {
        const Ctor = TYPED[t.type]!;
        const col = new Ctor(n);
        for (let i = 0; i < n; i++) col[i] = values[i * width + at]!;
        values = col;
      }
      columns[c.name] =
        t.type === 'bool'
          ? vectorFromArray(
              Array.from(values as Uint8Array, (b) => b !== 0),
              new Bool()
            )
          : makeVector(values as never);
    }
  }
  const ordered = Object.fromEntries(signature.outputs.map((f) => [f.name, columns[f.name]!]));
  return new Table(ordered).batches[0]!;
}
