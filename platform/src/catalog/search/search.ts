import {
  FACETS,
  type FacetName,
  type Principal,
  type RecordKind,
  type SearchHit,
  type SearchQuery,
  type SearchResult
} from '@genesis-lab/contract';
import type { Db } from '../../db/database';
import { recordVisible } from '../../access/policy';
import type { RecordRow, StoredMetadata } from '../record-rows';
import { PageCursor, type CursorPosition } from '../../http/page-cursor';
import { DocumentTable, encodeDocument } from './document-table';
import { FacetDictionary } from './facet-dictionary';
import { facetLists } from './facet-lists';
import { collectFilterMatches } from './filter-matches';
import { highlightAll, highlightTerms, snippet } from './highlight';
import { MatchCollector } from './match-collector';
import { queryTokens, queryWords } from './match-expression';
import {
  ACCESS_CODES,
  KIND_CODES,
  PARTITIONS,
  PROJECT_CODES,
  RecordIndex,
  partitionOf,
  projectStateOf
} from './record-index';
import { ResultCache, type CachedResult } from './result-cache';
import { Scratch } from './scratch';
import { searchDocumentOf, type SearchDocumentInput } from './search-document';
import type { SearchEngine } from './search-engine';
import type { SortName } from './sort-orders';
import { TermDictionary } from './term-dictionary';
import { collectTextMatches, termsOf } from './text-matches';
import { TopK } from './top-k';

/** How a query orders its hits: by score (words, sort relevance), or along a field's presorted order. */
type Order = { by: 'score' } | { by: SortName; desc: boolean };

type Cursor = CursorPosition;

/** Search cursors belong to the text, kind, filters and sort they were issued for. */
const searchCursor = new PageCursor<SearchQuery>(['q', 'kind', 'filter', 'sort'], (q) => [
  q.q.trim(),
  q.kind ?? '',
  [...q.filter].sort(),
  q.sort
]);

/**
 * Catalog search on SQLite and an in-memory index (see record-index.ts): records' search
 * documents are written to SQLite with the records, the index follows them, and every query
 * runs in memory. The cost of a query grows with the records that match it (each is visited
 * once, to count its facets exactly), not with the size of the catalog; browsing without
 * words or filters reads totals and facet counts kept per partition and walks a presorted
 * order, so it costs the page it returns.
 *
 * Access filtering comes first: a record a principal may not see is never counted, in the
 * total or any facet.
 */
export class CatalogSearch implements SearchEngine {
  private idx: RecordIndex;
  private readonly words: TermDictionary;
  private readonly facetValues: FacetDictionary;
  private readonly documents: DocumentTable;
  private readonly cache = new ResultCache();
  private readonly scratch = new Scratch();
  private readonly dataVersion;
  /** data_version when this connection's dictionaries last caught up for a write. */
  private writerVersion: number | undefined;

  constructor(private readonly db: Db) {
    this.words = new TermDictionary(db);
    this.facetValues = new FacetDictionary(db);
    this.idx = new RecordIndex(db, this.words, this.facetValues);
    this.documents = new DocumentTable(db);
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  get cacheStats(): { hits: number; misses: number } {
    return this.cache.stats;
  }

  get indexStats(): { records: number; slots: number; words: number; postings: number } {
    return {
      records: this.idx.liveCount,
      slots: this.idx.slotCount,
      words: this.words.size,
      postings: this.idx.termPostings.size
    };
  }

  write(rid: number, input: SearchDocumentInput): void {
    // Another process committed since: it may have added words this transaction must not number again.
    const version = this.dataVersion.get()!;
    if (version !== this.writerVersion) {
      this.words.catchUp();
      this.facetValues.catchUp();
      this.writerVersion = version;
    }
    const doc = searchDocumentOf(input, (word) => this.words.intern(word));
    const facetIds = doc.facets.map(([facet, value]) => this.facetValues.internValue(facet, value));
    this.documents.write(rid, encodeDocument(doc.length, doc.termIds, doc.weights, facetIds));
  }

  changed(): void {
    this.words.reconcile();
    this.facetValues.reconcile();
    this.idx.markDirty();
  }

  warm(): void {
    this.current();
  }

  clearCache(): void {
    this.cache.clear();
  }

  search(query: SearchQuery, principal: Principal): SearchResult {
    const idx = this.current();
    const allowed = allowedStates(idx, principal, query.kind);
    const words = queryWords(query.q);
    const order: Order =
      words.length && query.sort === 'relevance'
        ? { by: 'score' }
        : {
            by: query.sort === 'relevance' ? 'title' : (query.sort.replace('-', '') as SortName),
            desc: query.sort.startsWith('-')
          };
    const cursor = query.cursor ? searchCursor.decode(query, query.cursor) : undefined;
    const want = query.limit + 1;

    let total: number;
    let facets: SearchResult['facets'];
    let page: { slot: number; score: number }[];
    if (!words.length && !query.filter.length && order.by !== 'score') {
      const visible = visibleCounts(idx, allowed);
      total = visible.total;
      facets = facetLists(idx.facetValues, visible.counts);
      page = browsePage(idx, allowed, order, cursor, want).map((slot) => ({ slot, score: 0 }));
    } else {
      const result = this.matches(idx, query, words.length ? words.map((w) => termsOf(idx, w)) : [], allowed, order);
      total = result.total;
      facets = result.facets;
      page = matchPage(idx, result, order, cursor, want).map((i) => ({
        slot: result.slots[i]!,
        score: order.by === 'score' ? result.keys[i]! : (result.scores?.[i] ?? 0)
      }));
    }
    const more = page.length > query.limit;
    const shown = more ? page.slice(0, query.limit) : page;
    const last = shown[shown.length - 1];
    const lastKey = last && (order.by === 'score' ? last.score : idx.orders.key(order.by, last.slot));
    return {
      total,
      hits: this.hits(idx, shown, words.length ? query.q : ''),
      facets,
      ...(more && last ? { nextCursor: searchCursor.encode(query, lastKey!, idx.ids[last.slot]!) } : {})
    };
  }

  /** The index, brought up to date (a new one when dead slots outnumber live ones). */
  private current(): RecordIndex {
    this.idx.refresh();
    if (this.idx.wasteful) {
      this.idx = new RecordIndex(this.db, this.words, this.facetValues, this.idx.generation + 1);
      this.idx.refresh();
    }
    return this.idx;
  }

  /** Every match of a query with words or filters, its total and facets; cached per index generation. */
  private matches(
    idx: RecordIndex,
    query: SearchQuery,
    words: number[][],
    allowed: Uint8Array,
    order: Order
  ): CachedResult {
    // The sort direction is not part of the key: matches carry ranks, read either way.
    const key = JSON.stringify([queryTokens(query.q), [...new Set(query.filter)].sort(), order.by, allowed.join('')]);
    const cached = this.cache.get(key, idx.generation);
    if (cached) return cached;
    const groups = filterGroups(idx, query.filter);
    const collector = new MatchCollector(idx, groups, this.scratch);
    const rank = order.by === 'score' ? undefined : idx.orders.get(order.by).rank;
    if (words.length) {
      if (words.every((ids) => ids.length)) collectTextMatches(idx, this.scratch, words, allowed, collector, rank);
    } else {
      collectFilterMatches(idx, this.scratch, groups, allowed, collector, rank!);
      if (groups.size === 1) {
        // Only one facet is filtered: its counts ignore its own selection, so they are those of
        // everything visible, kept per partition.
        const facet = FACETS.indexOf([...groups.keys()][0]!);
        const all = visibleCounts(idx, allowed).counts;
        for (let id = 0; id < idx.facetValues.size; id++)
          if (idx.facetValues.facetOf[id] === facet) collector.counts[id] = all[id]!;
      }
    }
    const result: CachedResult = {
      generation: idx.generation,
      total: collector.total,
      facets: facetLists(idx.facetValues, collector.counts),
      slots: collector.slots.slice(0, collector.total),
      keys: collector.keys.slice(0, collector.total),
      scores: collector.scores?.slice(0, collector.total)
    };
    this.cache.set(key, result);
    return result;
  }

  private hits(idx: RecordIndex, page: { slot: number; score: number }[], q: string): SearchHit[] {
    if (!page.length) return [];
    const rids = page.map((p) => idx.rids[p.slot]!);
    const rows = new Map(
      this.db
        .prepare<number[], RecordRow>(`SELECT * FROM catalog_records WHERE rid IN (${rids.map(() => '?').join(', ')})`)
        .all(...rids)
        .map((r) => [r.rid, r])
    );
    const terms = q ? highlightTerms(q) : [];
    return page.flatMap((p) => {
      const row = rows.get(idx.rids[p.slot]!);
      if (!row) return [];
      const m = JSON.parse(row.metadata) as StoredMetadata;
      const highlights: SearchHit['highlights'] = terms.length
        ? {
            title: highlightAll(m.title, terms),
            ...(m.description ? { description: snippet(m.description, terms) } : {})
          }
        : {};
      return [hitOf(row, m, p.score, highlights)];
    });
  }
}

/**
 * Which slot states a principal may see (never DEAD), with an optional kind filter, as the
 * policy decides: a partition when every record in it is visible; for export-controlled
 * records, the states of the projects whose records are (see projectStateOf). The partition
 * of export-controlled records is allowed only when all of its projects are.
 */
function allowedStates(idx: RecordIndex, principal: Principal, kind: RecordKind | undefined): Uint8Array {
  const allowed = new Uint8Array(256);
  const seeAll = (a: (typeof ACCESS_CODES)[number]) =>
    a !== 'export-controlled'
      ? recordVisible(principal, { accessLevel: a })
      : principal.admin && recordVisible(principal, { accessLevel: a, project: '' });
  for (const k of KIND_CODES) {
    if (kind !== undefined && kind !== k) continue;
    for (const a of ACCESS_CODES) if (seeAll(a)) allowed[partitionOf(k, a)] = 1;
    const all = seeAll('export-controlled');
    idx.projectNames.forEach((project, code) => {
      // The shared overflow state holds several projects: only for who sees every project.
      const ok =
        all || (code < PROJECT_CODES - 1 && recordVisible(principal, { accessLevel: 'export-controlled', project }));
      if (ok) allowed[projectStateOf(k, code)] = 1;
    });
  }
  return allowed;
}

/**
 * Total and facet counts of every visible record: per-partition counts for whole partitions,
 * plus the export-controlled records of the projects allowed one by one.
 */
function visibleCounts(idx: RecordIndex, allowed: Uint8Array): { total: number; counts: Int32Array } {
  let total = 0;
  for (let p = 0; p < PARTITIONS; p++) if (allowed[p]) total += idx.facetCounts.records[p]!;
  const counts = idx.facetCounts.visible(allowed, idx.facetValues.size);
  for (const slots of idx.restrictedSlots)
    for (const slot of slots) {
      const state = idx.state[slot]!;
      // Counted here only when its partition was not counted whole above.
      if (!allowed[state] || allowed[idx.partition[slot]!]) continue;
      total++;
      for (let i = idx.facetStart[slot]!; i < idx.facetStart[slot + 1]!; i++) {
        const id = idx.facetIds[i]!;
        if (id < counts.length) counts[id]!++;
      }
    }
  return { total, counts };
}

/** `facet:value` filters as value ids per facet (a value no record has matches nothing). */
function filterGroups(idx: RecordIndex, filters: string[]): Map<FacetName, number[]> {
  const groups = new Map<FacetName, Set<number>>();
  for (const f of filters) {
    const i = f.indexOf(':');
    const facet = f.slice(0, i) as FacetName;
    const set = groups.get(facet) ?? new Set<number>();
    const id = idx.facetValues.idOfValue(facet, f.slice(i + 1));
    if (id !== undefined) set.add(id);
    groups.set(facet, set);
  }
  return new Map([...groups].map(([facet, ids]) => [facet, [...ids]]));
}

/** Browsing: the first `want` visible slots after the cursor along the presorted order. */
function browsePage(
  idx: RecordIndex,
  allowed: Uint8Array,
  order: Extract<Order, { desc: boolean }>,
  cursor: Cursor | undefined,
  want: number
): number[] {
  const slots = idx.orders.get(order.by).order;
  const page: number[] = [];
  const key = cursor?.key ?? '';
  if (!order.desc) {
    for (let i = cursor ? idx.orders.position(order.by, key, cursor.id, true) : 0; i < slots.length; i++) {
      if (allowed[idx.state[slots[i]!]!]) page.push(slots[i]!);
      if (page.length === want) break;
    }
  } else {
    for (let i = (cursor ? idx.orders.position(order.by, key, cursor.id, false) : slots.length) - 1; i >= 0; i--) {
      if (allowed[idx.state[slots[i]!]!]) page.push(slots[i]!);
      if (page.length === want) break;
    }
  }
  return page;
}

/** The first `want` matches after the cursor, best first (entry numbers into the result). */
function matchPage(
  idx: RecordIndex,
  m: CachedResult,
  order: Order,
  cursor: Cursor | undefined,
  want: number
): number[] {
  const { slots, keys } = m;
  const ids = idx.ids;
  const top =
    order.by === 'score'
      ? new TopK(want, (a, b) => keys[a]! > keys[b]! || (keys[a] === keys[b] && ids[slots[a]!]! < ids[slots[b]!]!))
      : order.desc
        ? new TopK(want, (a, b) => keys[a]! > keys[b]!)
        : new TopK(want, (a, b) => keys[a]! < keys[b]!);
  if (!cursor) for (let i = 0; i < m.total; i++) top.offer(i);
  else if (order.by === 'score') {
    const ck = Number(cursor.key);
    for (let i = 0; i < m.total; i++)
      if (keys[i]! < ck || (keys[i] === ck && ids[slots[i]!]! > cursor.id)) top.offer(i);
  } else {
    // Ranks strictly after the cursor's (key, id), which need not exist any more.
    const key = cursor.key ?? '';
    if (!order.desc) {
      const from = idx.orders.position(order.by, key, cursor.id, true);
      for (let i = 0; i < m.total; i++) if (keys[i]! >= from) top.offer(i);
    } else {
      const before = idx.orders.position(order.by, key, cursor.id, false);
      for (let i = 0; i < m.total; i++) if (keys[i]! < before) top.offer(i);
    }
  }
  return top.sorted();
}

function hitOf(r: RecordRow, m: StoredMetadata, score: number, highlights: SearchHit['highlights']): SearchHit {
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
    score,
    highlights
  };
}
