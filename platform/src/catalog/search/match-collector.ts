import { FACETS, type FacetName } from '@genesis-lab/contract';
import { resized } from './postings';
import type { RecordIndex } from './record-index';
import type { Scratch } from './scratch';

/**
 * Facet filters and facet counts, the way faceted search engines do them. Values of one facet
 * OR together and facets AND together: a record matches `domain:a, domain:b, license:x` when
 * its domain is a or b and its licence is x. A facet's counts ignore that facet's own
 * selection (they follow everything else): after choosing domain a, the domain counts still
 * show b and c, so a second domain can be added; every other facet counts the matches.
 *
 * The collector is handed candidate records (already known to match the text, the access rules
 * and the kind) and decides from each record's facet values: a record failing no group is a
 * match (counted in every facet); a record failing exactly one group is counted in that group's
 * facet only; any other record is not counted. Groups on a facet with one value per record are
 * tested with one read of its column (RecordIndex.singleValue) instead of the record's list.
 */
export class MatchCollector {
  /** Per facet value id: the bit of its filter group (0: not selected). */
  private readonly groupBit: Uint8Array;
  /** Facet (index in FACETS) of each group, by its bit (1, 2, 4, ...). */
  private readonly facetOfBit = new Int8Array(64).fill(-1);
  /** Columns of the groups' facets when every group's facet has one value per record. */
  private readonly columns: Int32Array[] | undefined;
  private readonly required: number;
  readonly counts: Int32Array;
  /** Matching slots, their sort keys, and their scores when the query has words but sorts by a field. */
  slots: Int32Array;
  keys: Float64Array;
  scores: Float64Array | undefined;
  total = 0;

  /** `groups`: per filtered facet, the value ids selected (an empty list matches nothing). */
  constructor(
    private readonly idx: RecordIndex,
    groups: Map<FacetName, number[]>,
    private readonly scratch: Scratch
  ) {
    this.groupBit = new Uint8Array(idx.facetValues.size);
    this.counts = new Int32Array(idx.facetValues.size);
    let g = 0;
    const facets: number[] = [];
    for (const [facet, ids] of groups) {
      for (const id of ids) this.groupBit[id] = 1 << g;
      const f = FACETS.indexOf(facet);
      this.facetOfBit[1 << g] = f;
      facets.push(f);
      g++;
    }
    this.required = (1 << g) - 1;
    if (facets.every((f) => !idx.multiValued[f])) this.columns = facets.map((f) => idx.singleValue[f]!);
    ({ slots: this.slots, keys: this.keys } = scratch.matches());
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
    if (this.columns) {
      for (const column of this.columns) {
        const v = column[slot]!;
        if (v >= 0) present |= this.groupBit[v]!;
      }
    } else if (this.required) for (let k = from; k < to; k++) present |= this.groupBit[ids[k]!]!;
    const fails = this.required & ~present;
    if (fails === 0) {
      for (let k = from; k < to; k++) this.counts[ids[k]!]!++;
      return true;
    }
    if ((fails & (fails - 1)) === 0) {
      const facet = this.facetOfBit[fails]!;
      if (this.columns) {
        const v = this.idx.singleValue[facet]![slot]!;
        if (v >= 0) this.counts[v]!++;
      } else {
        const facetOf = this.idx.facetValues.facetOf;
        for (let k = from; k < to; k++) if (facetOf[ids[k]!] === facet) this.counts[ids[k]!]!++;
      }
    }
    return false;
  }

  add(slot: number, key: number, score?: number): void {
    if (this.total === this.slots.length) {
      ({ slots: this.slots, keys: this.keys } = this.scratch.matches(this.total * 2, this.total));
      if (this.scores) this.scores = resized(this.scores, this.total * 2);
    }
    if (score !== undefined) (this.scores ??= new Float64Array(this.slots.length))[this.total] = score;
    this.slots[this.total] = slot;
    this.keys[this.total++] = key;
  }
}
