import { createHash } from 'node:crypto';
import type { AuditEntry, AuditVerification } from '@genesis-lab/contract';
import type { Db } from '../db/database';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** One row of the audit_log table, as stored. */
export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

/** The hash of an entry covers its position, content and the previous entry's hash. */
export function entryHash(r: Omit<AuditRow, 'hash'>): string {
  return createHash('sha256')
    .update(JSON.stringify([r.seq, r.at, r.actor, r.action, r.target, r.detail, r.prev_hash]))
    .digest('hex');
}

function entryOf(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash
  };
}

/**
 * The append-only audit log: each entry holds the previous entry's hash, so an edited, removed,
 * inserted or reordered entry breaks the chain at that entry. Appends run in an immediate
 * transaction (a savepoint when the caller's write is already in one, so the entry commits with
 * the change it records, or neither does); SQLite's write lock keeps the chain linear when the
 * CLI and the server write at once.
 */
export class AuditLog {
  private readonly last;
  private readonly insert;
  private readonly after;
  private readonly all;

  constructor(private readonly db: Db) {
    this.last = db.prepare<[], { seq: number; hash: string }>(
      'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'
    );
    this.insert = db.prepare(
      'INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash) VALUES (@seq, @at, @actor, @action, @target, @detail, @prev_hash, @hash)'
    );
    this.after = db.prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
    this.all = db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq');
  }

  append(actor: string, action: string, target: string, detail: Record<string, unknown> = {}): AuditEntry {
    return this.db
      .transaction(() => {
        const prev = this.last.get();
        const row: Omit<AuditRow, 'hash'> = {
          seq: (prev?.seq ?? 0) + 1,
          at: new Date().toISOString(),
          actor,
          action,
          target,
          detail: JSON.stringify(detail),
          prev_hash: prev?.hash ?? GENESIS_HASH
        };
        const full: AuditRow = { ...row, hash: entryHash(row) };
        this.insert.run(full);
        return entryOf(full);
      })
      .immediate();
  }

  page(after: number, limit: number): { entries: AuditEntry[]; next?: number } {
    const rows = this.after.all(after, limit + 1);
    const more = rows.length > limit;
    const shown = rows.slice(0, limit);
    return { entries: shown.map(entryOf), ...(more ? { next: shown[shown.length - 1]!.seq } : {}) };
  }

  *entries(): Generator<AuditEntry> {
    for (const r of this.all.iterate()) yield entryOf(r);
  }

  /**
   * Walk the chain in order; the first entry whose position, hash or link is wrong is named.
   * Edited: its hash no longer matches. Removed: the next entry's seq skips and its link points
   * at a hash that is not the one before it. Inserted or reordered: seq or link out of place.
   */
  verify(): AuditVerification {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let n = 0;
    for (const r of this.all.iterate()) {
      n++;
      const bad = (reason: string): AuditVerification => ({ ok: false, entries: n, firstBad: { seq: r.seq, reason } });
      if (r.seq !== expectedSeq)
        return bad(
          `entry ${r.seq} is where entry ${expectedSeq} should be (an entry was removed or inserted before it)`
        );
      if (r.prev_hash !== prevHash)
        return bad(`entry ${r.seq} does not link to the entry before it (removed, inserted or reordered)`);
      if (entryHash(r) !== r.hash) return bad(`entry ${r.seq} was edited: its content does not match its hash`);
      prevHash = r.hash;
      expectedSeq++;
    }
    return { ok: true, entries: n };
  }
}
