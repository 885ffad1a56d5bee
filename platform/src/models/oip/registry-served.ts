import type { RecordBatch } from 'apache-arrow';
import { LATEST, type ModelVersion, type Principal, type VersionSelector } from '@genesis-lab/contract';
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
    const r = this.service.registry.resolve(id, version ?? LATEST, principal);
    return {
      id: r.record.id,
      version: r.version.version,
      runtime: r.version.runtime.kind,
      signature: r.version.signature
    };
  }

  async ready(v: ServedVersion, principal: Principal): Promise<boolean> {
    await this.service.load(this.service.registry.resolve(v.id, v.version, principal));
    return true;
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
