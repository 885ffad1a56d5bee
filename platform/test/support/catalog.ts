import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecordMetadataInput } from '@genesis-lab/contract';
import { SqliteCatalog } from '../../src/catalog/sqlite-catalog';
import { Home } from '../../src/home';
import { tempHome } from '@genesis-lab/test-support';

/** A catalog on a fresh temporary home, opened the way the CLI opens it. */
export function tempCatalog(): { catalog: SqliteCatalog; home: Home; dir: string; close(): void } {
  const dir = tempHome('genesis-catalog-');
  const home = new Home(dir);
  const catalog = SqliteCatalog.open(home);
  return {
    catalog,
    home,
    dir,
    close: () => {
      catalog.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

export function meta(extra: Partial<RecordMetadataInput> = {}): RecordMetadataInput {
  return { title: 'Test data', license: 'CC0-1.0', ...extra };
}

/** Write a file into a temp dir and return its path. */
export function fixture(dir: string, name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** Files under a directory, recursively (to prove nothing was left behind). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? dir, e.name));
}
