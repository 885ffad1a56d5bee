import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Bool, DataType, makeVector, Table, vectorFromArray, type RecordBatch, type Vector } from 'apache-arrow';
import { GenesisError, type SignatureField } from '@genesis-lab/contract';
import type {
  LoadedModel,
  LoadRequest,
  ModelRuntime,
  ModelRuntimeFactory,
  PredictOptions,
  RuntimeMetadata,
  RuntimeTensor
} from '../runtime';
import type { FeedTensor, FromWorker, OnnxElementType, TensorInfo, ToWorker, WorkerInit } from './messages';

/** ONNX element type of each signature type (`utf8` is ONNX `string`). */
const ONNX_TYPE: Record<string, OnnxElementType> = {
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

const WORKER_FILE = path.join(__dirname, 'session-worker.js');

/** A session worker that has answered `ready`. */
interface Session {
  worker: Worker;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

function startSession(init: WorkerInit): Promise<Session> {
  const worker = new Worker(WORKER_FILE, { workerData: init });
  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      void worker.terminate();
      reject(
        new GenesisError('unprocessable', `The weights are not a model onnxruntime can load: ${message}`, {
          hint: 'Export the model to ONNX (e.g. skl2onnx for scikit-learn) and register the .onnx file'
        })
      );
    };
    worker.once('error', (err) => fail(err.message));
    worker.once('message', (m: FromWorker) => {
      if (m.op === 'ready') resolve({ worker, inputs: m.inputs, outputs: m.outputs });
      else fail(m.op === 'failed' || m.op === 'error' ? m.message : 'unexpected worker message');
    });
  });
}

/** Which signature columns feed (or come from) each tensor, in index order. */
function byTensor(fields: readonly SignatureField[]): Map<string, SignatureField[]> {
  const out = new Map<string, SignatureField[]>();
  for (const f of fields) {
    const t = f.tensor ?? f.name;
    out.set(t, [...(out.get(t) ?? []), f]);
  }
  for (const list of out.values()) list.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  return out;
}

/** The graph's tensors must be the signature's: names, element types, widths. Answers each mismatch. */
function mismatches(req: LoadRequest, s: Pick<Session, 'inputs' | 'outputs'>): string[] {
  const problems: string[] = [];
  const check = (side: 'input' | 'output', fields: readonly SignatureField[], graph: TensorInfo[]) => {
    const tensors = byTensor(fields);
    for (const [name, cols] of tensors) {
      const t = graph.find((g) => g.name === name);
      if (!t) {
        problems.push(
          `the signature's ${side} "${cols[0]!.name}" needs graph ${side} tensor "${name}", but the graph's ${side}s are ${graph
            .map((g) => `"${g.name}"`)
            .join(', ')} (set "tensor" in the signature)`
        );
        continue;
      }
      for (const c of cols) {
        if (ONNX_TYPE[c.type] !== t.type)
          problems.push(`${side} "${c.name}" is ${c.type} in the signature, but tensor "${name}" is ${t.type}`);
        if (c.shape.length > 0) problems.push(`${side} "${c.name}": the onnx runtime takes scalar columns (shape [])`);
      }
      const width = t.shape.length >= 2 ? t.shape[t.shape.length - 1]! : 1;
      if (t.shape.length > 2)
        problems.push(`tensor "${name}" has rank ${t.shape.length}; the onnx runtime feeds rank 1 or 2`);
      if (width > 0 && width !== cols.length)
        problems.push(`tensor "${name}" takes ${width} column(s) per row, the signature binds ${cols.length}`);
    }
    if (side === 'input')
      for (const g of graph)
        if (!tensors.has(g.name)) problems.push(`graph input "${g.name}" is not fed by any signature input`);
  };
  check('input', req.signature.inputs, s.inputs);
  check('output', req.signature.outputs, s.outputs);
  return problems;
}

function metadataOf(s: Session): RuntimeMetadata {
  const t = (x: TensorInfo): RuntimeTensor => ({
    name: x.name,
    type: x.type === 'string' ? 'utf8' : x.type,
    shape: x.shape
  });
  return { runtime: 'onnx', inputs: s.inputs.map(t), outputs: s.outputs.map(t) };
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

class OnnxModel implements LoadedModel {
  private session: Promise<Session>;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  readonly metadata: RuntimeMetadata;
  private readonly inputs: Map<string, SignatureField[]>;
  private readonly outputs: Map<string, SignatureField[]>;

  constructor(
    private readonly req: LoadRequest,
    private readonly init: WorkerInit,
    first: Session
  ) {
    this.session = Promise.resolve(first);
    this.metadata = metadataOf(first);
    this.inputs = byTensor(req.signature.inputs);
    this.outputs = byTensor(req.signature.outputs);
  }

  predict(input: RecordBatch, options: PredictOptions = {}): Promise<RecordBatch> {
    const run = this.queue.then(() => this.runOne(input, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runOne(input: RecordBatch, { signal }: PredictOptions): Promise<RecordBatch> {
    signal?.throwIfAborted();
    const s = await this.session;
    const n = input.numRows;
    const feeds: FeedTensor[] = [];
    for (const [name, cols] of this.inputs) {
      const info = s.inputs.find((t) => t.name === name)!;
      const type = ONNX_TYPE[cols[0]!.type]!;
      const columns = cols.map((c) => ownValues(input.getChild(c.name)!, n));
      let data: ArrayBufferView | string[];
      if (columns.length === 1) data = columns[0]!;
      else {
        const Ctor = TYPED[type];
        if (!Ctor) throw new GenesisError('unprocessable', `tensor "${name}" of ${type} cannot take several columns`);
        const out = new Ctor(n * columns.length);
        columns.forEach((col, j) => {
          const c = col as unknown as Typed;
          for (let i = 0; i < n; i++) out[i * columns.length + j] = c[i]!;
        });
        data = out;
      }
      if (type === 'bool' && data instanceof Uint8Array) data = new Uint8Array(data); // booleans travel as bytes
      feeds.push({ name, type, dims: info.shape.length >= 2 ? [n, columns.length] : [n], data });
    }
    const id = this.nextId++;
    const transfer = feeds.flatMap((f) => (ArrayBuffer.isView(f.data) ? [f.data.buffer as ArrayBuffer] : []));
    const result = await new Promise<FeedTensor[]>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if ((m.op === 'result' || m.op === 'error') && m.id === id) {
          cleanup();
          if (m.op === 'result') resolve(m.tensors);
          else reject(new GenesisError('unprocessable', `The model failed on this input: ${m.message}`));
        }
      };
      const onError = (err: Error) => {
        cleanup();
        reject(new GenesisError('internal', `The onnx session worker died: ${err.message}`));
      };
      const onAbort = () => {
        cleanup();
        // A run inside onnxruntime cannot be interrupted: end its thread, start a fresh session on next use.
        void s.worker.terminate();
        this.session = startSession(this.init);
        this.session.catch(() => undefined);
        reject(
          signal!.reason instanceof Error ? signal!.reason : new GenesisError('unavailable', 'Prediction canceled')
        );
      };
      const cleanup = () => {
        s.worker.off('message', onMessage);
        s.worker.off('error', onError);
        signal?.removeEventListener('abort', onAbort);
      };
      s.worker.on('message', onMessage);
      s.worker.on('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
      s.worker.postMessage({ op: 'run', id, feeds, outputs: [...this.outputs.keys()] } satisfies ToWorker, transfer);
    });
    const columns: Record<string, Vector> = {};
    for (const t of result) {
      const cols = this.outputs.get(t.name)!;
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
    const ordered = Object.fromEntries(this.req.signature.outputs.map((f) => [f.name, columns[f.name]!]));
    return new Table(ordered).batches[0]!;
  }

  async dispose(): Promise<void> {
    const s = await this.session.catch(() => undefined);
    await s?.worker.terminate();
  }
}

/** The `onnx` runtime: stored ONNX weights run by onnxruntime-node, one worker thread per loaded version. */
class OnnxRuntime implements ModelRuntime {
  readonly kind = 'onnx' as const;
  private readonly loaded = new Set<OnnxModel>();

  private initOf(req: LoadRequest): WorkerInit {
    if (req.runtime.kind !== 'onnx') throw new Error(`onnx runtime asked to load a ${req.runtime.kind} version`);
    if (!req.weightsPath) throw new GenesisError('internal', `${req.id}@${req.version} has no weights file`);
    return { weightsPath: req.weightsPath, graphOptimization: req.runtime.graphOptimization };
  }

  async inspect(req: LoadRequest): Promise<RuntimeMetadata> {
    const s = await startSession(this.initOf(req));
    try {
      const problems = mismatches(req, s);
      if (problems.length)
        throw new GenesisError('unprocessable', `The signature does not fit the ONNX graph: ${problems.join('; ')}`, {
          issues: problems.map((message) => ({ path: 'signature', message }))
        });
      return metadataOf(s);
    } finally {
      await s.worker.terminate();
    }
  }

  async load(req: LoadRequest): Promise<LoadedModel> {
    const init = this.initOf(req);
    const s = await startSession(init);
    const problems = mismatches(req, s);
    if (problems.length) {
      await s.worker.terminate();
      throw new GenesisError('unprocessable', `The signature does not fit the ONNX graph: ${problems.join('; ')}`);
    }
    const model = new OnnxModel(req, init, s);
    this.loaded.add(model);
    const dispose = model.dispose.bind(model);
    model.dispose = async () => {
      this.loaded.delete(model);
      await dispose();
    };
    return model;
  }

  async close(): Promise<void> {
    await Promise.all([...this.loaded].map((m) => m.dispose()));
  }
}

export const onnxRuntime: ModelRuntimeFactory = () => new OnnxRuntime();
