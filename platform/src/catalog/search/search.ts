import {
  FACETS,
  type AccessLevel,
  type FacetCount,
  type FacetName,
  type Principal,
  type SearchHit,
  type SearchQuery,
  type SearchResult
} from '@genesis-lab/contract';
import type { Db } from '../../db/database';
import { visibleLevels } from '../access';
import type { RecordRow, StoredMetadata } from '../record-store';
import { decodeCursor, encodeCursor, type SortKey } from './cursor';
import { ELLIPSIS, MARK_CLOSE, MARK_OPEN, markedHtml } from './highlight';
import { matchExpression } from './match-expression';

/**
 * Relevance: a sum of bm25 scores over column groups, title (with the id's name) > keywords >
 * description > fields/units > creators/publisher/domain. Each group saturates on its own
 * (bm25's term-frequency saturation would otherwise let a long description drown a title
 * match), so a record matching in its title and elsewhere beats one matching only elsewhere.
 * Columns: title, name, keywords, description, fields, agents.
 */
const BM25 = [
  '4.0 * bm25(catalog_fts, 1.0, 0.8, 0, 0, 0, 0)',
  '2.0 * bm25(catalog_fts, 0, 0, 1.0, 0, 0, 0)',
  '1.5 * bm25(catalog_fts, 0, 0, 0, 1.0, 0, 0)',
  '1.0 * bm25(catalog_fts, 0, 0, 0, 0, 1.0, 0)',
  '0.5 * bm25(catalog_fts, 0, 0, 0, 0, 0, 1.0)'
].join(' + ');
const FACET_VALUES_MAX = 50;

interface Order {
  /** SQL for the sort key. */
  key: string;
  desc: boolean;
}

/** Sort keys; ties are broken by id in the same direction, so (key, id) is a total order for keyset paging. */
function orderOf(sort: SearchQuery['sort'], hasMatch: boolean): Order {
  switch (sort) {
    case 'relevance':
      // bm25() is negative, more negative = more relevant; without query text, browse by title.
      return hasMatch ? { key: 's.score', desc: false } : { key: 'r.title_key', desc: false };
    case 'title':
      return { key: 'r.title_key', desc: false };
    case '-title':
      return { key: 'r.title_key', desc: true };
    case 'updated':
      return { key: 'r.updated_at', desc: false };
    case '-updated':
      return { key: 'r.updated_at', desc: true };
    case 'rows':
      return { key: 'IFNULL(r.latest_rows, -1)', desc: false };
    case '-rows':
      return { key: 'IFNULL(r.latest_rows, -1)', desc: true };
  }
}

interface PageRow extends RecordRow {
  score: number;
  sort_key: SortKey;
}

/**
 * Full-text search over the catalog with access filtering applied first, so totals and
 * facet counts only ever count what the principal may see.
 */
export class CatalogSearch {
  constructor(private readonly db: Db) {}

  search(query: SearchQuery, principal: Principal): SearchResult {
    const levels = visibleLevels(principal);
    const match = matchExpression(query.q);
    const filters = groupFilters(query.filter);
    const order = orderOf(query.sort, match !== undefined);

    // The matching set, as SQL over `s` (full-text scores) and `r` (records); parameters in order.
    const where: string[] = [`r.access_level IN (${levels.map(() => '?').join(', ')})`];
    const params: unknown[] = [...levels];
    if (query.kind) {
      where.push('r.kind = ?');
      params.push(query.kind);
    }
    for (const [facet, values] of filters) {
      where.push(
        `r.rid IN (SELECT rid FROM catalog_facets WHERE facet = ? AND value IN (${values.map(() => '?').join(', ')}))`
      );
      params.push(facet, ...values);
    }
    const from = match
      ? `(SELECT rowid AS rid, ${BM25} AS score FROM catalog_fts WHERE catalog_fts MATCH ?) s JOIN catalog_records r ON r.rid = s.rid`
      : `catalog_records r`;
    const fromParams = match ? [match] : [];
    const scoreSql = match ? 's.score' : '0';

    // Keyset: strictly after the cursor's (key, id) in the sort direction.
    const pageWhere = [...where];
    const pageParams = [...params];
    if (query.cursor) {
      const c = decodeCursor(query, query.cursor);
      const cmp = order.desc ? '<' : '>';
      pageWhere.push(`(${order.key}, r.id) ${cmp} (?, ?)`);
      pageParams.push(c.key, c.id);
    }
    const dir = order.desc ? 'DESC' : 'ASC';
    const rows = this.db
      .prepare<unknown[], PageRow>(
        `SELECT r.*, ${scoreSql} AS score, ${order.key} AS sort_key FROM ${from}
         WHERE ${pageWhere.join(' AND ')} ORDER BY ${order.key} ${dir}, r.id ${dir} LIMIT ?`
      )
      .all(...fromParams, ...pageParams, query.limit + 1);
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;

    const browseAll = !match && filters.size === 0 && (query.kind === undefined || query.kind === 'dataset');
    const { total, facets } = browseAll
      ? this.browseTotals(levels)
      : this.countMatching(from, fromParams, where, params);

    const highlights = match
      ? this.highlights(
          match,
          page.map((r) => r.rid)
        )
      : new Map<number, SearchHit['highlights']>();
    const last = page[page.length - 1];
    return {
      total,
      hits: page.map((r) => hitOf(r, highlights.get(r.rid) ?? {})),
      facets,
      ...(more && last ? { nextCursor: encodeCursor(query, last.sort_key, last.id) } : {})
    };
  }

  /** Totals and facet counts kept up to date on every write, summed over the visible access levels. */
  private browseTotals(levels: AccessLevel[]): Pick<SearchResult, 'total' | 'facets'> {
    const marks = levels.map(() => '?').join(', ');
    const rows = this.db
      .prepare<unknown[], { facet: FacetName; value: string; n: number }>(
        `SELECT facet, value, SUM(count) AS n FROM catalog_facet_totals WHERE access_level IN (${marks})
         GROUP BY facet, value HAVING n > 0`
      )
      .all(...levels);
    const total = rows.filter((r) => r.facet === 'accessLevel').reduce((a, r) => a + r.n, 0);
    return { total, facets: facetMap(rows) };
  }

  private countMatching(
    from: string,
    fromParams: unknown[],
    where: string[],
    params: unknown[]
  ): Pick<SearchResult, 'total' | 'facets'> {
    const set = `SELECT r.rid FROM ${from} WHERE ${where.join(' AND ')}`;
    const total = (
      this.db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM (${set})`).get(...fromParams, ...params) ?? {
        n: 0
      }
    ).n;
    if (total === 0) return { total, facets: facetMap([]) };
    const rows = this.db
      .prepare<unknown[], { facet: FacetName; value: string; n: number }>(
        `SELECT f.facet, f.value, COUNT(*) AS n FROM (${set}) m JOIN catalog_facets f ON f.rid = m.rid
         GROUP BY f.facet, f.value`
      )
      .all(...fromParams, ...params);
    return { total, facets: facetMap(rows) };
  }

  /** Title with every match marked, and the best description fragment. */
  private highlights(match: string, rids: number[]): Map<number, SearchHit['highlights']> {
    const out = new Map<number, SearchHit['highlights']>();
    if (!rids.length) return out;
    const rows = this.db
      .prepare<unknown[], { rid: number; title: string; description: string }>(
        `SELECT rowid AS rid,
                highlight(catalog_fts, 0, '${MARK_OPEN}', '${MARK_CLOSE}') AS title,
                snippet(catalog_fts, 3, '${MARK_OPEN}', '${MARK_CLOSE}', '${ELLIPSIS}', 32) AS description
         FROM catalog_fts WHERE catalog_fts MATCH ? AND rowid IN (${rids.map(() => '?').join(', ')})`
      )
      .all(match, ...rids);
    for (const r of rows) {
      out.set(r.rid, {
        title: markedHtml(r.title),
        ...(r.description ? { description: markedHtml(r.description) } : {})
      });
    }
    return out;
  }
}

/** `facet:value` strings grouped by facet: values of one facet OR together, facets AND together. */
function groupFilters(filters: string[]): Map<FacetName, string[]> {
  const out = new Map<FacetName, string[]>();
  for (const f of filters) {
    const i = f.indexOf(':');
    const facet = f.slice(0, i) as FacetName;
    const value = f.slice(i + 1);
    const list = out.get(facet) ?? [];
    if (!list.includes(value)) list.push(value);
    out.set(facet, list);
  }
  return out;
}

function facetMap(rows: { facet: FacetName; value: string; n: number }[]): Record<FacetName, FacetCount[]> {
  const out = Object.fromEntries(FACETS.map((f) => [f, [] as FacetCount[]])) as Record<FacetName, FacetCount[]>;
  for (const r of rows) if (r.n > 0) out[r.facet]?.push({ value: r.value, count: r.n });
  for (const f of FACETS) {
    out[f].sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    out[f] = out[f].slice(0, FACET_VALUES_MAX);
  }
  return out;
}

function hitOf(r: PageRow, highlights: SearchHit['highlights']): SearchHit {
  const m = JSON.parse(r.metadata) as StoredMetadata;
  return {
    id: r.id,
    kind: r.kind,
    title: m.title,
    description: m.description,
    keywords: m.keywords,
    license: m.license,
    accessLevel: r.access_level,
    ...(m.domain ? { domain: m.domain } : {}),
    ...(m.publisher?.name ? { publisher: m.publisher.name } : {}),
    ...(r.latest_version ? { latestVersion: r.latest_version } : {}),
    ...(r.latest_rows !== null ? { rowCount: r.latest_rows } : {}),
    ...(r.latest_size !== null ? { sizeBytes: r.latest_size } : {}),
    updatedAt: r.updated_at,
    score: r.score === 0 ? 0 : -r.score,
    highlights
  };
}
