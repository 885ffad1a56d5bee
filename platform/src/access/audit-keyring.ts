import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AuditKeyId, GenesisError } from '@genesis-lab/contract';
import { writeFileAtomic } from '../util/atomic';

/** One key of the audit keyring: it signs the entries from `fromSeq` until the next key's. */
const AuditKey = z
  .object({
    id: AuditKeyId,
    secret: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a key secret is 32 random bytes, base64url'),
    fromSeq: z.number().int().positive(),
    createdAt: z.iso.datetime()
  })
  .strict();
export type AuditKey = z.infer<typeof AuditKey>;

/** The keyring file: oldest key first, each starting after the one before it. */
const AuditKeyringFile = z
  .object({ version: z.literal(1), keys: z.array(AuditKey).min(1) })
  .strict()
  .superRefine((f, ctx) => {
    for (let i = 1; i < f.keys.length; i++)
      if (f.keys[i]!.fromSeq <= f.keys[i - 1]!.fromSeq)
        ctx.addIssue({
          code: 'custom',
          path: ['keys', i, 'fromSeq'],
          message: 'keys must start at increasing entries'
        });
  });
type AuditKeyringFile = z.infer<typeof AuditKeyringFile>;

function newKey(fromSeq: number): AuditKey {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const id = 'ak_' + Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
  return { id, secret: randomBytes(32).toString('base64url'), fromSeq, createdAt: new Date().toISOString() };
}

/**
 * The audit log's signing keys, kept in a 0600 file in the home and never in the database: an
 * attacker who can write the database but not read this file cannot recompute a valid chain.
 * The keyring also records where keying began (the first key's `fromSeq`), so a log rewritten
 * with unkeyed hashes from that entry on is caught. Rotation appends a key (older entries keep
 * verifying with theirs); the caller holds the database's write lock while rotating, so no entry
 * is signed with a key that is about to be superseded.
 */
export class AuditKeyring {
  private constructor(
    private readonly file: string,
    private keys: AuditKey[]
  ) {}

  /**
   * Read the keyring, or create it with one key starting after `lastSeq` (entries up to there
   * were written before the log was keyed and stay verifiable as plain SHA-256).
   */
  static open(file: string, lastSeq: number): AuditKeyring {
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text === undefined) {
      const ring = new AuditKeyring(file, [newKey(lastSeq + 1)]);
      ring.save();
      return ring;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new GenesisError('internal', `The audit keyring ${file} is not JSON; restore it from a backup`);
    }
    const parsed = AuditKeyringFile.safeParse(json);
    if (!parsed.success)
      throw new GenesisError(
        'internal',
        `The audit keyring ${file} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`
      );
    return new AuditKeyring(file, parsed.data.keys);
  }

  /** The key new entries are signed with. */
  get current(): AuditKey {
    return this.keys[this.keys.length - 1]!;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The first entry that must be keyed; entries before it predate keying. */
  get keyedFrom(): number {
    return this.keys[0]!.fromSeq;
  }

  /** The key that signs entry `seq`, or undefined for an entry from before keying. */
  keyFor(seq: number): AuditKey | undefined {
    let found: AuditKey | undefined;
    for (const k of this.keys) if (k.fromSeq <= seq) found = k;
    return found;
  }

  /** Start a new key at entry `fromSeq` (after every entry written so far). */
  rotate(fromSeq: number): AuditKey {
    if (fromSeq <= this.current.fromSeq)
      throw new GenesisError('internal', `A new audit key must start after entry ${this.current.fromSeq}`);
    const key = newKey(fromSeq);
    const next = [...this.keys, key];
    writeKeyring(this.file, { version: 1, keys: next });
    this.keys = next;
    return key;
  }

  private save(): void {
    writeKeyring(this.file, { version: 1, keys: this.keys });
  }
}

function writeKeyring(file: string, content: AuditKeyringFile): void {
  writeFileAtomic(file, JSON.stringify(content, null, 2) + '\n', 0o600);
}
