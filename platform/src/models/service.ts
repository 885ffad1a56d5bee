import type { RecordBatch } from 'apache-arrow';
import type { Principal, VersionSelector } from '@genesis-lab/contract';
import { ServiceKey } from '../services';
import { ipcBatches, ipcBytes } from './ipc';
import { predictBatches, type PredictStreamOptions } from './predict';
import type { ModelRegistry, ResolvedModel } from './registry';
import type { IpcPredictOptions, LoadedModel } from './runtime';
import type { RuntimeSet } from './runtimes';

/** Loaded versions kept warm (each onnx version holds a worker thread and its session). */
const MAX_LOADED = 4;

export interface IpcPrediction {
  resolved: ResolvedModel;
  /** The answer as Arrow IPC stream bytes; a refused input is thrown by the first `next()`, before any byte. */
  bytes: AsyncGenerator<Uint8Array>;
}

export interface Prediction {
  resolved: ResolvedModel;
  /** Output batches, row-aligned with the input; errors in the input surface while iterating. */
  batches: AsyncGenerator<RecordBatch>;
}

/**
 * Models as the platform's modules and routes use them: the registry for records, and predict,
 * which resolves a version, loads it through its runtime (kept warm, least recently used out)
 * and streams batches through it. No runtime is named here: they come from the RuntimeSet.
 */
export class ModelService {
  private readonly loaded = new Map<string, Promise<LoadedModel>>();

  constructor(
    readonly registry: ModelRegistry,
    private readonly runtimes: RuntimeSet
  ) {}

  async load(resolved: ResolvedModel): Promise<LoadedModel> {
    const key = `${resolved.record.id}@${resolved.version.version}`;
    let model = this.loaded.get(key);
    if (model) {
      this.loaded.delete(key);
      this.loaded.set(key, model);
      return model;
    }
    const v = resolved.version;
    model = this.runtimes.get(v.runtime.kind).load({
      id: resolved.record.id,
      version: v.version,
      sha256: v.sha256,
      runtime: v.runtime,
      signature: v.signature,
      weightsPath: resolved.weightsPath
    });
    this.loaded.set(key, model);
    model.catch(() => this.loaded.delete(key));
    while (this.loaded.size > MAX_LOADED) {
      const [oldest, evicted] = this.loaded.entries().next().value!;
      this.loaded.delete(oldest);
      void evicted.then((m: LoadedModel) => m.dispose()).catch(() => undefined);
    }
    return model;
  }

  async predict(
    id: string,
    selector: VersionSelector,
    principal: Principal,
    input: AsyncIterable<RecordBatch>,
    opts: PredictStreamOptions = {}
  ): Promise<Prediction> {
    const resolved = this.registry.resolve(id, selector, principal);
    const model = await this.load(resolved);
    return { resolved, batches: predictBatches(model, resolved.version.signature, input, opts) };
  }

  /**
   * Predict from Arrow IPC bytes to Arrow IPC bytes (the HTTP route): off the event loop when the
   * runtime can (`predictIpc`: the onnx runtime's worker), otherwise decoded and encoded here.
   */
  async predictIpc(
    id: string,
    selector: VersionSelector,
    principal: Principal,
    body: AsyncIterable<Uint8Array>,
    opts: IpcPredictOptions = {}
  ): Promise<IpcPrediction> {
    const resolved = this.registry.resolve(id, selector, principal);
    const model = await this.load(resolved);
    const bytes = model.predictIpc
      ? model.predictIpc(body, opts)
      : ipcBytes(predictBatches(model, resolved.version.signature, ipcBatches(body), opts));
    return { resolved, bytes };
  }

  async close(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.all(all.map((m) => m.then((x) => x.dispose()).catch(() => undefined)));
    await this.runtimes.close();
  }
}

export const MODEL_SERVICE = new ServiceKey<ModelService>('models');
