import { createHash, createHmac } from 'node:crypto';
import type { AuditEntry, AuditKeyRotation, AuditQuery, AuditVerification } from '@genesis-lab/contract';
import type { Db } from '../db/database';
import { AuditKeyring, type AuditKey } from './audit-keyring';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

interface PageParams {
  after: number;
  limit: number;
  actor: string | null;
  action: string | null;
  since: string | null;
  until: string | null;
}

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
  /** The audit key that signed it; null for an entry from before the log was keyed. */
  key_id: string | null;
}

/**
 * The hash of an entry covers its position, content, the previous entry's hash and its key id:
 * an HMAC-SHA256 under its audit key, or (an entry from before keying, `key` undefined) a plain
 * SHA-256 of the same text without the key id.
 */
export function entryHash(r: Omit<AuditRow, 'hash'>, key: AuditKey | undefined): string {
  const fields = [r.seq, r.at, r.actor, r.action, r.target, r.detail, r.prev_hash];
  if (!key) return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
  return createHmac('sha256', Buffer.from(key.secret, 'base64url'))
    .update(JSON.stringify([...fields, r.key_id]))
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
    hash: r.hash,
    ...(r.key_id ? { keyId: r.key_id } : {})
  };
}

/**
 * The append-only audit log: each entry holds the previous entry's hash, so an edited, removed,
 * inserted or reordered entry breaks the chain at that entry. Appends run in an immediate
 * transaction (a savepoint when the caller's write is already in one, so the entry commits with
 * the change it records, or neither does); SQLite's write lock keeps the chain linear when the
 * CLI and the server write at once. Entries are signed with the keyring's current key (see
 * audit-keyring.ts), so the database alone is not enough to forge a chain that verifies.
 */
export class AuditLog {
  private readonly last;
  private readonly insert;
  private readonly after;
  private readonly all;

  constructor(
    private readonly db: Db,
    private readonly keyring: AuditKeyring
  ) {
    this.last = db.prepare<[], { seq: number; hash: string }>(
      'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'
    );
    this.insert = db.prepare(
      'INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash, key_id) VALUES (@seq, @at, @actor, @action, @target, @detail, @prev_hash, @hash, @key_id)'
    );
    // One statement for every filter combination: an absent filter is NULL and matches all.
    this.after = db.prepare<[PageParams], AuditRow>(
      `SELECT * FROM audit_log WHERE seq > @after
         AND (@actor IS NULL OR actor = @actor)
         AND (@action IS NULL OR action = @action OR substr(action, 1, length(@action) + 1) = @action || '.')
         AND (@since IS NULL OR at >= @since)
         AND (@until IS NULL OR at < @until)
       ORDER BY seq LIMIT @limit`
    );
    this.all = db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq');
  }

  /** The log in `db`, signed with the keyring in `keyringFile` (created on first use). */
  static open(db: Db, keyringFile: string): AuditLog {
    const last = db.prepare<[], { seq: number }>('SELECT max(seq) AS seq FROM audit_log').get()?.seq ?? 0;
    return new AuditLog(db, AuditKeyring.open(keyringFile, last));
  }

  /** The last entry's seq (0 for an empty log). */
  lastSeq(): number {
    return this.last.get()?.seq ?? 0;
  }

  append(actor: string, action: string, target: string, detail: Record<string, unknown> = {}): AuditEntry {
    return this.db.transaction(() => this.appendLocked(actor, action, target, detail)).immediate();
  }

  /**
   * Start a new audit key. The handover entry (`audit.key.rotate`, naming the new key) is the
   * last one the old key signs; the keyring is written inside the same write transaction, so
   * no other entry can be appended between them, and a crash before the commit leaves a keyring
   * whose new key simply starts one entry later than the log has reached (still consistent).
   */
  rotateKey(actor: string): AuditKeyRotation {
    return this.db
      .transaction(() => {
        const fromSeq = this.lastSeq() + 2;
        const handover = this.appendLocked(actor, 'audit.key.rotate', this.keyring.current.id, { fromSeq });
        const key = this.keyring.rotate(handover.seq + 1);
        return { keyId: key.id, fromSeq: key.fromSeq, keys: this.keyring.size };
      })
      .immediate();
  }

  private appendLocked(actor: string, action: string, target: string, detail: Record<string, unknown>): AuditEntry {
    const prev = this.last.get();
    const seq = (prev?.seq ?? 0) + 1;
    const key = this.keyring.keyFor(seq);
    const row: Omit<AuditRow, 'hash'> = {
      seq,
      at: new Date().toISOString(),
      actor,
      action,
      target,
      detail: JSON.stringify(detail),
      prev_hash: prev?.hash ?? GENESIS_HASH,
      key_id: key?.id ?? null
    };
    const full: AuditRow = { ...row, hash: entryHash(row, key) };
    this.insert.run(full);
    return entryOf(full);
  }

  /**
   * A page of entries after `after`, filtered. Times compare as the stored ISO text, so the
   * bounds are normalized to the same form (UTC, milliseconds) first.
   */
  page(q: AuditQuery): { entries: AuditEntry[]; next?: number } {
    const { after, limit } = q;
    const rows = this.after.all({
      after,
      limit: limit + 1,
      actor: q.actor ?? null,
      action: q.action ?? null,
      since: q.since ? new Date(q.since).toISOString() : null,
      until: q.until ? new Date(q.until).toISOString() : null
    });
    const more = rows.length > limit;
    const shown = rows.slice(0, limit);
    return { entries: shown.map(entryOf), ...(more ? { next: shown[shown.length - 1]!.seq } : {}) };
  }

  *entries(): Generator<AuditEntry> {
    for (const r of this.all.iterate()) yield entryOf(r);
  }

  /**
   * Walk the chain in order; the first entry whose position, key, hash or link is wrong is named.
   * Edited: its hash no longer matches. Removed: the next entry's seq skips and its link points
   * at a hash that is not the one before it. Inserted or reordered: seq or link out of place.
   * Re-signed: an entry from where keying began on must carry the key the keyring says signed it.
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
      const key = this.keyring.keyFor(r.seq);
      if ((r.key_id ?? undefined) !== key?.id)
        return bad(
          key
            ? `entry ${r.seq} is not signed with the audit key in use at that entry (${key.id}): it was rewritten`
            : `entry ${r.seq} is signed with audit key ${r.key_id}, which the keyring does not hold for it (the keyring was lost or replaced, or the entry rewritten)`
        );
      if (entryHash(r, key) !== r.hash) return bad(`entry ${r.seq} was edited: its content does not match its hash`);
      prevHash = r.hash;
      expectedSeq++;
    }
    return { ok: true, entries: n };
  }
}
