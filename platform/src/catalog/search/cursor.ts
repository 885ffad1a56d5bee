import { createHash } from 'node:crypto';
import { GenesisError, type SearchQuery } from '@genesis-lab/contract';

/**
 * Opaque keyset cursors. A cursor holds the sort key and id of the last hit of a page and a
 * fingerprint of the query it belongs to; the next page starts strictly after that key, so
 * pages never repeat or skip a record while the catalog is unchanged. A cursor used with a
 * different query (text, kind, filters or sort) is refused.
 */
export type SortKey = number | string | null;

interface CursorBody {
  v: 1;
  q: string;
  k: SortKey;
  id: string;
}

/** What identifies a query for its cursors (not limit: a client may change page size). */
export function queryFingerprint(q: SearchQuery): string {
  const canonical = JSON.stringify([q.q.trim(), q.kind ?? '', [...q.filter].sort(), q.sort]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodeCursor(q: SearchQuery, key: SortKey, id: string): string {
  const body: CursorBody = { v: 1, q: queryFingerprint(q), k: key, id };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function badCursor(why: string): GenesisError {
  return new GenesisError('bad_request', `Invalid cursor: ${why}`, {
    issues: [{ path: 'query.cursor', message: why }],
    hint: 'Pass the nextCursor of the previous page unchanged, with the same q, kind, filter and sort'
  });
}

export function decodeCursor(q: SearchQuery, cursor: string): { key: SortKey; id: string } {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('it is not a cursor this platform issued');
  }
  const b = body as Partial<CursorBody>;
  if (
    typeof b !== 'object' ||
    b === null ||
    b.v !== 1 ||
    typeof b.q !== 'string' ||
    typeof b.id !== 'string' ||
    !(b.k === null || typeof b.k === 'number' || typeof b.k === 'string')
  )
    throw badCursor('it is not a cursor this platform issued');
  if (b.q !== queryFingerprint(q)) throw badCursor('it belongs to a different query (q, kind, filter or sort changed)');
  return { key: b.k, id: b.id };
}
