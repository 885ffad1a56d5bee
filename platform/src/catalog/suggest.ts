import { distance } from 'fastest-levenshtein';

/**
 * The closest candidates to a mistyped id or version, by edit distance (on the whole id,
 * and on the name alone when the user left out or mistyped the namespace). Only candidates
 * the caller may see are passed in, so suggestions never reveal hidden records.
 */
export function closest(wanted: string, candidates: Iterable<string>, max = 5): string[] {
  const w = wanted.toLowerCase();
  const wName = w.includes('/') ? w.slice(w.indexOf('/') + 1) : w;
  const limit = Math.max(2, Math.floor(w.length * 0.4));
  const scored: { c: string; d: number }[] = [];
  for (const c of candidates) {
    const lc = c.toLowerCase();
    let d = distance(w, lc);
    const slash = lc.indexOf('/');
    if (slash >= 0) d = Math.min(d, distance(wName, lc.slice(slash + 1)) + 1);
    if (lc.includes(wName) && wName.length >= 3) d = Math.min(d, 1);
    if (d <= limit) scored.push({ c, d });
  }
  scored.sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : a.c > b.c ? 1 : 0));
  return scored.slice(0, max).map((s) => s.c);
}
