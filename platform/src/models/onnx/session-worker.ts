import { parentPort, workerData } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { GenesisError } from '@genesis-lab/contract';
import { ipcBatches, ipcChunks } from '../ipc';
import { predictBatches } from '../predict';
import type { FromWorker, TensorInfo, ToWorker, WorkerError, WorkerInit } from './messages';
import { openSession, runFeeds, sessionModel, tensorInfo } from './session-model';
import { transferables } from './tensors';

/**
 * One onnxruntime InferenceSession in a worker thread, so a model's compute never runs on the
 * platform's event loop. It answers `ready` with the graph's tensors (or `failed`: not ONNX),
 * then one `result` per `run`, transferring the output buffers instead of copying them. A whole
 * predict (`open`..`end`) is decoded from Arrow IPC, checked, run and encoded here too, so the
 * main thread only moves bytes between the socket and this thread.
 */
const init = workerData as WorkerInit;
const port = parentPort!;

/** Output bytes passed to the main thread and not yet acknowledged, per stream, before the run waits. */
const OUT_WINDOW = 8 * 1024 * 1024;
/** Request bytes the main thread sends ahead before it waits for `took` (onnx-runtime.ts's IN_WINDOW). */
const IN_WINDOW = 8 * 1024 * 1024;

/**
 * Bytes pushed by the main thread, read by the IPC decoder. `took` counts what was consumed; it is
 * told alone only when the main thread may be holding the request back for it (more than its
 * window unconsumed), otherwise it rides on the next `out`.
 */
class Inbox implements AsyncIterable<Uint8Array> {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private wake?: () => void;
  private received = 0;
  took = 0;
  private told = 0;

  constructor(private readonly id: number) {}

  push(bytes: Uint8Array | undefined, end: boolean): void {
    if (bytes?.byteLength) {
      this.chunks.push(bytes);
      this.received += bytes.byteLength;
    }
    if (end) this.ended = true;
    this.wake?.();
    this.wake = undefined;
  }

  /** The consumed count, as the main thread will now know it. */
  tell(): number {
    this.told = this.took;
    return this.took;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const next = this.chunks.shift();
      if (next) {
        this.took += next.byteLength;
        if (this.received - this.told > IN_WINDOW)
          port.postMessage({ op: 'took', id: this.id, took: this.tell() } satisfies FromWorker);
        yield next;
      } else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

interface Stream {
  inbox: Inbox;
  unacked: number;
  acked?: () => void;
}

/** A buffer of its own (not a view into a batch or Node's pool), so it can be transferred. */
function owned(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer)
    return bytes;
  return new Uint8Array(bytes);
}

function workerError(err: unknown): WorkerError {
  if (err instanceof GenesisError)
    return {
      code: err.code,
      message: err.message,
      status: err.status,
      ...(err.hint ? { hint: err.hint } : {}),
      ...(err.issues ? { issues: err.issues } : {})
    };
  return { code: 'unprocessable', message: `The model failed on this input: ${(err as Error).message}` };
}

async function runStream(
  session: ort.InferenceSession,
  graphInputs: TensorInfo[],
  msg: Extract<ToWorker, { op: 'open' }>,
  stream: Stream
): Promise<void> {
  const model = sessionModel(session, graphInputs, msg.signature);
  const batches = predictBatches(model, msg.signature, ipcBatches(stream.inbox), {
    ...(msg.batchRows ? { batchRows: msg.batchRows } : {}),
    passthrough: msg.passthrough
  });
  for await (const chunk of ipcChunks(batches)) {
    const bytes = owned(chunk.bytes);
    stream.unacked += bytes.byteLength;
    port.postMessage(
      { op: 'out', id: msg.id, bytes, took: stream.inbox.tell(), done: chunk.last } satisfies FromWorker,
      [bytes.buffer as ArrayBuffer]
    );
    if (chunk.last) return;
    // A slow client holds the model back: wait while too much output is still on its way to the socket.
    while (stream.unacked > OUT_WINDOW) await new Promise<void>((resolve) => (stream.acked = resolve));
  }
}

async function main(): Promise<void> {
  let session: ort.InferenceSession;
  try {
    session = await openSession(init);
  } catch (err) {
    port.postMessage({ op: 'failed', message: (err as Error).message } satisfies FromWorker);
    return;
  }
  const graphInputs = session.inputMetadata.map(tensorInfo);
  port.postMessage({
    op: 'ready',
    inputs: graphInputs,
    outputs: session.outputMetadata.map(tensorInfo)
  } satisfies FromWorker);

  const streams = new Map<number, Stream>();
  port.on('message', (msg: ToWorker) => {
    switch (msg.op) {
      case 'run':
        void runFeeds(session, msg.feeds, msg.outputs).then(
          (tensors) =>
            port.postMessage({ op: 'result', id: msg.id, tensors } satisfies FromWorker, transferables(tensors)),
          (err: Error) => port.postMessage({ op: 'error', id: msg.id, message: err.message } satisfies FromWorker)
        );
        return;
      case 'open': {
        const stream: Stream = { inbox: new Inbox(msg.id), unacked: 0 };
        stream.inbox.push(msg.bytes, msg.end);
        streams.set(msg.id, stream);
        void runStream(session, graphInputs, msg, stream)
          .catch((err: unknown) =>
            port.postMessage({ op: 'fail', id: msg.id, error: workerError(err) } satisfies FromWorker)
          )
          .finally(() => streams.delete(msg.id));
        return;
      }
      case 'in':
        streams.get(msg.id)?.inbox.push(msg.bytes, msg.end);
        return;
      case 'ack': {
        const s = streams.get(msg.id);
        if (!s) return;
        s.unacked -= msg.bytes;
        s.acked?.();
        s.acked = undefined;
      }
    }
  });
}

void main();
