import { distance } from 'fastest-levenshtein';

/**
 * "Did you mean": the one rule for every unknown name a user typed (ids, versions, columns,
 * facilities, facets). Case-insensitive edit distance, where swapped letters ("dya" for "day")
 * and a prefix of three or more letters ("access" for "accessLevel") count as one edit, and an
 * id's name alone is compared too (a missing or mistyped namespace costs one edit). A candidate
 * is close enough within a third of the longer name (at least 2 edits). Callers pass only what
 * the user may see, so a suggestion never reveals a hidden record.
 */
export function closest(wanted: string, candidates: Iterable<string>, max = 3): string[] {
  const w = wanted.toLowerCase();
  const scored: { c: string; d: number }[] = [];
  for (const c of candidates) {
    const d = nameDistance(w, c.toLowerCase());
    if (d <= Math.max(2, Math.floor(Math.max(c.length, w.length) / 3))) scored.push({ c, d });
  }
  scored.sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : a.c > b.c ? 1 : 0));
  return scored.slice(0, max).map((s) => s.c);
}

const sorted = (s: string) => [...s].sort().join('');

function nameDistance(a: string, b: string): number {
  if (a === b) return 0;
  let d = wordDistance(a, b);
  // `namespace/name`: the name alone, one edit for the namespace left out or mistyped.
  const slash = b.indexOf('/');
  if (slash >= 0) {
    const name = a.includes('/') ? a.slice(a.indexOf('/') + 1) : a;
    d = Math.min(d, wordDistance(name, b.slice(slash + 1)) + 1);
  }
  return d;
}

function wordDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === b.length && sorted(a) === sorted(b)) return 1;
  if (Math.min(a.length, b.length) >= 3 && (a.startsWith(b) || b.startsWith(a))) return 1;
  return distance(a, b);
}
