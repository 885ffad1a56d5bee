import {
  FACETS,
  type FacetCount,
  type FacetName,
  type Principal,
  type SearchHit,
  type SearchQuery,
  type SearchResult
} from '@genesis-lab/contract';
import type { Db } from '../../db/database';
import { visibleLevels } from '../access';
import type { RecordRow, StoredMetadata } from '../record-rows';
import { PageCursor, type SortKey } from '../../http/page-cursor';
import { highlightAll, highlightTerms, snippet } from './highlight';
import { matchExpression } from './match-expression';
import { ACCESS_CODES, RecordIndex, type SortName } from './record-index';

/**
 * Relevance is FTS5's bm25 with column weights: title > id name > keywords > description >
 * fields/units > creators/publisher/domain/id. Columns: title, name, keywords, description,
 * fields, agents. bm25() is negative: more negative is more relevant.
 */
const BM25 = 'bm25(catalog_fts, 10.0, 8.0, 6.0, 3.0, 2.0, 1.0)';
const FACET_VALUES_MAX = 50;
/** Match cache budget in records (12 bytes each): about 24 MB. */
const MATCH_CACHE_SLOTS = 2_000_000;

/** The matching records: `n` slots (and their bm25 scores when the query has text). */
interface MatchSet {
  n: number;
  slots: Int32Array;
  scores?: Float64Array;
}

interface BrowseSet {
  set: MatchSet;
  mask: Uint8Array;
  facets: Record<FacetName, FacetCount[]>;
}

interface PageEntry {
  slot: number;
  score: number;
  key: SortKey;
}

const NONE: Set<number>[] = [new Set()];

/** Search cursors belong to the text, kind, filters and sort they were issued for. */
const searchCursor = new PageCursor<SearchQuery>(['q', 'kind', 'filter', 'sort'], (q) => [
  q.q.trim(),
  q.kind ?? '',
  [...q.filter].sort(),
  q.sort
]);

/**
 * Full-text search over the catalog. FTS5 finds and scores the matching records; access
 * filtering, facet filters, facet counts and ordering then run over the in-memory RecordIndex,
 * access first, so totals and facet counts only ever count what the principal may see.
 */
export class CatalogSearch {
  readonly index: RecordIndex;
  private readonly matchStmt;
  private readonly browseSets = new Map<string, BrowseSet>();
  private readonly matchCache = new Map<string, { generation: number; slots: Int32Array; scores: Float64Array }>();
  private matchCacheSlots = 0;
  readonly cacheStats = { hits: 0, misses: 0 };

  constructor(private readonly db: Db) {
    this.index = new RecordIndex(db);
    this.matchStmt = db
      .prepare<[string], [number, number]>(`SELECT rowid, ${BM25} FROM catalog_fts WHERE catalog_fts MATCH ?`)
      .raw(true);
  }

  search(query: SearchQuery, principal: Principal): SearchResult {
    const idx = this.index;
    idx.refresh();
    const visible = visibleLevels(principal);
    const allowed = Uint8Array.from(ACCESS_CODES, (l) => (visible.includes(l) ? 1 : 0));
    const groups = this.filterGroups(query.filter);
    const filtered = groups.length && groups !== NONE ? this.filterSet(groups) : undefined;
    const passes = filtered?.mask;
    const match = matchExpression(query.q);

    // The matching set, access-filtered first: slots (and bm25 scores when there is a query).
    let n = 0;
    let slots: Int32Array;
    let scores: Float64Array | undefined;
    // A kind filter that every record passes (only datasets so far) is no filter.
    const kind = query.kind !== undefined && idx.allOfKind(query.kind) ? undefined : query.kind;
    const access = idx.access;
    const keep = (slot: number): boolean =>
      allowed[access[slot]!] === 1 &&
      (kind === undefined || idx.kinds[slot] === kind) &&
      (passes === undefined || passes[slot] === 1);
    const unrestricted = allowed.every((a) => a === 1) && kind === undefined && passes === undefined;
    let browse: BrowseSet | undefined;
    if (groups === NONE) {
      slots = new Int32Array(0);
    } else if (match && unrestricted) {
      // Nothing to filter (a fully cleared principal, no facet filter): the match set as is.
      const all = this.matched(match);
      slots = all.slots;
      scores = all.scores;
      n = slots.length;
    } else if (match) {
      const all = this.matched(match);
      slots = new Int32Array(all.slots.length);
      scores = new Float64Array(all.slots.length);
      for (let i = 0; i < all.slots.length; i++) {
        const slot = all.slots[i]!;
        if (!keep(slot)) continue;
        slots[n] = slot;
        scores[n++] = all.scores[i]!;
      }
    } else if (filtered) {
      // Filters only: the postings already list the qualifying slots.
      slots = new Int32Array(filtered.slots.length);
      for (const slot of filtered.slots) if (keep(slot)) slots[n++] = slot;
    } else if (kind === undefined) {
      // Browsing everything visible: depends only on the visible access levels, cached per catalog change.
      browse = this.browseSet(allowed);
      slots = browse.set.slots;
      n = browse.set.n;
    } else {
      slots = new Int32Array(idx.size);
      for (let slot = 0; slot < idx.size; slot++) if (keep(slot)) slots[n++] = slot;
    }
    const set: MatchSet = { n, slots, ...(scores ? { scores } : {}) };

    const page = this.page(query, set, browse?.mask);
    const more = page.length > query.limit;
    const shown = more ? page.slice(0, query.limit) : page;
    const last = shown[shown.length - 1];
    return {
      total: n,
      hits: this.hits(shown, match, query.q),
      facets: browse ? browse.facets : this.facetCounts(set),
      ...(more && last ? { nextCursor: searchCursor.encode(query, last.key, idx.ids[last.slot]!) } : {})
    };
  }

  /**
   * Slots passing every facet filter, from postings lists: each facet's values are OR-ed
   * (a slot counts once per facet), and a slot passes when all facets counted it.
   */
  /**
   * Every record matching a full-text expression, with its bm25 score, before any access or
   * facet filtering. Cached per expression until the catalog changes: the next page, a facet
   * click or another principal's identical query reuse the match instead of re-running FTS5.
   */
  private matched(match: string): { slots: Int32Array; scores: Float64Array } {
    const generation = this.index.generation;
    const hit = this.matchCache.get(match);
    if (hit && hit.generation === generation) {
      this.matchCache.delete(match);
      this.matchCache.set(match, hit); // most recently used last
      this.cacheStats.hits++;
      return hit;
    }
    this.cacheStats.misses++;
    const rows = this.matchStmt.all(match);
    const slots = new Int32Array(rows.length);
    const scores = new Float64Array(rows.length);
    let n = 0;
    for (const [rid, score] of rows) {
      const slot = this.index.slotOfRid(rid);
      if (slot === undefined) continue; // written after the last refresh; the next search sees it
      slots[n] = slot;
      scores[n++] = score;
    }
    const entry = { generation, slots: slots.subarray(0, n), scores: scores.subarray(0, n) };
    if (hit) this.matchCacheSlots -= hit.slots.length;
    this.matchCache.delete(match);
    if (n <= MATCH_CACHE_SLOTS / 4) {
      this.matchCache.set(match, entry);
      this.matchCacheSlots += n;
      for (const [key, e] of this.matchCache) {
        if (this.matchCacheSlots <= MATCH_CACHE_SLOTS && e.generation === generation) break;
        this.matchCache.delete(key);
        this.matchCacheSlots -= e.slots.length;
      }
    }
    return entry;
  }

  /** Forget cached matches (benchmarks measure cold searches with it). */
  clearCache(): void {
    this.matchCache.clear();
    this.matchCacheSlots = 0;
  }

  private filterSet(groups: Set<number>[]): { mask: Uint8Array; slots: Int32Array } {
    const idx = this.index;
    const postings = idx.postings();
    const hits = new Uint8Array(idx.size);
    const seen = new Uint8Array(idx.size);
    for (const g of groups) {
      seen.fill(0);
      for (const id of g)
        for (const slot of postings[id]!)
          if (!seen[slot]) {
            seen[slot] = 1;
            hits[slot]!++;
          }
    }
    const need = groups.length;
    const mask = new Uint8Array(idx.size);
    const list: number[] = [];
    // Walk the smallest facet's postings to collect the passing slots cheaply.
    const smallest = groups.reduce((a, b) => (size(a) <= size(b) ? a : b));
    function size(g: Set<number>): number {
      let s = 0;
      for (const id of g) s += postings[id]!.length;
      return s;
    }
    for (const id of smallest)
      for (const slot of postings[id]!)
        if (hits[slot] === need && !mask[slot]) {
          mask[slot] = 1;
          list.push(slot);
        }
    return { mask, slots: Int32Array.from(list).sort() };
  }

  /** `facet:value` filters as sets of facet value ids: OR within a facet, AND across facets. */
  private filterGroups(filters: string[]): Set<number>[] {
    const byFacet = new Map<FacetName, Set<number>>();
    for (const f of filters) {
      const i = f.indexOf(':');
      const facet = f.slice(0, i) as FacetName;
      const set = byFacet.get(facet) ?? new Set<number>();
      const id = this.index.idOfFacet(facet, f.slice(i + 1));
      if (id !== undefined) set.add(id);
      byFacet.set(facet, set);
    }
    const groups = [...byFacet.values()];
    // A facet whose values all are unknown matches nothing.
    return groups.some((g) => g.size === 0) ? NONE : groups;
  }

  /** The sorted page (limit + 1 entries, to know whether there is more) after the cursor. */
  private page(query: SearchQuery, set: MatchSet, mask?: Uint8Array): PageEntry[] {
    const idx = this.index;
    const relevance = query.sort === 'relevance' && set.scores !== undefined;
    const sortName: SortName = query.sort === 'relevance' ? 'title' : (query.sort.replace('-', '') as SortName);
    const desc = query.sort.startsWith('-');
    const cursor = query.cursor ? searchCursor.decode(query, query.cursor) : undefined;
    const keyOf = (i: number, slot: number): SortKey => (relevance ? set.scores![i]! : idx.sortKey(sortName, slot));
    // Strictly after the cursor's (key, id) in the sort direction.
    const after = (key: SortKey, slot: number): boolean => {
      if (!cursor) return true;
      const ck = cursor.key;
      let d = key === ck ? 0 : (key as number | string) < (ck as number | string) ? -1 : 1;
      if (d === 0) {
        const id = idx.ids[slot]!;
        d = id === cursor.id ? 0 : id < cursor.id ? -1 : 1;
      }
      return desc ? d < 0 : d > 0;
    };
    const want = query.limit + 1;

    if (set.scores) {
      const sc = set.scores;
      const sl = set.slots;
      const before = relevance
        ? (a: number, b: number) => sc[a]! - sc[b]! || cmpId(idx.ids[sl[a]!]!, idx.ids[sl[b]!]!)
        : (a: number, b: number) => idx.compare(sortName, sl[a]!, sl[b]!) * (desc ? -1 : 1);
      // Only the first `want` after the cursor are needed: a bounded selection, not a full sort.
      const top = new TopK(want, before);
      for (let i = 0; i < set.n; i++) if (after(keyOf(i, sl[i]!), sl[i]!)) top.offer(i);
      return top.sorted().map((i) => ({ slot: sl[i]!, score: sc[i]!, key: keyOf(i, sl[i]!) }));
    }
    // Browsing: walk the presorted order; the set only says which slots qualify.
    let ok = mask;
    if (!ok) {
      ok = new Uint8Array(idx.size);
      for (let i = 0; i < set.n; i++) ok[set.slots[i]!] = 1;
    }
    const order = idx.order(sortName);
    const out: PageEntry[] = [];
    for (let i = 0; i < order.length && out.length < want; i++) {
      const slot = order[desc ? order.length - 1 - i : i]!;
      if (!ok[slot]) continue;
      const key = idx.sortKey(sortName, slot);
      if (after(key, slot)) out.push({ slot, score: 0, key });
    }
    return out;
  }

  /** Everything visible at these access levels, its facet counts and membership mask; computed once per catalog change. */
  private browseSet(allowed: Uint8Array): BrowseSet {
    const idx = this.index;
    const key = `${idx.generation}:${allowed.join('')}`;
    let b = this.browseSets.get(key);
    if (!b) {
      if (this.browseSets.size >= 8) this.browseSets.clear();
      const slots = new Int32Array(idx.size);
      const mask = new Uint8Array(idx.size);
      let n = 0;
      for (let slot = 0; slot < idx.size; slot++)
        if (allowed[idx.access[slot]!] === 1) {
          slots[n++] = slot;
          mask[slot] = 1;
        }
      const set = { n, slots: slots.subarray(0, n) };
      b = { set, mask, facets: this.facetCounts(set) };
      this.browseSets.set(key, b);
    }
    return b;
  }

  private facetCounts(set: MatchSet): Record<FacetName, FacetCount[]> {
    const idx = this.index;
    const counts = new Int32Array(idx.facetName.length);
    for (let i = 0; i < set.n; i++) {
      const f = idx.facets[set.slots[i]!]!;
      for (let j = 0; j < f.length; j++) counts[f[j]!]!++;
    }
    const out = Object.fromEntries(FACETS.map((f) => [f, [] as FacetCount[]])) as Record<FacetName, FacetCount[]>;
    for (let id = 0; id < counts.length; id++)
      if (counts[id]) out[idx.facetName[id]!].push({ value: idx.facetValue[id]!, count: counts[id]! });
    for (const f of FACETS) {
      out[f].sort((a, b) => b.count - a.count || cmpId(a.value, b.value));
      out[f] = out[f].slice(0, FACET_VALUES_MAX);
    }
    return out;
  }

  private hits(page: { slot: number; score: number }[], match: string | undefined, query: string): SearchHit[] {
    if (!page.length) return [];
    const rids = page.map((p) => this.index.rids[p.slot]!);
    const marks = rids.map(() => '?').join(', ');
    const rows = new Map(
      this.db
        .prepare<number[], RecordRow>(`SELECT * FROM catalog_records WHERE rid IN (${marks})`)
        .all(...rids)
        .map((r) => [r.rid, r])
    );
    const terms = match ? highlightTerms(query) : [];
    return page.flatMap((p) => {
      const row = rows.get(this.index.rids[p.slot]!);
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

/** The k smallest items under `cmp`, kept in a max-heap: O(n log k) instead of sorting all n. */
class TopK {
  private readonly heap: number[] = [];
  constructor(
    private readonly k: number,
    private readonly cmp: (a: number, b: number) => number
  ) {}

  offer(x: number): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push(x);
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (this.cmp(h[i]!, h[p]!) <= 0) break;
        [h[i], h[p]] = [h[p]!, h[i]!];
        i = p;
      }
    } else if (this.k > 0 && this.cmp(x, h[0]!) < 0) {
      h[0] = x;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.cmp(h[l]!, h[m]!) > 0) m = l;
        if (r < h.length && this.cmp(h[r]!, h[m]!) > 0) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
  }

  sorted(): number[] {
    return [...this.heap].sort(this.cmp);
  }
}

function cmpId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
    score: score === 0 ? 0 : -score,
    highlights
  };
}
