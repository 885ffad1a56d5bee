'use strict';
/**
 * The naive catalog search that the catalog's index is measured and checked against: every
 * query scans every record. Its meaning is the catalog's documented one (docs/catalog.md,
 * "Search"): all query words must match (a prefix, or the exact word for one letter, or a
 * plural's singular), BM25 scores, facets OR within a group and AND across groups, a group's
 * own selection not narrowing its counts, access filtering before anything is counted.
 *
 * It is not a straw man: each record's words, their weights and its facet values are computed
 * once up front (the "precomputed lowercase keys"), a query first marks the words each query
 * word matches in one pass over the vocabulary, then tests each record's word ids against those
 * marks, and the page is a bounded top-k selection, not a sort of every match.
 *
 * The platform's pure functions (the search document, the query parser, the BM25 formula, the
 * access rule) come from the caller: jest passes the sources, the benchmark passes the build.
 * What differs from the index is only how matches are found, counted and ordered.
 */

/**
 * @param {object} lib the platform functions named below
 */
function createNaiveSearch(lib) {
  const { searchDocumentOf, queryWords, idf, wordScore, lengthNorm, visibleLevels, mergeFieldInfo, formatsOf, FACETS } =
    lib;

  /** Every record of a catalog database, prepared once. */
  function load(db) {
    const words = [];
    const ids = new Map();
    const number = (w) => {
      let id = ids.get(w);
      if (id === undefined) {
        id = words.length;
        words.push(w);
        ids.set(w, id);
      }
      return id;
    };
    const rows = db
      .prepare(
        `SELECT r.id, r.kind, r.access_level, r.title_key, r.updated_at, r.latest_rows, r.metadata,
           (SELECT v.fields FROM catalog_versions v WHERE v.rid = r.rid ORDER BY v.seq DESC LIMIT 1) AS fields,
           (SELECT json_group_array(v.source_format) FROM catalog_versions v WHERE v.rid = r.rid) AS formats
         FROM catalog_records r`
      )
      .iterate();
    const records = [];
    for (const row of rows) {
      const meta = JSON.parse(row.metadata);
      const versions = JSON.parse(row.formats).map((f) => ({ source_format: f }));
      const doc = searchDocumentOf(
        {
          id: row.id,
          meta,
          fields: mergeFieldInfo(row.fields ? JSON.parse(row.fields) : [], meta.fieldInfo),
          formats: formatsOf(meta.formats ?? [], versions)
        },
        number
      );
      records.push({
        id: row.id,
        kind: row.kind,
        access: row.access_level,
        keys: { title: row.title_key, updated: row.updated_at, rows: row.latest_rows ?? -1 },
        termIds: Int32Array.from(doc.termIds),
        weights: doc.weights,
        length: doc.length,
        facets: doc.facets
      });
    }
    return { words, records };
  }

  /**
   * `query` as the contract parses it (q, kind, filter, sort); `k` hits at most. Returns the
   * total, the facet lists and the first k hits ({ id, score }) in order.
   */
  function search(catalog, query, principal, k) {
    const { words, records } = catalog;
    const qw = queryWords(query.q);
    const marks = qw.map((w) => {
      const m = new Uint8Array(words.length);
      for (let id = 0; id < words.length; id++)
        for (const a of w.alternatives) if (a.prefix ? words[id].startsWith(a.text) : words[id] === a.text) m[id] = 1;
      return m;
    });
    const groups = new Map();
    for (const f of query.filter) {
      const i = f.indexOf(':');
      const set = groups.get(f.slice(0, i)) ?? new Set();
      set.add(f.slice(i + 1));
      groups.set(f.slice(0, i), set);
    }
    const levels = visibleLevels(principal);

    // Weighted frequency of each query word in each record (record i, word w at i * W + w); n(w) counts every record.
    const W = qw.length;
    const freq = new Float64Array(records.length * W);
    const matching = new Array(W).fill(0);
    records.forEach((r, i) => {
      for (let j = 0; j < r.termIds.length; j++)
        for (let w = 0; w < W; w++) if (marks[w][r.termIds[j]]) freq[i * W + w] += r.weights[j];
      for (let w = 0; w < W; w++) if (freq[i * W + w] > 0) matching[w]++;
    });
    const idfs = matching.map((n) => idf(records.length, n));
    const average = records.reduce((s, r) => s + r.length, 0) / Math.max(1, records.length);

    const counts = new Map(FACETS.map((f) => [f, new Map()]));
    const count = (facet, value) => counts.get(facet).set(value, (counts.get(facet).get(value) ?? 0) + 1);
    const hits = [];
    records.forEach((r, i) => {
      if (!levels.includes(r.access) || (query.kind !== undefined && r.kind !== query.kind)) return;
      for (let w = 0; w < W; w++) if (freq[i * W + w] === 0) return;
      const failed = [...groups].filter(([facet, values]) => !r.facets.some(([f, v]) => f === facet && values.has(v)));
      if (failed.length === 0) {
        for (const [f, v] of r.facets) count(f, v);
        const norm = lengthNorm(r.length, average);
        let score = 0;
        for (let w = 0; w < W; w++) score += wordScore(idfs[w], freq[i * W + w], norm);
        hits.push({ r, score });
      } else if (failed.length === 1) {
        for (const [f, v] of r.facets) if (f === failed[0][0]) count(f, v);
      }
    });

    const byScore = qw.length && query.sort === 'relevance';
    const field = query.sort === 'relevance' ? 'title' : query.sort.replace('-', '');
    const desc = query.sort.startsWith('-');
    const before = byScore
      ? (a, b) => a.score > b.score || (a.score === b.score && a.r.id < b.r.id)
      : (a, b) => {
          const x = a.r.keys[field];
          const y = b.r.keys[field];
          const c = x < y ? -1 : x > y ? 1 : a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0;
          return desc ? c > 0 : c < 0;
        };
    return {
      total: hits.length,
      facets: Object.fromEntries(
        FACETS.map((f) => [
          f,
          [...counts.get(f)]
            .map(([value, n]) => ({ value, count: n }))
            .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
            .slice(0, 50)
        ])
      ),
      hits: topK(hits, k, before).map((h) => ({ id: h.r.id, score: h.score }))
    };
  }

  return { load, search };
}

/** The k first items under `before` (a strict "comes first"), by a bounded binary heap. */
function topK(items, k, before) {
  const heap = [];
  const worse = (a, b) => before(b, a);
  const up = (i) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const down = (i) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l], heap[m])) m = l;
      if (r < heap.length && worse(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (const x of items) {
    if (heap.length < k) {
      heap.push(x);
      up(heap.length - 1);
    } else if (k > 0 && before(x, heap[0])) {
      heap[0] = x;
      down(0);
    }
  }
  return heap.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}

module.exports = { createNaiveSearch };
