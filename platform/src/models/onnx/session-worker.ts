import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { FeedTensor, FromWorker, TensorInfo, ToWorker, WorkerInit } from './messages';

/**
 * One onnxruntime InferenceSession in a worker thread, so a model's compute never runs on the
 * platform's event loop. It answers `ready` with the graph's tensors (or `failed`: not ONNX),
 * then one `result` per `run`, transferring the output buffers instead of copying them.
 */
const init = workerData as WorkerInit;
const port = parentPort!;

function infoOf(m: ort.InferenceSession.ValueMetadata): TensorInfo {
  if (!m.isTensor) return { name: m.name, type: 'non-tensor', shape: [] };
  return { name: m.name, type: m.type, shape: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)) };
}

async function main(): Promise<void> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(init.weightsPath, {
      graphOptimizationLevel: init.graphOptimization,
      // The platform's worker threads are the parallelism; keep each session to one inter-op thread.
      executionMode: 'sequential'
    });
  } catch (err) {
    port.postMessage({ op: 'failed', message: (err as Error).message } satisfies FromWorker);
    return;
  }
  port.postMessage({
    op: 'ready',
    inputs: session.inputMetadata.map(infoOf),
    outputs: session.outputMetadata.map(infoOf)
  } satisfies FromWorker);

  port.on('message', (msg: ToWorker) => {
    void (async () => {
      try {
        const feeds: Record<string, ort.Tensor> = {};
        for (const f of msg.feeds) feeds[f.name] = new ort.Tensor(f.type, f.data as never, f.dims);
        const out = await session.run(feeds, msg.outputs);
        const tensors: FeedTensor[] = msg.outputs.map((name) => {
          const t = out[name]!;
          return { name, type: t.type as FeedTensor['type'], dims: [...t.dims], data: t.data as FeedTensor['data'] };
        });
        const transfer = tensors.flatMap((t) =>
          ArrayBuffer.isView(t.data) && t.data.buffer instanceof ArrayBuffer ? [t.data.buffer] : []
        );
        port.postMessage({ op: 'result', id: msg.id, tensors } satisfies FromWorker, transfer);
      } catch (err) {
        port.postMessage({ op: 'error', id: msg.id, message: (err as Error).message } satisfies FromWorker);
      }
    })();
  });
}

void main();
