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
 * The word with the fewest postings drives: its postings are the candidates. Every other word's
 * weighted frequencies are first summed per slot into an accumulator (walking the postings of
 * each indexed word it matches), so testing a candidate against a word is one array read.
 * Every match is visited once, in the same pass that counts its facets: exact facet counts need
 * that visit anyway, and the score adds one division per word.
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
  const sizes = words.map((ids) => ids.reduce((n, id) => n + postings.count(id), 0));
  const driver = sizes.indexOf(Math.min(...sizes));
  const live = idx.live;
  const accs: Uint32Array[] = [];
  const idfs: number[] = [];
  let pooled = 1; // accumulator 0 is the driver's
  words.forEach((ids, w) => {
    if (w === driver) return;
    const acc = scratch.accumulator(pooled++, idx.slotCount);
    idfs[w] = idf(idx.liveCount, accumulate(postings, ids, acc, live));
    accs[w] = acc;
  });
  const others = accs.filter((a) => a !== undefined);

  const state = idx.state;
  const lengths = idx.lengths;
  const average = idx.totalLength / Math.max(1, idx.liveCount);
  const visit = (slot: number, weight: number): void => {
    if (!allowed[state[slot]!]) return;
    for (const acc of others) if (acc[slot] === 0) return;
    if (!collector.consider(slot)) return;
    // Summed in query word order, so a query always gets bit-identical scores (cursors compare them).
    const norm = lengthNorm(lengths[slot]!, average);
    let score = 0;
    for (let w = 0; w < words.length; w++) score += wordScore(idfs[w]!, w === driver ? weight : accs[w]![slot]!, norm);
    if (rank) collector.add(slot, rank[slot]!, score);
    else collector.add(slot, score);
  };

  const driving = words[driver]!;
  if (driving.length === 1) {
    // One indexed word: its postings are the candidates, each once, with its weight.
    const id = driving[0]!;
    let matching = 0;
    for (const seg of postings.segments)
      if (id < seg.keys)
        for (let p = seg.start[id]!, end = seg.start[id + 1]!; p < end; p++) matching += live[seg.slots[p]!]!;
    idfs[driver] = idf(idx.liveCount, matching);
    for (const seg of postings.segments) {
      if (id >= seg.keys) continue;
      const slots = seg.slots;
      const weights = seg.weights!;
      for (let p = seg.start[id]!, end = seg.start[id + 1]!; p < end; p++) visit(slots[p]!, weights[p]!);
    }
  } else {
    // A prefix matching several words: a record may carry several of them, so sum per slot first.
    const acc = scratch.accumulator(0, idx.slotCount);
    const candidates = scratch.slotList(sizes[driver]!);
    let n = 0;
    let matching = 0;
    for (const id of driving)
      for (const seg of postings.segments) {
        if (id >= seg.keys) continue;
        for (let p = seg.start[id]!, end = seg.start[id + 1]!; p < end; p++) {
          const slot = seg.slots[p]!;
          if (acc[slot] === 0) {
            candidates[n++] = slot;
            matching += live[slot]!;
          }
          acc[slot]! += seg.weights![p]!;
        }
      }
    idfs[driver] = idf(idx.liveCount, matching);
    for (let c = 0; c < n; c++) visit(candidates[c]!, acc[candidates[c]!]!);
    for (let c = 0; c < n; c++) acc[candidates[c]!] = 0;
  }
  words.forEach((ids, w) => {
    if (w !== driver) clear(postings, ids, accs[w]!, sizes[w]!, idx.slotCount);
  });
}

/** Sum the weights of `ids`' postings per slot into `acc`; returns how many live slots got one. */
function accumulate(postings: PostingsStore, ids: number[], acc: Uint32Array, live: Uint8Array): number {
  let matching = 0;
  for (const id of ids)
    for (const seg of postings.segments) {
      if (id >= seg.keys) continue;
      const slots = seg.slots;
      const weights = seg.weights!;
      for (let p = seg.start[id]!, end = seg.start[id + 1]!; p < end; p++) {
        const slot = slots[p]!;
        if (acc[slot] === 0) matching += live[slot]!;
        acc[slot]! += weights[p]!;
      }
    }
  return matching;
}

/** Leave an accumulator all zero: by its postings when they are few, in one sweep otherwise. */
function clear(postings: PostingsStore, ids: number[], acc: Uint32Array, size: number, slots: number): void {
  if (size > slots / 16) {
    acc.fill(0, 0, slots);
    return;
  }
  for (const id of ids)
    for (const seg of postings.segments) {
      if (id >= seg.keys) continue;
      for (let p = seg.start[id]!, end = seg.start[id + 1]!; p < end; p++) acc[seg.slots[p]!] = 0;
    }
}
