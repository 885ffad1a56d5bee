import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, createHmac } from 'node:crypto';
import Database from 'better-sqlite3';
import type { TokenCreated } from '@genesis-lab/contract';
import { runCli, startPlatformProcess, type PlatformProcess } from '@genesis-lab/test-support';
import type { AuditRow } from '../../src/access/audit-log';

/**
 * The keyed audit chain, against a real platform process and its files. The attacker here can
 * write the database (another process editing the SQLite file) but does not hold the audit key:
 * whatever they recompute, `genesis audit verify` names the first rewritten entry. The same
 * recomputation done WITH the key verifies, which shows the forgeries below are exact except for
 * the key (so what catches them is the key, not a mistake in the forgery).
 */

interface KeyringFile {
  keys: { id: string; secret: string; fromSeq: number }[];
}

let p: PlatformProcess;
let home: string;
const dbFile = () => path.join(home, 'genesis.db');
const keyringFile = () => path.join(home, 'audit-keys.json');
const cli = (...args: string[]) => runCli([...args, '--home', home]);
const verify = () => cli('audit', 'verify');
const keyring = () => JSON.parse(fs.readFileSync(keyringFile(), 'utf8')) as KeyringFile;

function fields(r: Omit<AuditRow, 'hash'>): unknown[] {
  return [r.seq, r.at, r.actor, r.action, r.target, r.detail, r.prev_hash];
}
/** What someone without the key can compute: a plain SHA-256 (with or without the key id). */
const unkeyed = (r: Omit<AuditRow, 'hash'>, withKeyId: boolean) =>
  createHash('sha256')
    .update(JSON.stringify(withKeyId ? [...fields(r), r.key_id] : fields(r)))
    .digest('hex');
const keyed = (secret: string) => (r: Omit<AuditRow, 'hash'>) =>
  createHmac('sha256', Buffer.from(secret, 'base64url'))
    .update(JSON.stringify([...fields(r), r.key_id]))
    .digest('hex');

function withDb<T>(f: (db: Database.Database, rows: AuditRow[]) => T): T {
  const db = new Database(dbFile());
  try {
    return db.transaction(() => f(db, db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq').all()))();
  } finally {
    db.close();
  }
}

/** Rewrite entries from `from` on: `edit` changes a row, `hash` re-signs it, links are rebuilt. */
function rewrite(from: number, edit: (r: AuditRow) => AuditRow, hash: (r: Omit<AuditRow, 'hash'>) => string): void {
  withDb((db, rows) => {
    const set = db.prepare(
      'UPDATE audit_log SET actor = @actor, prev_hash = @prev_hash, hash = @hash, key_id = @key_id WHERE seq = @seq'
    );
    let prev = rows.find((r) => r.seq === from - 1)?.hash ?? '0'.repeat(64);
    for (const r of rows) {
      if (r.seq < from) continue;
      const row = { ...edit(r), prev_hash: prev };
      const full = { ...row, hash: hash(row) };
      set.run(full);
      prev = full.hash;
    }
  });
}

let original: AuditRow[] = [];
function restore(): void {
  withDb((db) => {
    db.prepare('DELETE FROM audit_log').run();
    const insert = db.prepare(
      'INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash, key_id) VALUES (@seq, @at, @actor, @action, @target, @detail, @prev_hash, @hash, @key_id)'
    );
    for (const r of original) insert.run(r);
  });
}

function makeEntries(n: number): void {
  for (let i = 0; i < n; i++) {
    const r = cli('tokens', 'create', '--name', `k${i}-${Date.now()}`, '--scope', 'read', '--json');
    expect(r.status).toBe(0);
  }
}

beforeAll(async () => {
  p = await startPlatformProcess();
  home = p.home;
  makeEntries(4);
  original = withDb((_, rows) => rows);
  expect(original.length).toBeGreaterThanOrEqual(5);
}, 60000);

afterAll(async () => {
  await p?.stop();
});

it('entries are signed with the keyring key, kept 0600 in the home and not in the database', () => {
  const ring = keyring();
  expect(ring.keys).toHaveLength(1);
  expect(fs.statSync(keyringFile()).mode & 0o777).toBe(0o600);
  const rows = withDb((_, r) => r);
  for (const r of rows) {
    expect(r.key_id).toBe(ring.keys[0]!.id);
    expect(r.hash).toBe(keyed(ring.keys[0]!.secret)(r));
  }
  const dbBytes = fs.readFileSync(dbFile());
  expect(dbBytes.includes(Buffer.from(ring.keys[0]!.secret))).toBe(false);
  expect(dbBytes.includes(Buffer.from(ring.keys[0]!.secret, 'base64url'))).toBe(false);
  expect(verify().status).toBe(0);
});

describe('without the key, a rewritten chain does not verify', () => {
  afterEach(() => {
    restore();
    expect(verify().status).toBe(0);
  });

  it('an edited entry with every later hash and link recomputed is named', () => {
    rewrite(
      3,
      (r) => (r.seq === 3 ? { ...r, actor: 'mallory' } : r),
      (r) => unkeyed(r, true)
    );
    const v = verify();
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(/BROKEN at entry 3: entry 3 was edited/);
  });

  it('the same chain rewritten as unkeyed entries (as if from before keying) is named', () => {
    rewrite(
      3,
      (r) => ({ ...r, key_id: null, actor: r.seq === 3 ? 'mallory' : r.actor }),
      (r) => unkeyed(r, false)
    );
    const v = verify();
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(/BROKEN at entry 3: entry 3 is not signed with the audit key in use at that entry/);
  });

  it('control: the same rewrite done with the key verifies (so the key is what catches it)', () => {
    rewrite(3, (r) => (r.seq === 3 ? { ...r, actor: 'mallory' } : r), keyed(keyring().keys[0]!.secret));
    expect(verify().status).toBe(0);
  });
});

describe('rotation', () => {
  let before: AuditRow[];
  let oldKey: KeyringFile['keys'][number];

  beforeAll(() => {
    before = withDb((_, rows) => rows);
    oldKey = keyring().keys[0]!;
    const r = cli('audit', 'rotate-key', '--json');
    expect(r.status).toBe(0);
    const rotation = JSON.parse(r.stdout) as { keyId: string; fromSeq: number; keys: number };
    expect(rotation.keys).toBe(2);
    expect(rotation.fromSeq).toBe(before[before.length - 1]!.seq + 2);
    makeEntries(2);
    original = withDb((_, rows) => rows);
  });

  afterEach(() => {
    restore();
    expect(verify().status).toBe(0);
  });

  it('the handover entry is the old key’s last, later entries carry the new key, all verify', () => {
    const ring = keyring();
    expect(ring.keys.map((k) => k.id)).toEqual([oldKey.id, expect.stringMatching(/^ak_[a-z0-9]{16}$/)]);
    const rows = withDb((_, r) => r);
    const handover = rows[before.length]!;
    expect(handover.action).toBe('audit.key.rotate');
    expect(handover.key_id).toBe(oldKey.id);
    expect(JSON.parse(handover.detail)).toEqual({ fromSeq: ring.keys[1]!.fromSeq });
    for (const r of rows.slice(before.length + 1)) expect(r.key_id).toBe(ring.keys[1]!.id);
    const exported = cli('audit', 'export')
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; keyId?: string });
    expect(exported.map((e) => e.keyId)).toEqual(rows.map((r) => r.key_id));
    expect(verify().stdout).toMatch(/audit log ok/);
  });

  it('a retired key cannot forge entries written after the rotation', () => {
    const last = original[original.length - 1]!.seq;
    rewrite(last, (r) => ({ ...r, actor: 'mallory', key_id: oldKey.id }), keyed(oldKey.secret));
    const v = verify();
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(
      new RegExp(`BROKEN at entry ${last}: entry ${last} is not signed with the audit key in use`)
    );
  });

  it('rotation needs an admin', () => {
    const t = JSON.parse(
      cli('tokens', 'create', '--name', 'reader', '--scope', 'read', '--json').stdout
    ) as TokenCreated;
    const r = runCli(['audit', 'rotate-key'], { GENESIS_URL: p.url, GENESIS_TOKEN: t.token });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/admin/);
    original = withDb((_, rows) => rows);
  });
});

describe('a home from before keying', () => {
  it('keeps its old entries verifiable, keys new ones, and catches a deleted keyring', async () => {
    await p.stop();
    // Turn the log into what an earlier version wrote: no key ids, plain SHA-256, no keyring.
    rewrite(
      1,
      (r) => ({ ...r, key_id: null }),
      (r) => unkeyed(r, false)
    );
    fs.rmSync(keyringFile());
    const legacy = withDb((_, rows) => rows.length);

    p = await startPlatformProcess({ home });
    expect(keyring().keys[0]!.fromSeq).toBe(legacy + 1);
    makeEntries(1);
    const rows = withDb((_, r) => r);
    expect(rows.slice(0, legacy).every((r) => r.key_id === null)).toBe(true);
    expect(rows.slice(legacy).every((r) => r.key_id === keyring().keys[0]!.id)).toBe(true);
    expect(verify().status).toBe(0);

    // A lost keyring is not papered over: a new one starts later and the keyed entries are named.
    await p.stop();
    fs.rmSync(keyringFile());
    p = await startPlatformProcess({ home });
    const v = verify();
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(
      new RegExp(
        `BROKEN at entry ${legacy + 1}: entry ${legacy + 1} is signed with audit key ak_\\w+, which the keyring does not hold`
      )
    );
  }, 60000);
});
