import type { RecordBatch } from 'apache-arrow';
import type { ModelRuntimeKind, ModelRuntimeSpec, ModelSignature, ModelVersion } from '@genesis-lab/contract';
import type { FastifyBaseLogger } from 'fastify';
import type { PlatformConfig } from '../config';
import type { Home } from '../home';

/**
 * What a model runtime implements. The model service owns everything around it (the registry,
 * the signature check, batching, streaming, lineage headers): a runtime only turns one record
 * batch of checked input columns into one record batch of output columns. Adding a runtime is a
 * new file implementing `ModelRuntime` and one entry in `./runtimes.ts`; no caller changes.
 *
 * Contract between the service and a runtime:
 * - `predict` receives a batch whose columns are exactly the signature's inputs, in signature
 *   order, already cast to the signature types (the service checked and cast them), with at
 *   least one row. It answers a batch with the signature's outputs, in order, of the same length.
 * - `predict` must not block the platform's event loop for long (the onnx runtime runs in a
 *   worker thread; a remote runtime awaits I/O) and must stop soon after `signal` aborts,
 *   rejecting with the signal's reason.
 * - Errors are `GenesisError`s (the contract's) with a message a scientist can act on; a runtime
 *   never answers a 5xx for bad input.
 */

/** A tensor as the runtime itself describes it (ONNX graph inputs, OIP model metadata). */
export interface RuntimeTensor {
  name: string;
  /** Element type in the contract's signature type names (`float64`, `int64`, `utf8`, ...), or the runtime's own name when it has no equivalent. */
  type: string;
  /** Dimensions; `-1` for a dynamic one (the batch axis). */
  shape: number[];
}

/** What a loaded model says about itself, checked against the signature at publish and load. */
export interface RuntimeMetadata {
  runtime: ModelRuntimeKind;
  inputs: RuntimeTensor[];
  outputs: RuntimeTensor[];
  /** Free-form facts worth showing (producer, opset, server version). */
  details?: Record<string, string>;
}

/** The version to load: its spec, signature and, for runtimes that run stored weights, their path. */
export interface LoadRequest {
  id: string;
  version: ModelVersion['version'];
  sha256: string;
  runtime: ModelRuntimeSpec;
  signature: ModelSignature;
  /** The content-addressed weights file under the home (absent for purely remote runtimes). */
  weightsPath?: string;
}

export interface PredictOptions {
  signal?: AbortSignal;
}

export interface IpcPredictOptions extends PredictOptions {
  batchRows?: number;
  passthrough?: readonly string[];
  /** The body's length when the request declared it (a small call may be run differently); absent when streamed. */
  bodyBytes?: number;
}

/** A loaded version, ready to predict. Owned by the model service, which disposes it. */
export interface LoadedModel {
  readonly metadata: RuntimeMetadata;
  predict(input: RecordBatch, options?: PredictOptions): Promise<RecordBatch>;
  /**
   * Optional: a whole predict as Arrow IPC stream bytes in and out, run off the event loop by the
   * runtime itself (the onnx runtime decodes, checks with the same predict pipeline, runs and
   * encodes in its session worker). Refusals of the input are thrown by the first `next()`.
   * Without it the model service decodes and encodes on the main thread around `predict`.
   */
  predictIpc?(input: AsyncIterable<Uint8Array>, options: IpcPredictOptions): AsyncGenerator<Uint8Array>;
  dispose(): Promise<void>;
}

export interface ModelRuntime {
  readonly kind: ModelRuntimeKind;
  /**
   * Check at publish time that `request` can run: the weights parse, the runtime's tensors fit the
   * signature (names, element types). Throws `GenesisError('unprocessable', ...)` naming what is
   * wrong; answers the metadata when it fits. Nothing is kept loaded.
   */
  inspect(request: LoadRequest): Promise<RuntimeMetadata>;
  load(request: LoadRequest): Promise<LoadedModel>;
  /** Release shared resources (worker pools, connections) when the platform stops. */
  close(): Promise<void>;
}

/** What a runtime factory gets from the platform. */
export interface RuntimeContext {
  home: Home;
  config: PlatformConfig;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
}

export type ModelRuntimeFactory = (ctx: RuntimeContext) => ModelRuntime;
