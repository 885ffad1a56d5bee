import type { FacetCount, FacetName, Principal, SearchQuery } from '@genesis-lab/contract';

/** The platform functions the naive search shares with the index (see naive-search.js). */
export interface NaiveSearchLib {
  searchDocumentOf: typeof import('../../platform/src/catalog/search/search-document').searchDocumentOf;
  queryWords: typeof import('../../platform/src/catalog/search/match-expression').queryWords;
  idf: typeof import('../../platform/src/catalog/search/bm25').idf;
  wordScore: typeof import('../../platform/src/catalog/search/bm25').wordScore;
  lengthNorm: typeof import('../../platform/src/catalog/search/bm25').lengthNorm;
  visibleLevels: typeof import('../../platform/src/catalog/access').visibleLevels;
  mergeFieldInfo: typeof import('../../platform/src/catalog/record-rows').mergeFieldInfo;
  formatsOf: typeof import('../../platform/src/catalog/record-rows').formatsOf;
  FACETS: readonly FacetName[];
}

export interface NaiveCatalog {
  words: string[];
  records: unknown[];
}

export interface NaiveResult {
  total: number;
  facets: Record<FacetName, FacetCount[]>;
  hits: { id: string; score: number }[];
}

export function createNaiveSearch(lib: NaiveSearchLib): {
  load(db: import('better-sqlite3').Database): NaiveCatalog;
  search(catalog: NaiveCatalog, query: SearchQuery, principal: Principal, k: number): NaiveResult;
};
