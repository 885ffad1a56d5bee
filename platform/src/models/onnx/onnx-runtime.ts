import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RecordBatch } from 'apache-arrow';
import { GenesisError, type SignatureField } from '@genesis-lab/contract';
import type {
  IpcPredictOptions,
  LoadedModel,
  LoadRequest,
  ModelRuntime,
  ModelRuntimeFactory,
  PredictOptions,
  RuntimeMetadata,
  RuntimeTensor
} from '../runtime';
import type { FeedTensor, FromWorker, TensorInfo, ToWorker, WorkerInit } from './messages';
import { ipcBatches, ipcBytes } from '../ipc';
import { predictBatches } from '../predict';
import { openSession, sessionModel, tensorInfo } from './session-model';
import { batchOf, byTensor, feedsOf, ONNX_TYPE, transferables } from './tensors';

const WORKER_FILE = path.join(__dirname, 'session-worker.js');

/** Tiny calls run on the main thread: a body up to 64 KB, weights up to 1 MB, body/8 x weights bytes within 16 MiB (about 2 ms of work at most). */
const INLINE_MAX_BODY = 64 * 1024;
const INLINE_MAX_WEIGHTS = 1024 * 1024;
const INLINE_MAX_WORK = 16 * 1024 * 1024;
const INLINE_MAX_MS = 5;
const INLINE_SLOW_RUNS = 3;

/** Request bytes per message to the worker, and how many may wait there unread before the socket is paused. */
const IN_CHUNK = 1024 * 1024;
const IN_WINDOW = 8 * 1024 * 1024;

/** Whether a promise settles before the event loop's next turn (more of a body already here, or its end). */
function settlesThisTurn(p: Promise<unknown>): Promise<boolean> {
  return Promise.race([p.then(() => true), new Promise<boolean>((resolve) => setImmediate(() => resolve(false)))]);
}

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
    this.weightsBytes = fs.statSync(init.weightsPath).size;
  }

  private readonly weightsBytes: number;
  /** A session on the main thread for tiny calls, opened at the first one; `false` once one ran too long. */
  private inline: Promise<LoadedModel> | false | undefined;
  private inlineRuns = 0;
  private inlineSlow = 0;

  /**
   * Whether a call is small enough to run on the event loop: two thread hops cost more than the
   * run (on a busy machine a woken thread waits for a core). Judged before decoding, from the
   * body's length and the weights' size (a bound on work per row), and given up for good once
   * INLINE_SLOW_RUNS inline calls in a row took longer than INLINE_MAX_MS.
   */
  private inlineFor(bodyBytes: number | undefined): Promise<LoadedModel> | undefined {
    if (this.inline === false || bodyBytes === undefined || bodyBytes > INLINE_MAX_BODY) return undefined;
    if (this.weightsBytes > INLINE_MAX_WEIGHTS || (bodyBytes / 8) * this.weightsBytes > INLINE_MAX_WORK)
      return undefined;
    if (!this.inline) {
      this.inline = openSession(this.init).then((session) =>
        sessionModel(session, session.inputMetadata.map(tensorInfo), this.req.signature)
      );
      this.inline.catch(() => (this.inline = false));
    }
    return this.inline;
  }

  private async *predictInline(
    model: Promise<LoadedModel>,
    input: AsyncIterable<Uint8Array>,
    options: IpcPredictOptions
  ): AsyncGenerator<Uint8Array> {
    const session = await model; // opening it (the first call) is not the run's time
    // Only the model's own runs are timed: the time the answer waits for the socket is not the event loop's.
    let ran = 0;
    const timed: LoadedModel = {
      ...session,
      predict: async (batch, opts) => {
        const t0 = performance.now();
        try {
          return await session.predict(batch, opts);
        } finally {
          ran += performance.now() - t0;
        }
      }
    };
    yield* ipcBytes(predictBatches(timed, this.req.signature, ipcBatches(input), options));
    // The first run warms up (JIT, the session's own lazy setup); one slow run may be a preemption.
    const slow = ran > INLINE_MAX_MS;
    this.inlineSlow = slow ? this.inlineSlow + 1 : 0;
    if (this.inlineRuns++ > 0 && this.inlineSlow >= INLINE_SLOW_RUNS) this.inline = false;
  }

  predict(input: RecordBatch, options: PredictOptions = {}): Promise<RecordBatch> {
    const run = this.queue.then(() => this.runOne(input, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runOne(input: RecordBatch, { signal }: PredictOptions): Promise<RecordBatch> {
    signal?.throwIfAborted();
    const s = await this.session;
    const feeds = feedsOf(input, this.inputs, s.inputs);
    const id = this.nextId++;
    const transfer = transferables(feeds);
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
        this.restart(s);
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
    return batchOf(result, this.outputs, this.req.signature, input.numRows);
  }

  /**
   * A whole predict in the session's worker: the request's bytes are posted (coalesced, copied
   * out of Node's pooled buffers, transferred), decoded, checked, run and encoded there; the
   * answer's bytes come back transferred. The main thread reads the body only as fast as the
   * worker consumes it and the worker produces only as fast as the consumer takes.
   */
  async *predictIpc(input: AsyncIterable<Uint8Array>, options: IpcPredictOptions): AsyncGenerator<Uint8Array> {
    const { signal } = options;
    signal?.throwIfAborted();
    const inline = this.inlineFor(options.bodyBytes);
    if (inline) return yield* this.predictInline(inline, input, options);
    const s = await this.session;
    const id = this.nextId++;
    const out: Uint8Array[] = [];
    let took = 0;
    let sent = 0;
    let finished = false;
    let failure: Error | undefined;
    // Both the feeder (waiting for `took`) and the reader (waiting for `out`) may be asleep at once.
    let waiting: (() => void)[] = [];
    const notify = () => {
      const all = waiting;
      waiting = [];
      for (const w of all) w();
    };
    const waitFor = () => new Promise<void>((resolve) => waiting.push(resolve));
    const onMessage = (m: FromWorker) => {
      if (!('id' in m) || m.id !== id) return;
      if (m.op === 'out') {
        out.push(m.bytes);
        took = Math.max(took, m.took);
        finished ||= m.done;
      } else if (m.op === 'took') took = Math.max(took, m.took);
      else if (m.op === 'fail')
        failure = new GenesisError(m.error.code, m.error.message, {
          ...(m.error.hint ? { hint: m.error.hint } : {}),
          ...(m.error.issues ? { issues: m.error.issues } : {}),
          ...(m.error.status ? { status: m.error.status } : {})
        });
      else return;
      notify();
    };
    const onError = (err: Error) => {
      failure = new GenesisError('internal', `The onnx session worker died: ${err.message}`);
      notify();
    };
    const onExit = () => {
      failure ??= new GenesisError('unavailable', 'The model session stopped (restarted after a canceled call)');
      notify();
    };
    const onAbort = () => {
      // A run inside onnxruntime cannot be interrupted: end its thread, start a fresh session on next use.
      this.restart(s);
      failure =
        signal!.reason instanceof Error ? signal!.reason : new GenesisError('unavailable', 'Prediction canceled');
      notify();
    };
    s.worker.on('message', onMessage);
    s.worker.on('error', onError);
    s.worker.on('exit', onExit);
    signal?.addEventListener('abort', onAbort, { once: true });
    const post = (m: ToWorker, transfer: ArrayBuffer[] = []) => s.worker.postMessage(m, transfer);
    let opened = false;
    const send = (bytes: Uint8Array | undefined, end: boolean) => {
      const transfer = bytes ? [bytes.buffer as ArrayBuffer] : [];
      if (bytes) sent += bytes.byteLength;
      if (opened) post({ op: 'in', id, ...(bytes ? { bytes } : {}), end }, transfer);
      else
        post(
          {
            op: 'open',
            id,
            signature: this.req.signature,
            ...(options.batchRows ? { batchRows: options.batchRows } : {}),
            passthrough: [...(options.passthrough ?? [])],
            ...(bytes ? { bytes } : {}),
            end
          },
          transfer
        );
      opened = true;
    };
    const feeding = (async () => {
      const pending: Uint8Array[] = [];
      let pendingBytes = 0;
      /** The chunks so far in one buffer of its own (Node's may be views into a shared pool). */
      const gather = (): Uint8Array | undefined => {
        if (!pendingBytes) return undefined;
        const bytes = new Uint8Array(pendingBytes);
        let at = 0;
        for (const c of pending) {
          bytes.set(c, at);
          at += c.byteLength;
        }
        pending.length = 0;
        pendingBytes = 0;
        return bytes;
      };
      const it = input[Symbol.asyncIterator]();
      let next = it.next();
      for (;;) {
        const r = await next;
        if (r.done) break;
        if (failure || finished) {
          await it.return?.();
          return;
        }
        pending.push(r.value);
        pendingBytes += r.value.byteLength;
        next = it.next();
        // One message per megabyte, or what came in this turn of the loop once nothing more does
        // (a small body and its end go in the one message that opens the call).
        if (pendingBytes >= IN_CHUNK || !(await settlesThisTurn(next))) send(gather(), false);
        while (sent - took > IN_WINDOW && !failure && !finished) await waitFor();
      }
      send(gather(), true);
    })();
    feeding.catch((err: Error) => {
      failure ??= new GenesisError('bad_request', `The request body could not be read: ${err.message}`);
      notify();
    });
    try {
      for (;;) {
        const next = out.shift();
        if (next) {
          post({ op: 'ack', id, bytes: next.byteLength });
          yield next;
        } else if (failure) throw failure;
        else if (finished) return;
        else await waitFor();
      }
    } finally {
      s.worker.off('message', onMessage);
      s.worker.off('error', onError);
      s.worker.off('exit', onExit);
      signal?.removeEventListener('abort', onAbort);
      // Stopped early (the client went away, the consumer broke off): the worker's run must not go on.
      if (!finished && !failure) this.restart(s);
    }
  }

  /** End a session's thread (a run in it cannot be interrupted) and start a fresh one for the next call. */
  private restart(s: Session): void {
    void s.worker.terminate();
    this.session = startSession(this.init);
    this.session.catch(() => undefined);
  }

  async dispose(): Promise<void> {
    if (this.inline) await (await this.inline.catch(() => undefined))?.dispose();
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
