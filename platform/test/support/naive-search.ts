import { FACETS } from '@genesis-lab/contract';
import { createNaiveSearch } from '../../../bench/support/naive-search';
import { visibleLevels } from '../../src/catalog/access';
import { formatsOf, mergeFieldInfo } from '../../src/catalog/record-rows';
import { idf, lengthNorm, wordScore } from '../../src/catalog/search/bm25';
import { queryWords } from '../../src/catalog/search/match-expression';
import { searchDocumentOf } from '../../src/catalog/search/search-document';

/** The naive scan the search index is checked against (bench/support/naive-search.js), on the sources. */
export const naive = createNaiveSearch({
  searchDocumentOf,
  queryWords,
  idf,
  wordScore,
  lengthNorm,
  visibleLevels,
  mergeFieldInfo,
  formatsOf,
  FACETS
});
