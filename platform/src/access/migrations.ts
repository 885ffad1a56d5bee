import type { Migration } from '../db/migrations';

/**
 * Users, their API tokens (sha256 of the secret only), projects with members, and the
 * hash-chained audit log. `audit_log` rows are only ever inserted (see audit-log.ts).
 */
export const accessMigrations: readonly Migration[] = [
  {
    module: 'access',
    version: 1,
    name: 'users, tokens, projects, members, audit log',
    sql: `
CREATE TABLE access_users (
  name TEXT PRIMARY KEY,
  clearances TEXT NOT NULL,
  admin INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE access_tokens (
  id TEXT PRIMARY KEY,
  user TEXT NOT NULL REFERENCES access_users (name),
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
);
CREATE INDEX access_tokens_user ON access_tokens (user);
CREATE TABLE access_projects (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE access_members (
  project TEXT NOT NULL REFERENCES access_projects (id),
  user TEXT NOT NULL REFERENCES access_users (name),
  role TEXT NOT NULL,
  PRIMARY KEY (project, user)
) WITHOUT ROWID;
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
`
  },
  {
    module: 'access',
    version: 2,
    name: 'audit entries name the key that signed them',
    // NULL for entries written before the log was keyed (verified as plain SHA-256).
    sql: `ALTER TABLE audit_log ADD COLUMN key_id TEXT;`
  }
];
