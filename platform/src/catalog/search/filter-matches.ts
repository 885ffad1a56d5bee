import { FACETS, type FacetName } from '@genesis-lab/contract';
import type { MatchCollector } from './match-collector';
import type { RecordIndex } from './record-index';
import type { Scratch } from './scratch';

/**
 * Hand the collector the records a filter-only query (no words) must look at, with their rank
 * in the query's sort order as key. A record is counted when it fails at most one filter group
 * (see MatchCollector), so candidates are the records of the smallest group (all matches are
 * among them) and of the second smallest (the records failing only the smallest group); any
 * other record fails two groups. Each group's records come from its values' postings lists.
 */
export function collectFilterMatches(
  idx: RecordIndex,
  scratch: Scratch,
  groups: Map<FacetName, number[]>,
  allowed: Uint8Array,
  collector: MatchCollector,
  rank: Int32Array
): void {
  const sizes = [...groups]
    .map(([facet, ids]) => ({ facet, ids, n: ids.reduce((s, id) => s + idx.facetPostings.count(id), 0) }))
    .sort((a, b) => a.n - b.n);
  const { stamps, stamp } = scratch.freshStamps(idx.slotCount, 2);
  const [smallest, second] = sizes;
  // A record with two selected values of one facet is in two postings lists: visit it once.
  eachRecord(idx, smallest!.ids, stamps, stamp, (slot) => {
    if (allowed[idx.state[slot]!] && collector.consider(slot)) collector.add(slot, rank[slot]!);
  });
  if (!second) return;
  const facet = FACETS.indexOf(smallest!.facet);
  if (sizes.length === 2 && !idx.multiValued[facet]) {
    // Records of the second group outside the smallest: they fail only the smallest group, so they
    // count in its facet, where each has at most one value.
    const column = idx.singleValue[facet]!;
    const counts = collector.counts;
    eachRecord(idx, second.ids, stamps, stamp + 1, (slot) => {
      if (stamps[slot] === stamp || !allowed[idx.state[slot]!]) return;
      const v = column[slot]!;
      if (v >= 0) counts[v]!++;
    });
  } else
    eachRecord(idx, second.ids, stamps, stamp + 1, (slot) => {
      if (stamps[slot] !== stamp && allowed[idx.state[slot]!]) collector.consider(slot);
    });
}

/** Each slot of the values' postings once: stamped with `mark` after `fn` saw it, so `fn` still reads an earlier pass's stamp. */
function eachRecord(
  idx: RecordIndex,
  ids: number[],
  stamps: Int32Array,
  mark: number,
  fn: (slot: number) => void
): void {
  for (const id of ids)
    for (const seg of idx.facetPostings.segments) {
      if (id >= seg.keys) continue;
      for (let p = seg.start[id]!, end = seg.start[id + 1]!; p < end; p++) {
        const slot = seg.slots[p]!;
        if (stamps[slot] === mark) continue;
        fn(slot);
        stamps[slot] = mark;
      }
    }
}
