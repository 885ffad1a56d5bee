import type { FacetCount, FacetName } from '@genesis-lab/contract';

/**
 * Results of recent queries, so the next page, or the same query again, reuses the matches
 * instead of evaluating them again. An entry belongs to one index generation: after any change
 * to the catalog (a re-import, an access level changed by another process) it is never served.
 */
export interface CachedResult {
  generation: number;
  total: number;
  facets: Record<FacetName, FacetCount[]>;
  /** The matching slots and their sort keys (score, or rank in the sort's order). */
  slots: Int32Array;
  keys: Float64Array;
  /** Scores, when the query has words and its keys are ranks. */
  scores: Float64Array | undefined;
}

/** Budget in cached matches (12 bytes each): about 24 MB. */
const MAX_MATCHES = 2_000_000;

export class ResultCache {
  private readonly entries = new Map<string, CachedResult>();
  private matches = 0;
  readonly stats = { hits: 0, misses: 0 };

  get(key: string, generation: number): CachedResult | undefined {
    const hit = this.entries.get(key);
    if (!hit || hit.generation !== generation) {
      this.stats.misses++;
      return undefined;
    }
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, hit);
    this.stats.hits++;
    return hit;
  }

  set(key: string, entry: CachedResult): void {
    this.drop(key);
    if (entry.slots.length > MAX_MATCHES / 4) return;
    this.entries.set(key, entry);
    this.matches += entry.slots.length;
    for (const [k, e] of this.entries) {
      if (this.matches <= MAX_MATCHES && e.generation === entry.generation) break;
      this.drop(k);
    }
  }

  clear(): void {
    this.entries.clear();
    this.matches = 0;
  }

  private drop(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.matches -= e.slots.length;
  }
}
