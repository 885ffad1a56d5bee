import * as path from 'node:path';
import { CellExecution, DEFAULT_PROJECT } from '@genesis-lab/contract';
import { tempHome } from '@genesis-lab/test-support';
import { openDatabase } from '../../src/db/database';
import { platformMigrations } from '../../src/db/migrations';
import { provenanceMigrations } from '../../src/provenance/migrations';
import { SqliteProvenanceStore } from '../../src/provenance/sqlite-store';
import { Session } from '../support/provenance';

/** Migration 2 of the provenance tables: runs recorded before projects belong to the default project, with no owner. */
describe('provenance migration: runs get a project', () => {
  it('puts existing runs in the default project and records new ones in the recorder’s', () => {
    const file = path.join(tempHome('genesis-prov-migration-'), 'genesis.db');
    const before = openDatabase(file, [...platformMigrations, provenanceMigrations[0]!]);
    const old = new Session();
    before
      .prepare(
        `INSERT INTO prov_runs (run_id, notebook_id, notebook_path, user, kernel, recorded_by, started_at, started_ms,
           last_at, last_ms) VALUES (?, ?, 'old.ipynb', 'ada', '{"name":"tslab"}', 'extension', ?, 0, ?, 0)`
      )
      .run(old.runId, old.notebookId, new Date(0).toISOString(), new Date(0).toISOString());
    before.close();

    const db = openDatabase(file, [...platformMigrations, ...provenanceMigrations]);
    const store = new SqliteProvenanceStore(db);
    expect(store.runAccess(old.runId)).toEqual({ owner: null, project: DEFAULT_PROJECT });
    const fresh = new Session();
    store.recordExecutions([CellExecution.parse(fresh.cell('a', 0, '1'))], { user: 'alice', project: 'fusion' });
    expect(store.runAccess(fresh.runId)).toEqual({ owner: 'alice', project: 'fusion' });
    expect(store.getRun(fresh.runId).run.project).toBe('fusion');
    db.close();
  });
});
