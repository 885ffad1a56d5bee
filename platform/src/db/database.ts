import Database from 'better-sqlite3';
import type { Migration } from './migrations';

export type Db = Database.Database;

/**
 * Open the platform database: WAL so readers never block the writer, foreign keys on,
 * and every migration not yet applied run in its own transaction.
 */
export function openDatabase(file: string, migrations: readonly Migration[]): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: a transaction acknowledged to a client survives power loss, not just a crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000'); // the CLI and the server may write at once
  migrate(db, migrations);
  return db;
}

export function migrate(db: Db, list: readonly Migration[]): number {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))'
  );
  let n = 0;
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE module = ? AND version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (module, version, name, applied_at) VALUES (?, ?, ?, ?)');
  const sorted = [...list].sort((a, b) => a.module.localeCompare(b.module) || a.version - b.version);
  for (const m of sorted) {
    db.transaction(() => {
      // Checked inside the (immediate) transaction: two processes opening at once apply each migration once.
      if (isApplied.get(m.module, m.version)) return;
      db.exec(m.sql);
      record.run(m.module, m.version, m.name, new Date().toISOString());
      n++;
    }).immediate();
  }
  return n;
}
