import type { DataFormat, FacetName, Field, RecordKind } from '@genesis-lab/contract';
import { facetValuesOf, type StoredMetadata } from '../record-rows';
import { resized } from './postings';
import { wordsOf } from './words';

/**
 * What search knows about one record, computed once when the record is written: its distinct
 * words with their weighted frequency, its length in words, and its facet values. Relevance
 * weighs where a word occurs: title 10, id name 8 ("seattle-weather" is a curated summary of a
 * record), keywords 6, description 3, fields and units 2, id, creators, publisher and domain 1.
 */
export const COLUMN_WEIGHTS = { title: 10, name: 8, keywords: 6, description: 3, fields: 2, agents: 1 } as const;

/** A word's weighted frequency is stored in 16 bits; far beyond where BM25 saturates. */
const MAX_WEIGHT = 0xffff;

export interface SearchDocumentInput {
  id: string;
  meta: StoredMetadata;
  /** The latest version's fields with the publisher's units and descriptions merged in ([] without data). */
  fields: Field[];
  formats: DataFormat[];
  /** Default: a dataset. */
  kind?: RecordKind;
}

export interface SearchDocument {
  /** Ids of the distinct words (by the caller's numbering), in first-seen order. */
  termIds: number[];
  /** Per word: the sum over columns of column weight x occurrences. */
  weights: Uint16Array;
  /** Words in all columns together (BM25's document length). */
  length: number;
  facets: [FacetName, string][];
}

/** Per word id, the weight summed so far for the document being built (all zero between documents). */
let weightOf = new Uint32Array(1024);

/**
 * A record's search document. `numberWord` gives a word's id (the catalog's dictionary, or any
 * numbering a test keeps); weights are summed per id in a reused array, so each word of the
 * record costs one lookup.
 */
export function searchDocumentOf(x: SearchDocumentInput, numberWord: (word: string) => number): SearchDocument {
  const m = x.meta;
  const columns: [string, number][] = [
    [m.title, COLUMN_WEIGHTS.title],
    [x.id.slice(x.id.indexOf('/') + 1), COLUMN_WEIGHTS.name],
    [m.keywords.join(' ; '), COLUMN_WEIGHTS.keywords],
    [m.description, COLUMN_WEIGHTS.description],
    [x.fields.map((f) => [f.name, f.unit, f.description].filter(Boolean).join(' ')).join(' ; '), COLUMN_WEIGHTS.fields],
    [
      [x.id, ...m.creators.flatMap((c) => [c.name, c.affiliation ?? '']), m.publisher?.name ?? '', m.domain ?? '']
        .filter(Boolean)
        .join(' ; '),
      COLUMN_WEIGHTS.agents
    ]
  ];
  const termIds: number[] = [];
  let length = 0;
  const words: string[] = [];
  for (const [text, weight] of columns) {
    words.length = 0;
    wordsOf(text, words);
    length += words.length;
    for (const w of words) {
      const id = numberWord(w);
      if (id >= weightOf.length) weightOf = resized(weightOf, Math.max(id + 1, weightOf.length * 2));
      if (weightOf[id] === 0) termIds.push(id);
      weightOf[id]! += weight;
    }
  }
  const weights = new Uint16Array(termIds.length);
  termIds.forEach((id, i) => {
    weights[i] = Math.min(weightOf[id]!, MAX_WEIGHT);
    weightOf[id] = 0;
  });
  const seen = new Set<string>();
  const facets: [FacetName, string][] = [];
  for (const [facet, value] of facetValuesOf(m, x.formats, x.kind)) {
    const key = `${facet}\u0000${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    facets.push([facet, value]);
  }
  return { termIds, weights, length, facets };
}
