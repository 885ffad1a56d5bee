import { idf, lengthNorm, wordScore } from './bm25';
import type { MatchCollector } from './match-collector';
import type { QueryWord } from './match-expression';
import type { PostingsStore } from './postings';
import type { RecordIndex } from './record-index';
import type { Scratch } from './scratch';

/** The ids of the indexed words a query word matches (each once). */
export function termsOf(idx: RecordIndex, word: QueryWord): number[] {
  const ids: number[] = [];
  for (const a of word.alternatives) idx.words.matching(a.text, !a.prefix, ids);
  return [...new Set(ids)];
}

/**
 * Hand the collector every record (in `allowed` states) that matches all query words, with its
 * BM25 score (see bm25.ts) as sort key, or its rank in `rank` when the query sorts by a field
 * (the score then goes with it: hits show relevance whatever the order).
 *
 * Each word's weighted frequencies are first summed per slot into an accumulator, walking the
 * postings of every indexed word it matches. The word with the fewest postings drives: its
 * slots are the candidates, and testing a candidate against another word is one array read.
 * Every match is visited once, in the same pass that counts its facets (exact facet counts
 * need that visit anyway; the score adds one division per word).
 */
export function collectTextMatches(
  idx: RecordIndex,
  scratch: Scratch,
  words: number[][],
  allowed: Uint8Array,
  collector: MatchCollector,
  rank?: Int32Array
): void {
  const postings = idx.termPostings;
  const byCount = words
    .map((ids, word) => ({ word, postings: ids.reduce((n, id) => n + postings.count(id), 0) }))
    .sort((a, b) => a.postings - b.postings);
  const driver = byCount[0]!.word;
  const accs: Uint32Array[] = [];
  const idfs: number[] = [];
  const others: Uint32Array[] = [];
  const candidates = scratch.slotList(byCount[0]!.postings);
  let n = 0;
  byCount.forEach(({ word }, j) => {
    const acc = scratch.accumulator(j, idx.slotCount);
    let matching = 0;
    for (const id of words[word]!)
      for (const seg of postings.segments) {
        if (id >= seg.keys) continue;
        const slots = seg.slots;
        const weights = seg.weights!;
        for (let p = seg.start[id]!, end = seg.start[id + 1]!; p < end; p++) {
          const slot = slots[p]!;
          if (acc[slot] === 0) {
            matching += idx.live[slot]!;
            if (word === driver) candidates[n++] = slot;
          }
          acc[slot]! += weights[p]!;
        }
      }
    accs[word] = acc;
    idfs[word] = idf(idx.liveCount, matching);
    if (word !== driver) others.push(acc);
  });

  const state = idx.state;
  const lengths = idx.lengths;
  const average = idx.totalLength / Math.max(1, idx.liveCount);
  candidate: for (let c = 0; c < n; c++) {
    const slot = candidates[c]!;
    if (!allowed[state[slot]!]) continue;
    for (const acc of others) if (acc[slot] === 0) continue candidate;
    if (!collector.consider(slot)) continue;
    // Summed in query word order, so a query always gets bit-identical scores (cursors compare them).
    const norm = lengthNorm(lengths[slot]!, average);
    let score = 0;
    for (let w = 0; w < accs.length; w++) score += wordScore(idfs[w]!, accs[w]![slot]!, norm);
    if (rank) collector.add(slot, rank[slot]!, score);
    else collector.add(slot, score);
  }

  for (let c = 0; c < n; c++) accs[driver]![candidates[c]!] = 0;
  words.forEach((ids, word) => {
    if (word !== driver) clear(postings, ids, accs[word]!);
  });
}

function clear(postings: PostingsStore, ids: number[], acc: Uint32Array): void {
  for (const id of ids)
    for (const seg of postings.segments) {
      if (id >= seg.keys) continue;
      for (let p = seg.start[id]!, end = seg.start[id + 1]!; p < end; p++) acc[seg.slots[p]!] = 0;
    }
}
