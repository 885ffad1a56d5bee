/**
 * Versioned schema migrations. Each module owns a numbered list (so modules never collide
 * on numbers); each migration runs once, in its own transaction. Never edit a released
 * migration: add a new one.
 */
export interface Migration {
  module: string;
  version: number;
  name: string;
  sql: string;
}

export const platformMigrations: readonly Migration[] = [
  {
    module: 'platform',
    version: 1,
    name: 'meta',
    sql: `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`
  }
];
