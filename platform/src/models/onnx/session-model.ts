import * as ort from 'onnxruntime-node';
import type { RecordBatch } from 'apache-arrow';
import type { ModelSignature } from '@genesis-lab/contract';
import type { LoadedModel } from '../runtime';
import type { FeedTensor, TensorInfo, WorkerInit } from './messages';
import { batchOf, byTensor, feedsOf } from './tensors';

/** An onnxruntime session as the runtime opens it, in whichever thread holds it. */
export function openSession(init: WorkerInit): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(init.weightsPath, {
    graphOptimizationLevel: init.graphOptimization,
    // The platform's worker threads are the parallelism; keep each session to one inter-op thread.
    executionMode: 'sequential'
  });
}

export function tensorInfo(m: ort.InferenceSession.ValueMetadata): TensorInfo {
  if (!m.isTensor) return { name: m.name, type: 'non-tensor', shape: [] };
  return { name: m.name, type: m.type, shape: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)) };
}

/** One run of the session on typed-array feeds. */
export async function runFeeds(
  session: ort.InferenceSession,
  feeds: FeedTensor[],
  outputs: string[]
): Promise<FeedTensor[]> {
  const input: Record<string, ort.Tensor> = {};
  for (const f of feeds) input[f.name] = new ort.Tensor(f.type, f.data as never, f.dims);
  const out = await session.run(input, outputs);
  return outputs.map((name) => {
    const t = out[name]!;
    return { name, type: t.type as FeedTensor['type'], dims: [...t.dims], data: t.data as FeedTensor['data'] };
  });
}

/** The session as the predict pipeline's model, run in the calling thread (no hop per batch). */
export function sessionModel(
  session: ort.InferenceSession,
  graphInputs: readonly TensorInfo[],
  signature: ModelSignature
): LoadedModel {
  const inputs = byTensor(signature.inputs);
  const outputs = byTensor(signature.outputs);
  return {
    metadata: { runtime: 'onnx', inputs: [], outputs: [] },
    async predict(batch: RecordBatch): Promise<RecordBatch> {
      const result = await runFeeds(session, feedsOf(batch, inputs, graphInputs), [...outputs.keys()]);
      return batchOf(result, outputs, signature, batch.numRows);
    },
    dispose: () => session.release()
  };
}
