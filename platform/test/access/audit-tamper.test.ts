import * as path from 'node:path';
import Database from 'better-sqlite3';
import { runCli, startPlatformProcess, type PlatformProcess } from '@genesis-lab/test-support';
import type { AuditRow } from '../../src/access/audit-log';

/**
 * Tamper with the audit log on disk (another process editing the SQLite file while the platform
 * runs) and check that `genesis audit verify` finds each of the four edits and names the first
 * bad entry; after the original rows are put back it verifies again.
 */

let p: PlatformProcess;
let dbFile: string;

const verify = () => runCli(['audit', 'verify', '--home', p.home]);

function tamper(edit: (db: Database.Database, rows: AuditRow[]) => void): void {
  const db = new Database(dbFile);
  try {
    const rows = db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq').all();
    db.transaction(() => edit(db, rows))();
  } finally {
    db.close();
  }
}

let original: AuditRow[] = [];
function restore(): void {
  tamper((db) => {
    db.prepare('DELETE FROM audit_log').run();
    const insert = db.prepare(
      'INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash, key_id) VALUES (@seq, @at, @actor, @action, @target, @detail, @prev_hash, @hash, @key_id)'
    );
    for (const r of original) insert.run(r);
  });
}

beforeAll(async () => {
  p = await startPlatformProcess();
  dbFile = path.join(p.home, 'genesis.db');
  // Five more entries: tokens created and revoked.
  for (let i = 0; i < 3; i++) {
    const r = runCli(['tokens', 'create', '--name', `t${i}`, '--scope', 'read', '--json', '--home', p.home]);
    expect(r.status).toBe(0);
    if (i < 2) {
      const id = (JSON.parse(r.stdout) as { id: string }).id;
      expect(runCli(['tokens', 'revoke', id, '--home', p.home]).status).toBe(0);
    }
  }
  tamper((_, rows) => (original = rows));
  expect(original.length).toBeGreaterThanOrEqual(6);
}, 60000);

afterAll(async () => {
  await p?.stop();
});

afterEach(() => {
  restore();
  expect(verify().status).toBe(0);
});

it('an intact log verifies', () => {
  const r = verify();
  expect(r.stdout).toMatch(/audit log ok: \d+ entries/);
  expect(r.status).toBe(0);
});

it('an edited entry is named', () => {
  tamper((db) => db.prepare(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`).run());
  const r = verify();
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/BROKEN at entry 3: entry 3 was edited/);
});

it('a removed entry is found at the entry after it', () => {
  tamper((db) => db.prepare('DELETE FROM audit_log WHERE seq = 3').run());
  const r = verify();
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/BROKEN at entry 4: entry 4 is where entry 3 should be/);
});

it('an inserted entry is named (the rows after it renumbered to make room)', () => {
  tamper((db, rows) => {
    for (const r of [...rows].reverse())
      if (r.seq >= 3) db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run(r.seq + 1, r.seq);
    db.prepare(
      `INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash, key_id) VALUES (3, ?, 'mallory', 'token.create', 'tok_forged', '{}', ?, ?, ?)`
    ).run(rows[2]!.at, rows[1]!.hash, 'f'.repeat(64), rows[2]!.key_id);
  });
  const r = verify();
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/BROKEN at entry 3: entry 3 was edited/);
});

it('reordered entries are named at the first one out of place', () => {
  tamper((db, rows) => {
    const [a, b] = [rows[2]!, rows[3]!];
    const set = db.prepare(
      'UPDATE audit_log SET at = @at, actor = @actor, action = @action, target = @target, detail = @detail, prev_hash = @prev_hash, hash = @hash, key_id = @key_id WHERE seq = @seq'
    );
    set.run({ ...b, seq: a.seq });
    set.run({ ...a, seq: b.seq });
  });
  const r = verify();
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/BROKEN at entry 3: entry 3 does not link to the entry before it/);
});

it('export writes every entry as a JSON line, in order', () => {
  const r = runCli(['audit', 'export', '--home', p.home]);
  expect(r.status).toBe(0);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { seq: number; hash: string; prevHash: string });
  expect(lines.map((l) => l.seq)).toEqual(original.map((o) => o.seq));
  for (let i = 1; i < lines.length; i++) expect(lines[i]!.prevHash).toBe(lines[i - 1]!.hash);
});
