import { FACETS, type FacetCount, type FacetName } from '@genesis-lab/contract';
import type { FacetDictionary } from './facet-dictionary';
import { TopK } from './top-k';

/** Values shown per facet. */
export const FACET_VALUES_MAX = 50;

/**
 * Counts per facet value id as the contract's facet lists: per facet the values with a
 * non-zero count, most frequent first (ties by value), at most FACET_VALUES_MAX of them.
 */
export function facetLists(dict: FacetDictionary, counts: Int32Array): Record<FacetName, FacetCount[]> {
  const tops = FACETS.map(
    () =>
      new TopK(
        FACET_VALUES_MAX,
        (a, b) => counts[a]! > counts[b]! || (counts[a] === counts[b] && dict.values[a]! < dict.values[b]!)
      )
  );
  for (let id = 0; id < dict.size; id++) if (counts[id]! > 0) tops[dict.facetOf[id]!]!.offer(id);
  return Object.fromEntries(
    FACETS.map((f, i) => [f, tops[i]!.sorted().map((id) => ({ value: dict.values[id]!, count: counts[id]! }))])
  ) as Record<FacetName, FacetCount[]>;
}
