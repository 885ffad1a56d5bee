import type { Migration } from '../db/migrations';

/** The jobs tables. A job row is written (NEW) before its facility hears of it. */
export const jobsMigrations: readonly Migration[] = [
  {
    module: 'jobs',
    version: 1,
    name: 'jobs and their state events',
    // History, never edited: `jobs_open` lists the final states as they were; store.ts builds its
    // open-jobs query from the contract's FINAL_STATES with the same text, so SQLite uses the index.
    sql: `
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        facility TEXT NOT NULL,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        spec TEXT NOT NULL,
        spec_hash TEXT NOT NULL,
        idempotency_key TEXT,
        native_id TEXT,
        state TEXT NOT NULL,
        exit_code INTEGER,
        reason TEXT,
        message TEXT,
        native_state TEXT,
        native_reason TEXT,
        work_dir TEXT,
        submit_attempts INTEGER NOT NULL DEFAULT 0,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        outputs TEXT NOT NULL DEFAULT '[]',
        tags TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        submitted_at TEXT,
        started_at TEXT,
        ended_at TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX jobs_idempotency ON jobs (owner, idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE INDEX jobs_open ON jobs (facility, state) WHERE state NOT IN ('COMPLETED', 'FAILED', 'CANCELED');
      CREATE TABLE job_events (
        job_id TEXT NOT NULL REFERENCES jobs (id),
        seq INTEGER NOT NULL,
        state TEXT NOT NULL,
        at TEXT NOT NULL,
        message TEXT,
        exit_code INTEGER,
        reason TEXT,
        native_state TEXT,
        native_reason TEXT,
        PRIMARY KEY (job_id, seq)
      );
    `
  }
];
