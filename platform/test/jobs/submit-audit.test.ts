import * as path from 'node:path';
import { JobSpec } from '@genesis-lab/contract';
import { tempHome } from '@genesis-lab/test-support';
import { accessMigrations } from '../../src/access/migrations';
import { AuditLog } from '../../src/access/audit-log';
import { openDatabase, type Db } from '../../src/db/database';
import { platformMigrations } from '../../src/db/migrations';
import { jobsMigrations } from '../../src/jobs/migrations';
import { JobStore, type NewJob } from '../../src/jobs/store';
import { newJobId } from '../../src/jobs/ids';
import { specHash } from '../../src/jobs/spec-hash';

/**
 * A job and the audit entry of its submission commit together: the store runs the entry inside
 * the transaction that creates the job, so a failure (or a crash) between them leaves neither.
 * Without it, a crash after the job row but before the audit entry left a job that could run
 * with no record of who submitted it.
 */
let db: Db;
let store: JobStore;
let audit: AuditLog;
const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;

function newJob(): NewJob {
  const spec = JobSpec.parse({ name: 'audited', executable: '/bin/true' });
  const id = newJobId();
  return {
    id,
    facility: 'local',
    owner: 'alice',
    spec,
    specHash: specHash(spec),
    workDir: `/tmp/${id}`,
    at: new Date().toISOString()
  };
}

beforeEach(() => {
  const home = tempHome('genesis-submit-audit-');
  db = openDatabase(path.join(home, 'genesis.db'), [...platformMigrations, ...accessMigrations, ...jobsMigrations]);
  store = new JobStore(db);
  audit = AuditLog.open(db, path.join(home, 'audit-keys.json'));
});
afterEach(() => db.close());

it('the job and its audit entry are both there after a submission', () => {
  const { job, created } = store.insertOrGet(newJob(), (j) => audit.append('alice', 'job.submit', j.id));
  expect(created).toBe(true);
  expect(store.get(job.id)).toBeDefined();
  expect([...audit.entries()].map((e) => `${e.action} ${e.target}`)).toEqual([`job.submit ${job.id}`]);
  expect(audit.verify().ok).toBe(true);
});

it('when recording the submission fails, the job is not there either', () => {
  const input = newJob();
  expect(() =>
    store.insertOrGet(input, (j) => {
      audit.append('alice', 'job.submit', j.id);
      throw new Error('the disk filled between the two writes');
    })
  ).toThrow('the disk filled');
  expect(store.get(input.id)).toBeUndefined();
  expect(count('SELECT count(*) AS n FROM jobs')).toBe(0);
  expect(count('SELECT count(*) AS n FROM audit_log')).toBe(0);
});
