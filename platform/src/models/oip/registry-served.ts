import { LATEST, type ModelVersion, type Principal } from '@genesis-lab/contract';
import type { LoadedModel } from '../runtime';
import type { RuntimeSet } from '../runtimes';
import type { ServedModels, ServedVersion } from './serve';

/** The registry reads the /v2 routes use (the model registry's own resolution and access rule). */
export interface RegistryReads {
  versions(id: string, principal: Principal): { versions: readonly Pick<ModelVersion, 'version'>[] };
  resolve(
    id: string,
    selector: string,
    principal: Principal
  ): { record: { id: string }; version: ModelVersion; weightsPath: string };
}

interface Resolved extends ServedVersion {
  model: ModelVersion;
  weightsPath: string;
}

/**
 * Registered models as the /v2 routes serve them: resolution, 404s with suggestions and access
 * through the registry; each version's runtime loaded once (by weights digest) and kept until the
 * platform stops.
 */
export class RegistryServedModels implements ServedModels {
  private readonly loaded = new Map<string, Promise<LoadedModel>>();

  constructor(
    private readonly registry: RegistryReads,
    private readonly runtimes: RuntimeSet
  ) {}

  async versions(id: string, principal: Principal): Promise<string[]> {
    return this.registry.versions(id, principal).versions.map((v) => v.version);
  }

  async version(id: string, version: string | undefined, principal: Principal): Promise<Resolved> {
    const r = this.registry.resolve(id, version ?? LATEST, principal);
    return {
      id: r.record.id,
      version: r.version.version,
      runtime: r.version.runtime.kind,
      signature: r.version.signature,
      model: r.version,
      weightsPath: r.weightsPath
    };
  }

  async ready(v: ServedVersion): Promise<boolean> {
    await this.load(v as Resolved);
    return true;
  }

  async predict(v: ServedVersion, batch: Parameters<LoadedModel['predict']>[0], _p: Principal, signal: AbortSignal) {
    return (await this.load(v as Resolved)).predict(batch, { signal });
  }

  private load(v: Resolved): Promise<LoadedModel> {
    const key = `${v.model.sha256}:${JSON.stringify(v.model.runtime)}`;
    let p = this.loaded.get(key);
    if (!p) {
      p = this.runtimes.get(v.model.runtime.kind).load({
        id: v.id,
        version: v.version,
        sha256: v.model.sha256,
        runtime: v.model.runtime,
        signature: v.model.signature,
        weightsPath: v.weightsPath
      });
      // A failed load is not cached: the next request tries again (a server that came up).
      p.catch(() => this.loaded.delete(key));
      this.loaded.set(key, p);
    }
    return p;
  }

  async close(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.all(
      all.map((p) =>
        p.then(
          (m) => m.dispose(),
          () => undefined
        )
      )
    );
  }
}
