import { wordsOf } from './words';

/**
 * What a user typed, as the words search matches. The text is split exactly as records are
 * (see words.ts), so quotes, operators, column filters and parentheses are just separators.
 * Every word is a prefix (search-as-you-type: "co" finds "co2"; a one-letter word matches only
 * itself), a plural also matches its singular ("isotopes" finds "isotope"), and a record must
 * match every word (AND). Common English stop words are dropped unless nothing else is left.
 */

const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'by',
  'for',
  'from',
  'in',
  'into',
  'is',
  'it',
  'of',
  'on',
  'or',
  'the',
  'to',
  'with',
  'not'
]);

/** The words of a query (at most 16), lower case, diacritics removed, stop words dropped. */
export function queryTokens(text: string): string[] {
  const words = wordsOf(text);
  const meaningful = words.filter((w) => !STOP_WORDS.has(w));
  return (meaningful.length ? meaningful : words).slice(0, 16);
}

/** Singular forms to try beside the word itself (a light English plural folding). */
export function singularForms(word: string): string[] {
  if (word.length < 4 || /\d/.test(word)) return [];
  if (word.endsWith('ies')) return [word.slice(0, -3) + 'y'];
  if (word.endsWith('sses') || word.endsWith('xes') || word.endsWith('ches') || word.endsWith('shes'))
    return [word.slice(0, -2)];
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is'))
    return [word.slice(0, -1)];
  return [];
}

/** One word of a query: a record matches it when one of its words is, or starts with, an alternative. */
export interface QueryWord {
  alternatives: { text: string; prefix: boolean }[];
}

/** The words a record must all match; empty when the text has no searchable word. */
export function queryWords(text: string): QueryWord[] {
  return queryTokens(text).map((t) => ({
    // One-letter words stay exact: a one-letter prefix matches nearly everything.
    alternatives: [t, ...singularForms(t)].map((a) => ({ text: a, prefix: a.length > 1 }))
  }));
}
