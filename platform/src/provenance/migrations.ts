import { DEFAULT_PROJECT } from '@genesis-lab/contract';
import type { Migration } from '../db/migrations';

/**
 * The provenance tables: a W3C PROV graph kept as the facts it is made of. Activities are
 * runs, cell executions (`prov_executions`, one row per captured execution, unique by its
 * client-made id), jobs (`prov_jobs`) and reproductions; entities are cell sources and outputs
 * (content-addressed), dataset versions (`prov_dataset_uses`, `prov_job_datasets`) and notebooks
 * (on the run); agents (users, kernels) sit on the runs and executions. Relations follow from
 * the rows (see sqlite-graph.ts), so a PostgreSQL store can hold the same tables.
 */
export const provenanceMigrations: readonly Migration[] = [
  {
    module: 'provenance',
    version: 1,
    name: 'runs, executions, sources, outputs, uses, jobs, generations, reproductions',
    sql: `
CREATE TABLE prov_sources (sha256 TEXT PRIMARY KEY, code TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE prov_outputs (sha256 TEXT PRIMARY KEY, output_type TEXT NOT NULL, content TEXT) WITHOUT ROWID;

CREATE TABLE prov_runs (
  run_id TEXT PRIMARY KEY,
  notebook_id TEXT NOT NULL,
  notebook_path TEXT NOT NULL,
  user TEXT NOT NULL,
  kernel TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  started_at TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  last_at TEXT NOT NULL,
  last_ms INTEGER NOT NULL,
  executions INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX prov_runs_notebook ON prov_runs (notebook_id, started_ms DESC, run_id);

CREATE TABLE prov_executions (
  seq INTEGER PRIMARY KEY,
  execution_id TEXT NOT NULL UNIQUE,
  run_id TEXT NOT NULL REFERENCES prov_runs (run_id),
  cell_id TEXT NOT NULL,
  cell_index INTEGER NOT NULL,
  code_sha256 TEXT NOT NULL REFERENCES prov_sources (sha256),
  execution_count INTEGER,
  started_at TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  ended_at TEXT NOT NULL,
  success INTEGER NOT NULL,
  record TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX prov_executions_run ON prov_executions (run_id, started_ms, seq);

CREATE TABLE prov_execution_outputs (
  execution_seq INTEGER NOT NULL REFERENCES prov_executions (seq),
  position INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  output_type TEXT NOT NULL,
  PRIMARY KEY (execution_seq, position)
) WITHOUT ROWID;
CREATE INDEX prov_execution_outputs_sha ON prov_execution_outputs (sha256);

CREATE TABLE prov_dataset_uses (
  execution_seq INTEGER NOT NULL REFERENCES prov_executions (seq),
  position INTEGER NOT NULL,
  dataset_id TEXT NOT NULL,
  version TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  ref TEXT NOT NULL,
  PRIMARY KEY (execution_seq, position)
) WITHOUT ROWID;
CREATE INDEX prov_dataset_uses_version ON prov_dataset_uses (dataset_id, version);

CREATE TABLE prov_job_uses (
  execution_seq INTEGER NOT NULL REFERENCES prov_executions (seq),
  position INTEGER NOT NULL,
  job_id TEXT NOT NULL,
  action TEXT NOT NULL,
  state TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (execution_seq, position)
) WITHOUT ROWID;
CREATE INDEX prov_job_uses_job ON prov_job_uses (job_id);

-- A job as provenance knows it: from the lineage its cells emitted, completed from the jobs service.
CREATE TABLE prov_jobs (
  job_id TEXT PRIMARY KEY,
  facility TEXT NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT
) WITHOUT ROWID;
-- used: the dataset versions a job staged in (resolved when provenance first saw the job);
-- generated: dataset versions recorded as its products (POST /api/provenance/generations).
CREATE TABLE prov_job_datasets (
  job_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('used', 'generated')),
  dataset_id TEXT NOT NULL,
  version TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (job_id, role, dataset_id, version)
) WITHOUT ROWID;
CREATE INDEX prov_job_datasets_version ON prov_job_datasets (dataset_id, version, role);

CREATE TABLE prov_reproductions (
  reproduction_id TEXT PRIMARY KEY,
  original_run_id TEXT,
  run_id TEXT NOT NULL,
  state TEXT NOT NULL,
  report TEXT NOT NULL,
  started_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX prov_reproductions_original ON prov_reproductions (original_run_id);
CREATE INDEX prov_reproductions_run ON prov_reproductions (run_id);
`
  },
  {
    module: 'provenance',
    version: 2,
    name: 'runs belong to a project and to the user who first recorded them',
    // Runs recorded before projects go to the default project (everyone views it), with no owner.
    sql: `
ALTER TABLE prov_runs ADD COLUMN project TEXT NOT NULL DEFAULT '${DEFAULT_PROJECT}';
ALTER TABLE prov_runs ADD COLUMN owner TEXT;
CREATE INDEX prov_runs_project ON prov_runs (project);
`
  }
];
