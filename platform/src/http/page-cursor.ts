import { createHash } from 'node:crypto';
import { GenesisError } from '@genesis-lab/contract';

/** A position in a listing's sort order: the sort key and id of the last item of a page. */
export type SortKey = number | string | null;
export interface CursorPosition {
  key: SortKey;
  id: string;
}

interface CursorBody {
  v: 1;
  q: string;
  k: SortKey;
  id: string;
}

/**
 * Opaque keyset cursors, one codec for every paged listing (catalog search, jobs). A cursor
 * holds the position after which the next page starts and a fingerprint of the query it
 * belongs to, so pages never repeat or skip an item while the data is unchanged, and a cursor
 * reused with another query is refused (400, naming the query parameters that must stay the
 * same) instead of silently paging through something else. The page size is not part of the
 * query: a client may change it between pages.
 */
export class PageCursor<Q> {
  constructor(
    /** The query parameters that select and order the items, as the client names them. */
    private readonly parameters: readonly string[],
    /** Those parameters' values, normalised (sorted lists, trimmed text) so equal queries match. */
    private readonly identity: (query: Q) => unknown
  ) {}

  private fingerprint(query: Q): string {
    return createHash('sha256')
      .update(JSON.stringify(this.identity(query)))
      .digest('base64url')
      .slice(0, 16);
  }

  encode(query: Q, key: SortKey, id: string): string {
    const body: CursorBody = { v: 1, q: this.fingerprint(query), k: key, id };
    return Buffer.from(JSON.stringify(body)).toString('base64url');
  }

  decode(query: Q, cursor: string): CursorPosition {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw this.refuse('it is not a cursor this platform issued');
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
      throw this.refuse('it is not a cursor this platform issued');
    if (b.q !== this.fingerprint(query))
      throw this.refuse(`it belongs to a different query (${list(this.parameters, 'or')} changed)`);
    return { key: b.k, id: b.id };
  }

  private refuse(why: string): GenesisError {
    return new GenesisError('bad_request', `Invalid cursor: ${why}`, {
      issues: [{ path: 'query.cursor', message: why }],
      hint: `Pass the nextCursor of the previous page unchanged, with the same ${list(this.parameters, 'and')}`
    });
  }
}

function list(words: readonly string[], conjunction: string): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} ${conjunction} ${words.at(-1)}`;
}
