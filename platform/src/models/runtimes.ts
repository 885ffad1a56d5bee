import { GenesisError, type ModelRuntimeKind } from '@genesis-lab/contract';
import { onnxRuntime } from './onnx/onnx-runtime';
import type { ModelRuntime, ModelRuntimeFactory, RuntimeContext } from './runtime';
import { oipRuntimeFactory } from './runtimes/oip';

/**
 * The runtimes a platform offers, by the kind a model version names. Adding a runtime is one
 * line here (and its file); the model service looks runtimes up by kind and knows none of them.
 */
export const runtimeFactories: Partial<Record<ModelRuntimeKind, ModelRuntimeFactory>> = {
  onnx: onnxRuntime,
  oip: oipRuntimeFactory
};

/** Creates each runtime on first use and closes them all at stop. */
export class RuntimeSet {
  private readonly made = new Map<ModelRuntimeKind, ModelRuntime>();

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly factories: Partial<Record<ModelRuntimeKind, ModelRuntimeFactory>> = runtimeFactories
  ) {}

  get(kind: ModelRuntimeKind): ModelRuntime {
    const have = this.made.get(kind);
    if (have) return have;
    const factory = this.factories[kind];
    if (!factory)
      throw new GenesisError('unprocessable', `This platform has no "${kind}" model runtime`, {
        hint: `Runtimes here: ${Object.keys(this.factories).join(', ') || 'none'}`
      });
    const runtime = factory(this.ctx);
    this.made.set(kind, runtime);
    return runtime;
  }

  async close(): Promise<void> {
    const all = [...this.made.values()];
    this.made.clear();
    await Promise.all(all.map((r) => r.close()));
  }
}
