import type { RecordBatch } from 'apache-arrow';
import { GenesisError, LATEST, type ModelVersion, type Principal, type VersionSelector } from '@genesis-lab/contract';
import type { LoadedModel } from '../runtime';
import type { ServedModels, ServedVersion } from './serve';

/** The parts of the model service the /v2 routes use (platform/src/models/service.ts). */
export interface ModelServiceReads {
  readonly registry: {
    versions(id: string, principal: Principal): { versions: readonly Pick<ModelVersion, 'version'>[] };
    resolve(id: string, selector: VersionSelector, principal: Principal): Resolved;
  };
  load(resolved: Resolved): Promise<LoadedModel>;
  predict(
    id: string,
    selector: VersionSelector,
    principal: Principal,
    input: AsyncIterable<RecordBatch>,
    opts: { signal?: AbortSignal }
  ): Promise<{ batches: AsyncGenerator<RecordBatch> }>;
}

interface Resolved {
  record: { id: string };
  version: ModelVersion;
  weightsPath: string;
}

/**
 * Registered models as the /v2 routes serve them, through the same model service as
 * `/api/models/.../predict`: its resolution (404s with suggestions), its access rule, its warm
 * loaded versions and its predict path (signature check, batching), so both front doors answer alike.
 */
export class RegistryServedModels implements ServedModels {
  constructor(private readonly service: ModelServiceReads) {}

  async versions(id: string, principal: Principal): Promise<string[]> {
    return this.service.registry.versions(id, principal).versions.map((v) => v.version);
  }

  async version(id: string, version: string | undefined, principal: Principal): Promise<ServedVersion> {
    const r = this.resolve(id, version ?? LATEST, principal);
    return {
      id: r.record.id,
      version: r.version.version,
      runtime: r.version.runtime.kind,
      signature: r.version.signature
    };
  }

  async ready(v: ServedVersion, principal: Principal): Promise<boolean> {
    await this.service.load(this.resolve(v.id, v.version, principal));
    return true;
  }

  /**
   * An OIP server serves a model or it does not: one the caller may see in the catalog but not use
   * (not cleared, not a member) is "not found" here, as an unknown one, naming nothing of it.
   */
  private resolve(id: string, selector: VersionSelector, principal: Principal): Resolved {
    try {
      return this.service.registry.resolve(id, selector, principal);
    } catch (err) {
      if (err instanceof GenesisError && err.code === 'forbidden')
        throw new GenesisError('not_found', `No model "${id}" is served here`, {
          hint: 'The catalog may list it; using it needs clearance for its access level and membership of its project'
        });
      throw err;
    }
  }

  async predict(
    v: ServedVersion,
    batch: RecordBatch,
    principal: Principal,
    signal: AbortSignal
  ): Promise<RecordBatch[]> {
    const { batches } = await this.service.predict(v.id, v.version, principal, one(batch), { signal });
    const out: RecordBatch[] = [];
    for await (const b of batches) out.push(b);
    return out;
  }
}

async function* one(batch: RecordBatch): AsyncGenerator<RecordBatch> {
  yield batch;
}
