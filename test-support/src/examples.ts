import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './platform-process';

interface SeedDefinition {
  id: string;
  version: string;
  source: { package: string; file: string };
  rename?: Record<string, string>;
  metadata: unknown;
}

/**
 * The `genesis` arguments that ingest one example dataset into `home` exactly as `genesis seed
 * examples` does, from its seed definition (platform/seed/examples/NAME.json: file, id, version,
 * renames, metadata), for a test that needs that one dataset and not the whole example catalog.
 */
export function exampleIngestArgs(home: string, name: string): string[] {
  const def = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'platform/seed/examples', `${name}.json`), 'utf8')
  ) as SeedDefinition;
  const meta = path.join(home, `${name}.meta.json`);
  fs.writeFileSync(meta, JSON.stringify(def.metadata));
  const renames = Object.entries(def.rename ?? {}).map(([from, to]) => `${from}=${to}`);
  return [
    'ingest',
    path.join(REPO_ROOT, 'node_modules', def.source.package, def.source.file),
    '--id',
    def.id,
    '--version',
    def.version,
    '--meta',
    meta,
    ...(renames.length ? ['--rename', ...renames] : []),
    '--home',
    home
  ];
}
