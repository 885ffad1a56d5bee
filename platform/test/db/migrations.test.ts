import Database from 'better-sqlite3';
import { platformMigrations, type Migration } from '../../src/db/migrations';
import { migrate as run } from '../../src/db/database';
import { accessMigrations } from '../../src/access/migrations';
import { catalogMigrations } from '../../src/catalog/migrations';
import { jobsMigrations } from '../../src/jobs/migrations';
import { modelMigrations } from '../../src/models/migrations';
import { provenanceMigrations } from '../../src/provenance/migrations';

/** Every module's migrations, as one platform database holds them all. */
const ALL: readonly Migration[] = [
  ...platformMigrations,
  ...accessMigrations,
  ...catalogMigrations,
  ...jobsMigrations,
  ...modelMigrations,
  ...provenanceMigrations
];
const MODULES = [...new Set(ALL.map((m) => m.module))];
const head = (module: string) => Math.max(...ALL.filter((m) => m.module === module).map((m) => m.version));

type Db = Database.Database;
interface Column {
  name: string;
  type: string;
  notnull: number;
  pk: number;
  hidden: number;
}

/** A database with every module at head except `module`, which stops at `version`. */
function at(module: string, version: number): Db {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  run(
    db,
    ALL.filter((m) => m.module !== module || m.version <= version)
  );
  return db;
}

/** Ordinary tables (no FTS shadow tables, no bookkeeping), parents before children. */
function tables(db: Db): string[] {
  const rows = db
    .prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
    .all();
  const virtual = rows.filter((r) => /^CREATE VIRTUAL TABLE/i.test(r.sql)).map((r) => r.name);
  const names = rows
    .map((r) => r.name)
    .filter((n) => !n.startsWith('sqlite_') && n !== 'schema_migrations')
    .filter((n) => !virtual.some((v) => n.startsWith(`${v}_`)));
  const parents = (t: string) =>
    db
      .prepare<[], { table: string }>(`SELECT "table" FROM pragma_foreign_key_list('${t}')`)
      .all()
      .map((r) => r.table)
      .filter((p) => p !== t);
  const ordered: string[] = [];
  const visit = (t: string) => {
    if (ordered.includes(t)) return;
    for (const p of parents(t)) if (names.includes(p)) visit(p);
    ordered.push(t);
  };
  names.forEach(visit);
  return ordered;
}

function columns(db: Db, table: string): Column[] {
  return db.prepare<[], Column>(`SELECT * FROM pragma_table_xinfo('${table}')`).all();
}

/**
 * One row in every table, with a value of the column's type everywhere (text is JSON, since
 * generated columns read metadata with json_extract), a foreign key pointing at its parent's row.
 * Returns the rows written, by table.
 */
function fill(db: Db, tag: string): Map<string, Record<string, unknown>> {
  const written = new Map<string, Record<string, unknown>>();
  let n = 1;
  for (const table of tables(db)) {
    const fks = db
      .prepare<[], { table: string; from: string; to: string | null }>(
        `SELECT "table", "from", "to" FROM pragma_foreign_key_list('${table}')`
      )
      .all();
    // A table whose parent does not exist yet (another module below its first version) stays empty.
    if (fks.some((f) => !written.has(f.table) && f.table !== table)) continue;
    const row: Record<string, unknown> = {};
    const tableSql = db
      .prepare<[string], { sql: string }>('SELECT sql FROM sqlite_master WHERE name = ?')
      .get(table)!.sql;
    for (const c of columns(db, table)) {
      if (c.hidden !== 0) continue; // generated, or a virtual table's hidden column
      const fk = fks.find((f) => f.from === c.name);
      const parent = fk && written.get(fk.table);
      if (parent) {
        const to = fk.to ?? columns(db, fk.table).find((p) => p.pk === 1)!.name;
        row[c.name] = parent[to];
        continue;
      }
      // A CHECK (column IN ('a', ...)) takes its first value.
      const allowed = tableSql.match(new RegExp(`\\b${c.name}\\s+IN\\s*\\(\\s*'([^']*)'`, 'i'));
      if (allowed) {
        row[c.name] = allowed[1];
        continue;
      }
      const type = c.type.toUpperCase();
      row[c.name] = /INT/.test(type)
        ? n++
        : /REAL|FLOA|DOUB/.test(type)
          ? n++ + 0.5
          : /BLOB/.test(type)
            ? Buffer.from(`${tag}-${table}-${c.name}`)
            : JSON.stringify(`${tag}-${table}-${c.name}`);
    }
    const names = Object.keys(row);
    db.prepare(
      `INSERT INTO "${table}" (${names.map((c) => `"${c}"`).join(', ')}) VALUES (${names.map((c) => `@${c}`).join(', ')})`
    ).run(Object.fromEntries(names.map((c) => [c, row[c]])));
    written.set(table, row);
  }
  return written;
}

/** The schema as SQLite holds it: every table's columns and every index, trigger and view's SQL. */
function schema(db: Db) {
  const objects = db
    .prepare<[], { type: string; name: string; tbl_name: string; sql: string | null }>(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    )
    .all()
    .map((o) => ({ ...o, sql: o.sql?.replace(/\s+/g, ' ').trim() ?? null }));
  const cols = Object.fromEntries(objects.filter((o) => o.type === 'table').map((o) => [o.name, columns(db, o.name)]));
  return { objects: objects.map((o) => ({ type: o.type, name: o.name, table: o.tbl_name, sql: o.sql })), cols };
}

/** Tables an earlier migration of `module` creates and a later one drops on purpose. */
function droppedAfter(module: string, version: number): Set<string> {
  const dropped = new Set<string>();
  for (const m of ALL.filter((x) => x.module === module && x.version > version))
    for (const [, name] of m.sql.matchAll(/DROP TABLE (?:IF EXISTS )?(\w+)/gi)) dropped.add(name!);
  return dropped;
}

const fresh = schema(at('platform', head('platform')));

describe('schema migrations from every earlier version to head', () => {
  it('knows every module the platform opens its database with', () => {
    expect(MODULES.sort()).toEqual(['access', 'catalog', 'jobs', 'models', 'platform', 'provenance']);
  });

  const cases = MODULES.flatMap((module) => Array.from({ length: head(module) }, (_, v) => [module, v] as const));
  it.each(cases)('%s from version %i: data kept, schema equal to a fresh head database', (module, version) => {
    const db = at(module, version);
    const before = fill(db, `${module}-v${version}`);
    const applied = run(db, ALL);
    expect(applied).toBe(head(module) - version);
    expect(schema(db)).toEqual(fresh);
    const dropped = droppedAfter(module, version);
    for (const [table, row] of before) {
      if (dropped.has(table)) {
        expect(db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(table)).toBeUndefined();
        continue;
      }
      const present = columns(db, table).map((c) => c.name);
      const kept = Object.keys(row).filter((c) => present.includes(c));
      expect(kept.length).toBeGreaterThan(0);
      const found = db
        .prepare(
          `SELECT ${kept.map((c) => `"${c}"`).join(', ')} FROM "${table}" WHERE ${kept.map((c) => `"${c}" IS @${c}`).join(' AND ')}`
        )
        .all(Object.fromEntries(kept.map((c) => [c, row[c]])));
      expect({ table, rows: found.length }).toEqual({ table, rows: 1 });
    }
    db.close();
  });

  it('catalog from version 1: every record is queued for a search-document rebuild', () => {
    const db = at('catalog', 1);
    fill(db, 'rebuild');
    run(db, ALL);
    const records = db.prepare('SELECT rid FROM catalog_records ORDER BY rid').all();
    expect(records.length).toBeGreaterThan(0);
    expect(db.prepare('SELECT rid FROM catalog_search_rebuild ORDER BY rid').all()).toEqual(records);
    // The generated project column reads the kept metadata (no project: public).
    expect(db.prepare('SELECT project FROM catalog_records').all()).toEqual(records.map(() => ({ project: 'public' })));
    db.close();
  });
});
