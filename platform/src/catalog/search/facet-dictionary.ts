import { FACETS, type FacetName } from '@genesis-lab/contract';
import { resized } from './postings';

/**
 * Every facet value of the catalog (licence CC-BY-4.0, keyword "ozone", ...), numbered, and
 * how many live records carry each, per partition (record kind x access level). The counts are
 * kept as records are indexed and removed, so browsing the catalog reads its facet counts and
 * total from here instead of counting every record, and a principal's counts are the sum of
 * the partitions it may see: exact, and never including what it may not.
 */
export class FacetDictionary {
  private readonly ids = new Map<string, number>();
  /** Facet of each value, as its index in FACETS. */
  facetOf = new Uint8Array(256);
  readonly values: string[] = [];
  /** counts[partition][value id]: live records of that partition carrying the value. */
  readonly counts: Int32Array[];
  /** Live records per partition. */
  readonly records: Float64Array;

  constructor(readonly partitions: number) {
    this.counts = Array.from({ length: partitions }, () => new Int32Array(256));
    this.records = new Float64Array(partitions);
  }

  get size(): number {
    return this.values.length;
  }

  idOf(facet: FacetName, value: string): number | undefined {
    return this.ids.get(`${facet}\u0000${value}`);
  }

  intern(facet: FacetName, value: string): number {
    const key = `${facet}\u0000${value}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.values.length;
      if (id === this.facetOf.length) {
        this.facetOf = resized(this.facetOf, id * 2);
        for (let p = 0; p < this.partitions; p++) this.counts[p] = resized(this.counts[p]!, id * 2);
      }
      this.facetOf[id] = FACETS.indexOf(facet);
      this.values.push(value);
      this.ids.set(key, id);
    }
    return id;
  }

  /** A record of `partition` carrying the value ids `ids[from..to)` became live (+1) or died (-1). */
  count(partition: number, ids: Int32Array, from: number, to: number, delta: 1 | -1): void {
    const c = this.counts[partition]!;
    for (let i = from; i < to; i++) c[ids[i]!]! += delta;
    this.records[partition]! += delta;
  }
}
