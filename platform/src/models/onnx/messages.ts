import type { ErrorCode, ErrorIssue, ModelSignature } from '@genesis-lab/contract';

/** Messages between the onnx runtime (main thread) and its session worker: typed arrays, no Arrow. */

/** ONNX element types the runtime feeds and reads (onnxruntime's Tensor.Type names). */
export type OnnxElementType =
  | 'float32'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string'
  | 'float16';

export interface TensorInfo {
  name: string;
  type: string;
  /** -1 for dynamic or symbolic dimensions. */
  shape: number[];
}

export interface WorkerInit {
  weightsPath: string;
  graphOptimization: 'disabled' | 'basic' | 'extended' | 'all';
}

export interface FeedTensor {
  name: string;
  type: OnnxElementType;
  dims: number[];
  data: ArrayBufferView | string[];
}

/**
 * `run`: one batch's feeds, answered by `result`. `open` then `in`s: a whole predict as Arrow IPC
 * bytes (the first bytes ride with `open`, `end` with the last), decoded, checked, run and encoded
 * in the worker. The answer comes as `out` chunks (the last says `done`), each answered by `ack`
 * once the main thread has passed it on. `took` (also carried by each `out`) counts the request
 * bytes consumed, so the main thread reads the request only as fast as the model goes; the worker
 * sends it alone only when the main thread may be waiting for it. Few messages per call: each
 * one wakes a thread, which costs most on a busy machine.
 */
export type ToWorker =
  | { op: 'run'; id: number; feeds: FeedTensor[]; outputs: string[] }
  | {
      op: 'open';
      id: number;
      signature: ModelSignature;
      batchRows?: number;
      passthrough: string[];
      bytes?: Uint8Array;
      end: boolean;
    }
  | { op: 'in'; id: number; bytes?: Uint8Array; end: boolean }
  | { op: 'ack'; id: number; bytes: number };

/** A GenesisError as it crosses the thread boundary. */
export interface WorkerError {
  code: ErrorCode;
  message: string;
  status?: number;
  hint?: string;
  issues?: ErrorIssue[];
}

export type FromWorker =
  | { op: 'ready'; inputs: TensorInfo[]; outputs: TensorInfo[]; producer?: string }
  | { op: 'failed'; message: string }
  | { op: 'result'; id: number; tensors: FeedTensor[] }
  | { op: 'error'; id: number; message: string }
  | { op: 'took'; id: number; took: number }
  | { op: 'out'; id: number; bytes: Uint8Array; took: number; done: boolean }
  | { op: 'fail'; id: number; error: WorkerError };
