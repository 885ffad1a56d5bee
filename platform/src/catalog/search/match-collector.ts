import { FACETS, type FacetName } from '@genesis-lab/contract';
import type { RecordIndex } from './record-index';
import { resized } from './postings';

/**
 * Facet filters and facet counts, the way faceted search engines do them. Values of one facet
 * OR together and facets AND together: a record matches `domain:a, domain:b, license:x` when
 * its domain is a or b and its licence is x. A facet's counts ignore that facet's own
 * selection (they follow everything else): after choosing domain a, the domain counts still
 * show b and c, so a second domain can be added; every other facet counts the matches.
 *
 * The collector is handed candidate records (already known to match the text, the access rules
 * and the kind) and decides in one pass over each record's facet values: a record failing no
 * group is a match (counted in every facet); a record failing exactly one group is counted in
 * that group's facet only; any other record is not counted.
 */
export class MatchCollector {
  /** Per facet value id: the bit of its filter group (0: not selected). */
  private readonly groupBit: Uint8Array;
  /** Facet (index in FACETS) of each single-group failure mask (1, 2, 4, ...). */
  private readonly failedFacet = new Int8Array(64).fill(-1);
  private readonly required: number;
  readonly counts: Int32Array;
  /** Matching slots, their sort keys, and their scores when the query has words but sorts by a field. */
  slots = new Int32Array(1024);
  keys = new Float64Array(1024);
  scores: Float64Array | undefined;
  total = 0;

  /** `groups`: per filtered facet, the value ids selected (an empty list matches nothing). */
  constructor(
    private readonly idx: RecordIndex,
    groups: Map<FacetName, number[]>
  ) {
    this.groupBit = new Uint8Array(idx.facetValues.size);
    this.counts = new Int32Array(idx.facetValues.size);
    let g = 0;
    for (const [facet, ids] of groups) {
      for (const id of ids) this.groupBit[id] = 1 << g;
      this.failedFacet[1 << g] = FACETS.indexOf(facet);
      g++;
    }
    this.required = (1 << g) - 1;
  }

  /**
   * Count a candidate's facet values as the rule says; true when it passes every filter group
   * (the caller then records it as a match with `add`).
   */
  consider(slot: number): boolean {
    const ids = this.idx.facetIds;
    const from = this.idx.facetStart[slot]!;
    const to = this.idx.facetStart[slot + 1]!;
    let present = 0;
    if (this.required) for (let k = from; k < to; k++) present |= this.groupBit[ids[k]!]!;
    const fails = this.required & ~present;
    if (fails === 0) {
      for (let k = from; k < to; k++) this.counts[ids[k]!]!++;
      return true;
    }
    if ((fails & (fails - 1)) === 0) {
      const facet = this.failedFacet[fails]!;
      const facetOf = this.idx.facetValues.facetOf;
      for (let k = from; k < to; k++) if (facetOf[ids[k]!] === facet) this.counts[ids[k]!]!++;
    }
    return false;
  }

  add(slot: number, key: number, score?: number): void {
    if (this.total === this.slots.length) {
      this.slots = resized(this.slots, this.total * 2);
      this.keys = resized(this.keys, this.total * 2);
      if (this.scores) this.scores = resized(this.scores, this.total * 2);
    }
    if (score !== undefined) (this.scores ??= new Float64Array(this.slots.length))[this.total] = score;
    this.slots[this.total] = slot;
    this.keys[this.total++] = key;
  }
}
