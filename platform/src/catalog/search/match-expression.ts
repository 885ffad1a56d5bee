/**
 * Turn what a user typed into a safe FTS5 MATCH expression. User text never reaches FTS5
 * syntax: it is split into word tokens the same way the index splits text (unicode letters
 * and digits), each token is quoted, and operators, quotes, column filters and parentheses
 * in the input are just separators. Every token is a prefix (search-as-you-type: "co" finds
 * "co2"), plural forms also match their singular ("isotopes" finds "isotope"), and all tokens
 * must match (AND). Common English stop words are dropped unless nothing else is left.
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

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased, diacritics removed: the index folds text the same way (unicode61, remove_diacritics 2). */
export function queryTokens(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  const words = folded.match(WORD) ?? [];
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

function term(token: string): string {
  // Tokens only hold letters and digits, so quoting cannot be broken; prefix with '*'.
  // One-letter tokens stay exact: a one-letter prefix matches nearly everything.
  return token.length > 1 ? `"${token}"*` : `"${token}"`;
}

/** The MATCH expression for a query, or undefined when it has no searchable word. */
export function matchExpression(text: string): string | undefined {
  const tokens = queryTokens(text);
  if (!tokens.length) return undefined;
  return tokens
    .map((t) => {
      const alternatives = [t, ...singularForms(t)].map(term);
      return alternatives.length > 1 ? `(${alternatives.join(' OR ')})` : alternatives[0]!;
    })
    .join(' AND ');
}
