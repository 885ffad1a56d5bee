import { createHash } from 'node:crypto';
import { RecordBatchReader } from 'apache-arrow';
import { unzipSync } from 'fflate';
import { z } from 'zod';
import {
  CRATE_RUN_FILE,
  CrateRunRecord,
  GenesisError,
  OWNER,
  parseOrThrow,
  type CrateImportResult
} from '@genesis-lab/contract';
import type { CatalogService } from '../catalog/service';
import type { ProvenanceStore, RunRecorder } from './store';

/** An import refuses crates that inflate to more than this (a zip bomb, or data that belongs in an ingest). */
export const MAX_CRATE_BYTES = 2 * 1024 * 1024 * 1024;

/** The part of ro-crate-metadata.json an import reads: file entities and their digests. */
const CrateMetadata = z.object({
  '@graph': z.array(
    z
      .object({
        '@id': z.string(),
        '@type': z.union([z.string(), z.array(z.string())]),
        sha256: z.string().optional()
      })
      .loose()
  )
});

/**
 * A zip entry name that stays inside the crate: relative, forward slashes, no "..", no NUL or
 * drive letters. Nothing of a crate is written under its entry names, but a crate naming such
 * paths is malformed or hostile and is refused whole.
 */
export function safeEntryName(name: string): boolean {
  if (name.length === 0 || name.length > 1024) return false;
  if (name.includes('\\') || name.includes('\0') || name.startsWith('/') || /^[A-Za-z]:/.test(name)) return false;
  return name.split('/').every((seg, i, all) => seg !== '..' && seg !== '.' && (seg !== '' || i === all.length - 1));
}

function bad(message: string, hint?: string): never {
  throw new GenesisError('unprocessable', message, hint ? { hint } : {});
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function readJson(files: Record<string, Uint8Array>, name: string): unknown {
  const bytes =
    files[name] ??
    bad(`The crate has no ${name}`, 'Import a crate exported by Genesis Lab (GET /api/provenance/runs/{id}/crate)');
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    return bad(`${name} in the crate is not JSON: ${(err as Error).message}`);
  }
}

/**
 * Import a crate exported by a Genesis Lab platform: check every file against the sha256 its
 * metadata gives, publish the dataset versions this platform lacks (from the crate's data,
 * byte for byte), then record the run's executions, generations and reproductions (idempotent:
 * importing twice changes nothing). Everything is checked before anything is written.
 */
export async function importRunCrate(
  store: ProvenanceStore,
  catalog: CatalogService | undefined,
  zip: Uint8Array,
  maxBytes = MAX_CRATE_BYTES,
  /** Whose the imported run becomes (the importer, the default project); default: nobody's. */
  recorder?: RunRecorder
): Promise<CrateImportResult> {
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter(f) {
        if (!safeEntryName(f.name))
          bad(`The crate has an entry named ${JSON.stringify(f.name)}, which points outside it; refused`);
        total += f.originalSize;
        if (total > maxBytes) bad(`The crate inflates to more than ${maxBytes} bytes; refused`);
        return !f.name.endsWith('/');
      }
    });
  } catch (err) {
    if (err instanceof GenesisError) throw err;
    return bad(`The body is not a readable zip: ${(err as Error).message}`);
  }

  const metadata = parseOrThrow(
    CrateMetadata,
    readJson(files, 'ro-crate-metadata.json'),
    'ro-crate-metadata.json',
    'unprocessable'
  );
  for (const entity of metadata['@graph']) {
    const types = [entity['@type']].flat();
    if (!types.includes('File') || entity.sha256 === undefined) continue;
    const bytes = files[entity['@id']];
    if (!bytes) bad(`The crate lists ${entity['@id']} but does not contain it`);
    const actual = sha256(bytes);
    if (actual !== entity.sha256)
      bad(
        `${entity['@id']} in the crate does not match its digest: sha256 is ${actual}, the crate says ${entity.sha256}`,
        'The crate was changed or damaged after export; export it again'
      );
  }
  const run = parseOrThrow(CrateRunRecord, readJson(files, CRATE_RUN_FILE), CRATE_RUN_FILE, 'unprocessable');
  if (!files[run.notebook]) bad(`The crate names its notebook ${run.notebook} but does not contain it`);

  // Which pinned versions are here, which come from the crate, which are nowhere: all known before writing.
  const plan: { ref: CrateRunRecord['datasets'][number]; status: 'imported' | 'present' }[] = [];
  for (const d of run.datasets) {
    const here = catalog ? versionHere(catalog, d.id, d.version) : undefined;
    if (here) {
      if (here !== d.sha256)
        throw new GenesisError(
          'conflict',
          `${d.id}@${d.version} exists on this platform with other content (sha256 ${here}); the crate's run used sha256 ${d.sha256}`
        );
      plan.push({ ref: d, status: 'present' });
      continue;
    }
    if (!d.file)
      bad(
        `${d.id}@${d.version} (sha256 ${d.sha256}) is pinned by the run but is neither on this platform nor in the crate`,
        `Import it first (genesis ingest FILE --id ${d.id} --version ${d.version}), or export the crate again with a larger maxDataBytes`
      );
    const bytes = files[d.file] ?? bad(`The crate names ${d.file} for ${d.id}@${d.version} but does not contain it`);
    if (sha256(bytes) !== d.sha256)
      bad(
        `${d.file} in the crate does not match ${d.id}@${d.version}: its sha256 is ${sha256(bytes)}, the version's is ${d.sha256}`
      );
    if (!catalog) bad(`${d.id}@${d.version} must be imported, but this platform runs no catalog`);
    plan.push({ ref: d, status: 'imported' });
  }
  // A pin the executions used but the crate does not describe cannot be imported either.
  for (const e of run.executions)
    for (const r of e.lineage)
      if (r.kind === 'dataset' && !run.datasets.some((d) => d.id === r.id && d.version === r.version))
        if (!catalog || versionHere(catalog, r.id, r.version) !== r.sha256)
          bad(
            `${r.id}@${r.version} (sha256 ${r.sha256}), used by cell ${e.cellId}, is neither on this platform nor in the crate`,
            `Import it first: genesis ingest FILE --id ${r.id} --version ${r.version}`
          );

  for (const p of plan.filter((x) => x.status === 'imported')) {
    const d = p.ref;
    const reader = RecordBatchReader.from(files[d.file!]!);
    reader.open();
    const published = await catalog!.publish({
      id: d.id,
      version: d.version,
      metadata: d.metadata,
      sourceFormat: 'arrow',
      sourceSha256: d.sha256,
      schema: reader.schema,
      batches: reader
    });
    if (published.version.sha256 !== d.sha256)
      throw new GenesisError(
        'internal',
        `Re-publishing ${d.id}@${d.version} gave sha256 ${published.version.sha256}, not the crate's ${d.sha256}`
      );
  }
  // The versions above are content-addressed and idempotent; the run is recorded all or nothing.
  const recorded = store.transaction(() => {
    const r = store.recordExecutions(run.executions, recorder);
    for (const g of run.generations) store.recordGeneration(g, g.sha256, g.job);
    for (const rep of run.reproductions) store.putReproduction(rep);
    return r;
  });
  return {
    runId: run.runId,
    notebookId: run.executions[0]!.notebook.id,
    notebook: run.notebook,
    datasets: plan.map((p) => ({ id: p.ref.id, version: p.ref.version, sha256: p.ref.sha256, status: p.status })),
    executions: { created: recorded.created, duplicates: recorded.duplicates }
  };
}

function versionHere(catalog: CatalogService, id: string, version: string): string | undefined {
  try {
    return catalog.getVersion(id, version, OWNER).sha256;
  } catch (err) {
    if (err instanceof GenesisError && err.code === 'not_found') return undefined;
    throw err;
  }
}
