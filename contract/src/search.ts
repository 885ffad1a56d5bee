import { z } from 'zod';
import { AccessLevel, RecordKind } from './catalog';
import { FACETS, SEARCH_LIMIT_MAX, nearestFacet } from './core/search';
import { listParam } from './query';
import { RecordId, Version } from './ref';

export const FacetName = z.enum(FACETS);
export type FacetName = z.infer<typeof FacetName>;

export const SearchSort = z.enum(['relevance', 'title', '-title', 'updated', '-updated', 'rows', '-rows']);
export type SearchSort = z.infer<typeof SearchSort>;

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

/** Query-string of `GET /api/catalog/search`. */
export const SearchQuery = z
  .object({
    q: z.string().max(500, 'query is longer than 500 characters').default(''),
    kind: RecordKind.optional(),
    filter: listParam('repeat', FacetFilter).default([]).describe('Repeatable "facet:value"'),
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

/**
 * A piece of highlighted text: plain text, never HTML, so every front end renders it safely its
 * own way (a <mark> element, bold in a terminal) and nothing is escaped twice.
 */
export const HighlightSpan = z.object({ text: z.string(), mark: z.boolean() }).meta({ id: 'HighlightSpan' });
export type HighlightSpan = z.infer<typeof HighlightSpan>;

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
    /** The title (whole) and a fragment of the description, as text spans; `mark` spans matched the query. */
    highlights: z.object({ title: z.array(HighlightSpan).optional(), description: z.array(HighlightSpan).optional() })
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
