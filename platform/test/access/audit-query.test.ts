import * as path from 'node:path';
import { AuditQuery } from '@genesis-lab/contract';
import { tempHome } from '@genesis-lab/test-support';
import { AuditLog } from '../../src/access/audit-log';
import { accessMigrations } from '../../src/access/migrations';
import { openDatabase, type Db } from '../../src/db/database';
import { platformMigrations } from '../../src/db/migrations';

/** The audit log's filters (actor, action or action prefix, time window) and their paging. */
let db: Db;
let audit: AuditLog;
const page = (q: Partial<AuditQuery>) => audit.page(AuditQuery.parse(q));
const actions = (q: Partial<AuditQuery>) => page(q).entries.map((e) => `${e.actor} ${e.action} ${e.target}`);

beforeAll(() => {
  const home = tempHome('genesis-audit-query-');
  db = openDatabase(path.join(home, 'genesis.db'), [...platformMigrations, ...accessMigrations]);
  audit = AuditLog.open(db, path.join(home, 'audit-keys.json'));
  audit.append('alice', 'token.create', 'tok_a');
  audit.append('bob', 'token.create', 'tok_b');
  audit.append('alice', 'token.revoke', 'tok_a');
  audit.append('alice', 'tokenish.thing', 'x');
  audit.append('bob', 'job.submit', 'job_1');
  // Backdate two entries so the time window has something to cut (content only, not the chain).
  db.prepare(`UPDATE audit_log SET at = '2026-01-01T10:00:00.000Z' WHERE seq IN (1, 2)`).run();
});
afterAll(() => db.close());

it('filters by actor', () => {
  expect(actions({ actor: 'bob' })).toEqual(['bob token.create tok_b', 'bob job.submit job_1']);
});

it('an action matches itself and, as a prefix, the actions under it, not words that merely start alike', () => {
  expect(actions({ action: 'token.revoke' })).toEqual(['alice token.revoke tok_a']);
  expect(actions({ action: 'token' })).toEqual([
    'alice token.create tok_a',
    'bob token.create tok_b',
    'alice token.revoke tok_a'
  ]);
});

it('filters combine, and the time window compares instants whatever their written form', () => {
  expect(actions({ actor: 'alice', action: 'token' })).toEqual([
    'alice token.create tok_a',
    'alice token.revoke tok_a'
  ]);
  // 10:00:00Z written as 11:00:00+01:00 and without milliseconds: the same instant as the stored text.
  expect(actions({ until: '2026-01-01T11:00:00+01:00' })).toEqual([]);
  expect(actions({ since: '2026-01-01T11:00:00+01:00', until: '2026-01-01T10:00:01Z' })).toEqual([
    'alice token.create tok_a',
    'bob token.create tok_b'
  ]);
  expect(actions({ since: '2026-06-01T00:00:00Z' })).toHaveLength(3);
});

it('pages through a filtered log: next continues with the same filter', () => {
  const first = page({ action: 'token', limit: 2 });
  expect(first.entries.map((e) => e.seq)).toEqual([1, 2]);
  expect(first.next).toBe(2);
  const second = page({ action: 'token', limit: 2, after: first.next! });
  expect(second.entries.map((e) => e.seq)).toEqual([3]);
  expect(second.next).toBeUndefined();
});

it('bad filters are refused with what was wrong', () => {
  const r = AuditQuery.safeParse({ action: 'Token Create', since: 'yesterday' });
  expect(r.success).toBe(false);
  const messages = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  expect(messages).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^action: an action looks like token.create/),
      expect.stringMatching(/^since: /)
    ])
  );
});
