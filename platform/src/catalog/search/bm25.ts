/**
 * Relevance: BM25 over a record's weighted word frequencies, as SQLite FTS5's bm25() computes it
 * (the ranking this catalog had before its index moved into memory). For each query word w:
 *
 *   idf(w) = ln((N - n(w) + 0.5) / (n(w) + 0.5)), at least 1e-6
 *   score  = sum over w of idf(w) * f * (K1 + 1) / (f + K1 * (1 - B + B * len / avglen))
 *
 * where f is the sum over the record's words that match w (a prefix matches several) of their
 * weighted frequency (column weight x occurrences, see search-document.ts), len the record's
 * length in words, N the number of records and n(w) how many of them match w. N, n and the
 * average length count every record, whoever asks: scores do not depend on the principal.
 */
export const K1 = 1.2;
export const B = 0.75;

export function idf(records: number, matching: number): number {
  const v = Math.log((records - matching + 0.5) / (matching + 0.5));
  return v > 0 ? v : 1e-6;
}

/** One word's share of a record's score, given its weighted frequency and the length norm `K1 * (1 - B + B * len / avglen)`. */
export function wordScore(idfOfWord: number, frequency: number, norm: number): number {
  return (idfOfWord * frequency * (K1 + 1)) / (frequency + norm);
}

export function lengthNorm(length: number, averageLength: number): number {
  return K1 * (1 - B + (B * length) / averageLength);
}
