import type { Principal, SearchQuery, SearchResult } from '@genesis-lab/contract';
import type { SearchDocumentInput } from './search-document';

/**
 * What the catalog needs from a search engine, and all it knows of one. The catalog calls
 * `write` inside the transaction that writes a record (so a record and what search knows of it
 * commit together) and `changed` after it; everything else is the engine's business. Today's
 * engine is CatalogSearch (SQLite documents + an in-memory index); a shared deployment can put
 * one on a server engine (PostgreSQL full-text search, say) behind the same calls.
 */
export interface SearchEngine {
  /** Store what search needs of record `rid` (replacing what it had). Call inside the record's write transaction. */
  write(rid: number, input: SearchDocumentInput): void;
  /** This connection committed (or rolled back) writes: the next search must see the database as it is now. */
  changed(): void;
  /** Hits, total and facet counts for a query, counting only what the principal may see. */
  search(query: SearchQuery, principal: Principal): SearchResult;
  /** Prepare for searching now (load indexes) rather than on the first query. */
  warm(): void;
  /** Forget cached results (benchmarks measure cold queries with it). */
  clearCache(): void;
  readonly cacheStats: { hits: number; misses: number };
  /** What the index holds: live records, slots (dead ones included), words, postings. */
  readonly indexStats: { records: number; slots: number; words: number; postings: number };
}
