import type { FacetName } from '@genesis-lab/contract';
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
  const sizes = [...groups.values()]
    .map((ids) => ({ ids, n: ids.reduce((s, id) => s + idx.facetPostings.count(id), 0) }))
    .sort((a, b) => a.n - b.n);
  const { stamps, stamp } = scratch.freshStamps(idx.slotCount, 2);
  sizes.slice(0, 2).forEach(({ ids }, i) => {
    // A record with two selected values of one facet is in two postings lists: visit it once.
    const mark = stamp + i;
    for (const id of ids)
      for (const seg of idx.facetPostings.segments) {
        if (id >= seg.keys) continue;
        for (let p = seg.start[id]!, end = seg.start[id + 1]!; p < end; p++) {
          const slot = seg.slots[p]!;
          if (stamps[slot] === stamp || stamps[slot] === mark) continue;
          stamps[slot] = mark;
          if (allowed[idx.state[slot]!] && collector.consider(slot)) collector.add(slot, rank[slot]!);
        }
      }
  });
}
