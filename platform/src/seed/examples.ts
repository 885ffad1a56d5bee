import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GenesisError, parseOrThrow } from '@genesis-lab/contract';
import type { SqliteCatalog } from '../catalog/sqlite-catalog';
import type { ColumnType } from '../ingest/column-type';
import { ingestFile, type IngestProgress, type IngestReport } from '../ingest/ingest';
import { SeedDefinition, type SeedSource } from './definition';

/** Where the example definitions are: platform/seed/examples (shipped with the package). */
export const EXAMPLES_DIR = path.resolve(__dirname, '../../seed/examples');

export function loadDefinitions(dir = EXAMPLES_DIR): SeedDefinition[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      return parseOrThrow(SeedDefinition, JSON.parse(fs.readFileSync(file, 'utf8')), path.basename(file));
    });
}

/** The directory of an installed npm package (its `exports` map may hide package.json). */
export function packageDir(name: string): string {
  const req = createRequire(__filename);
  for (const base of req.resolve.paths(name) ?? []) {
    const dir = path.join(base, name);
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new GenesisError('not_found', `The npm package "${name}" that holds example data is not installed`, {
    hint: 'Run npm ci at the repository root'
  });
}

/**
 * A file the ingest can read for a source: the shipped file itself, or the exported array
 * written as NDJSON into the home's tmp dir (removed after ingest).
 */
function materialize(source: SeedSource, tmpPath: string): { file: string; temporary: boolean } {
  const dir = packageDir(source.package);
  if ('file' in source) return { file: path.join(dir, source.file), temporary: false };
  const req = createRequire(path.join(dir, 'package.json'));
  const rows = (req(dir) as Record<string, unknown>)[source.export];
  if (!Array.isArray(rows))
    throw new GenesisError('unprocessable', `${source.package} has no exported array "${source.export}"`);
  const file = `${tmpPath}.ndjson`;
  const fd = fs.openSync(file, 'w');
  try {
    for (const row of rows as Record<string, unknown>[]) {
      if (!source.explode) {
        fs.writeSync(fd, JSON.stringify(row) + '\n');
        continue;
      }
      const parent = Object.fromEntries(Object.entries(source.parentColumns).map(([from, to]) => [to, row[from]]));
      for (const child of (row[source.explode] as Record<string, unknown>[] | undefined) ?? [])
        fs.writeSync(fd, JSON.stringify({ ...parent, ...child }) + '\n');
    }
  } finally {
    fs.closeSync(fd);
  }
  return { file, temporary: true };
}

export interface SeedEvents {
  onStart?(def: SeedDefinition, index: number, count: number): void;
  onProgress?(def: SeedDefinition, p: IngestProgress): void;
  onDone?(def: SeedDefinition, report: IngestReport): void;
}

/**
 * Load every example into the catalog. Idempotent: each definition pins its version, and the
 * same bytes under the same version are a no-op, so a second run changes nothing.
 */
export async function seedExamples(
  catalog: SqliteCatalog,
  events: SeedEvents = {},
  defs = loadDefinitions()
): Promise<IngestReport[]> {
  const reports: IngestReport[] = [];
  for (const [i, def] of defs.entries()) {
    events.onStart?.(def, i, defs.length);
    const { file, temporary } = materialize(def.source, catalog.home.tmpPath('seed'));
    try {
      const report = await ingestFile(catalog, {
        file,
        id: def.id,
        version: def.version,
        metadata: def.metadata,
        ...('format' in def.source && def.source.format ? { format: def.source.format } : {}),
        ...(temporary ? { format: 'json' as const } : {}),
        rename: def.rename,
        types: def.types as Record<string, ColumnType>,
        onProgress: (p) => events.onProgress?.(def, p)
      });
      reports.push(report);
      events.onDone?.(def, report);
    } finally {
      if (temporary) fs.rmSync(file, { force: true });
    }
  }
  return reports;
}
