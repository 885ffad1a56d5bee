import { FACETS, type FacetName } from '@genesis-lab/contract';
import type { Db } from '../../db/database';
import { Dictionary } from './dictionary';
import { resized } from './postings';

/** Key of a facet value in its dictionary: facet names hold no NUL. */
function keyOf(facet: FacetName, value: string): string {
  return `${facet}\u0000${value}`;
}

/**
 * The catalog's facet values (licence CC-BY-4.0, keyword "ozone", ...), numbered in
 * `catalog_search_facet_values`, with each value's facet and text at hand by id.
 */
export class FacetDictionary extends Dictionary {
  /** Facet of each value, as its index in FACETS. */
  facetOf = new Uint8Array(256);
  readonly values: string[] = [];

  constructor(db: Db) {
    super(db, {
      select: 'SELECT id, facet || char(0) || value FROM catalog_search_facet_values WHERE id >= ? ORDER BY id',
      insert: 'INSERT INTO catalog_search_facet_values (id, facet, value) VALUES (?, ?, ?)',
      values: (key) => [key.slice(0, key.indexOf('\u0000')), key.slice(key.indexOf('\u0000') + 1)],
      max: 'SELECT MAX(id) FROM catalog_search_facet_values'
    });
  }

  idOfValue(facet: FacetName, value: string): number | undefined {
    return this.idOf(keyOf(facet, value));
  }

  internValue(facet: FacetName, value: string): number {
    return this.intern(keyOf(facet, value));
  }

  protected override keysChanged(): void {
    if (this.values.length > this.size) this.values.length = this.size;
    if (this.facetOf.length < this.size)
      this.facetOf = resized(this.facetOf, Math.max(this.size, this.facetOf.length * 2));
    for (let id = this.values.length; id < this.size; id++) {
      const key = this.keys[id]!;
      const cut = key.indexOf('\u0000');
      this.facetOf[id] = FACETS.indexOf(key.slice(0, cut) as FacetName);
      this.values.push(key.slice(cut + 1));
    }
  }
}

/**
 * How many live records carry each facet value, per partition (record kind x access level),
 * kept as records are indexed and removed: browsing reads its facet counts and total here
 * instead of counting every record, and a principal's counts are the sum of the partitions it
 * may see, exact and never including what it may not.
 */
export class FacetCounts {
  /** counts[partition][value id] */
  readonly counts: Int32Array[];
  /** Live records per partition. */
  readonly records: Float64Array;

  constructor(readonly partitions: number) {
    this.counts = Array.from({ length: partitions }, () => new Int32Array(256));
    this.records = new Float64Array(partitions);
  }

  /** A record of `partition` carrying the value ids `ids[from..to)` became live (+1) or died (-1). */
  count(partition: number, ids: Int32Array, from: number, to: number, delta: 1 | -1): void {
    let c = this.counts[partition]!;
    for (let i = from; i < to; i++) {
      const id = ids[i]!;
      if (id >= c.length) {
        for (let p = 0; p < this.partitions; p++)
          this.counts[p] = resized(this.counts[p]!, Math.max(id + 1, c.length * 2));
        c = this.counts[partition]!;
      }
      c[id]! += delta;
    }
    this.records[partition]! += delta;
  }

  /** Facet counts of every live record in the allowed partitions (no record is visited). */
  visible(allowed: Uint8Array, values: number): Int32Array {
    const out = new Int32Array(values);
    for (let p = 0; p < this.partitions; p++) {
      if (!allowed[p]) continue;
      const c = this.counts[p]!;
      for (let id = 0; id < Math.min(values, c.length); id++) out[id]! += c[id]!;
    }
    return out;
  }
}
