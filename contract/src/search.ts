import { z } from 'zod';
import { AccessLevel, RecordKind } from './catalog';
import { RecordId, Version } from './ref';

/** Facets that search counts and filters on (the CKAN/STAC shape). */
export const FACETS = ['license', 'accessLevel', 'domain', 'publisher', 'format', 'keywords'] as const;
export const FacetName = z.enum(FACETS);
export type FacetName = z.infer<typeof FacetName>;

export const SearchSort = z.enum(['relevance', 'title', '-title', 'updated', '-updated', 'rows', '-rows']);
export type SearchSort = z.infer<typeof SearchSort>;

export const SEARCH_LIMIT_MAX = 100;

/** One `facet:value` pair; several values of one facet OR together, facets AND together. */
export const FacetFilter = z
  .string()
  .regex(/^[A-Za-z]+:.+$/, 'must be "facet:value", e.g. "license:CC-BY-4.0"')
  .superRefine((s, ctx) => {
    const facet = s.slice(0, s.indexOf(':'));
    if ((FACETS as readonly string[]).includes(facet)) return;
    const near = nearestFacet(facet);
    ctx.addIssue({
      code: 'custom',
      message: `unknown facet "${facet}": facet must be one of ${FACETS.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`
    });
  });

/** The facet a typo most likely meant ("licence" -> "license", "keyword" -> "keywords"), if any. */
function nearestFacet(typed: string): FacetName | undefined {
  const t = typed.toLowerCase();
  const shared = (f: string) => {
    let n = 0;
    while (n < f.length && n < t.length && f[n]!.toLowerCase() === t[n]) n++;
    return n;
  };
  const best = [...FACETS].sort((a, b) => shared(b) - shared(a))[0]!;
  return shared(best) >= 4 ? best : undefined;
}

/**
 * A repeatable query parameter: absent, one value (`?filter=a`) or several (`?filter=a&filter=b`);
 * always an array once parsed. The typed preprocess argument and the default keep the INPUT type
 * honest (optional, a value or an array of values) instead of a required `unknown`.
 */
const arrayOf = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v: z.input<T> | z.input<T>[] | undefined) => (v === undefined || Array.isArray(v) ? v : [v]),
    z.array(item).default([])
  );

/** Query-string of `GET /api/catalog/search`. */
export const SearchQuery = z
  .object({
    q: z.string().max(500, 'query is longer than 500 characters').default(''),
    kind: RecordKind.optional(),
    filter: arrayOf(FacetFilter).describe('Repeatable "facet:value"'),
    sort: SearchSort.default('relevance'),
    limit: z.coerce
      .number()
      .int()
      .min(1, 'limit must be at least 1')
      .max(SEARCH_LIMIT_MAX, `limit must be at most ${SEARCH_LIMIT_MAX}`)
      .default(20),
    cursor: z.string().max(1000).optional().describe('Opaque cursor from a previous page')
  })
  .meta({ id: 'SearchQuery' });
export type SearchQuery = z.infer<typeof SearchQuery>;
export type SearchQueryInput = z.input<typeof SearchQuery>;

export const SearchHit = z
  .object({
    id: RecordId,
    kind: RecordKind,
    title: z.string(),
    description: z.string(),
    keywords: z.array(z.string()),
    license: z.string(),
    accessLevel: AccessLevel,
    domain: z.string().optional(),
    publisher: z.string().optional(),
    /** Absent for metadata-only records (no data held here yet). */
    latestVersion: Version.optional(),
    rowCount: z.number().int().optional(),
    sizeBytes: z.number().int().optional(),
    updatedAt: z.iso.datetime(),
    score: z.number().describe('bm25 relevance, larger is better; 0 without a query'),
    /** Fragments with matches wrapped in <mark>…</mark>; other text is HTML-escaped. */
    highlights: z.object({ title: z.string().optional(), description: z.string().optional() })
  })
  .meta({ id: 'SearchHit' });
export type SearchHit = z.infer<typeof SearchHit>;

export const FacetCount = z.object({ value: z.string(), count: z.number().int() });
export type FacetCount = z.infer<typeof FacetCount>;

export const SearchResult = z
  .object({
    total: z.number().int().nonnegative(),
    hits: z.array(SearchHit),
    facets: z.record(FacetName, z.array(FacetCount)),
    nextCursor: z.string().optional()
  })
  .meta({ id: 'SearchResult' });
export type SearchResult = z.infer<typeof SearchResult>;
