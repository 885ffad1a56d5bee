import type { HighlightSpan } from '../search';
import { closest } from './suggest';

/** Facets that search counts and filters on (the CKAN/STAC shape). */
export const FACETS = ['license', 'accessLevel', 'domain', 'publisher', 'format', 'keywords', 'kind'] as const;
export const SEARCH_LIMIT_MAX = 100;

/** The facet a typo most likely meant ("licence" -> "license", "keyword" -> "keywords"), if any. */
export function nearestFacet(typed: string): (typeof FACETS)[number] | undefined {
  return closest(typed, FACETS, 1)[0] as (typeof FACETS)[number] | undefined;
}

/** A highlight as plain text (what a terminal or a text/plain output shows). */
export function spansText(spans: readonly HighlightSpan[]): string {
  return spans.map((s) => s.text).join('');
}
