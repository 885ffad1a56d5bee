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

export type ToWorker = { op: 'run'; id: number; feeds: FeedTensor[]; outputs: string[] };

export type FromWorker =
  | { op: 'ready'; inputs: TensorInfo[]; outputs: TensorInfo[]; producer?: string }
  | { op: 'failed'; message: string }
  | { op: 'result'; id: number; tensors: FeedTensor[] }
  | { op: 'error'; id: number; message: string };
