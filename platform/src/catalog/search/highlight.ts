import type { HighlightSpan } from '@genesis-lab/contract';
import { queryTokens, singularForms } from './match-expression';
import { WORD, foldText } from './words';

/**
 * Highlights are computed here rather than with FTS5's highlight()/snippet(): those re-run
 * the full-text query per returned row. Words are split and folded exactly as the index does
 * (letters and digits; lower case; diacritics removed), and a word is marked when it starts
 * with a query token (or its singular), which is what the MATCH expression matched.
 * The result is text spans (the contract's HighlightSpan), never HTML: each front end renders
 * marks its own way and escapes once.
 */
export const ELLIPSIS = '…';

/** The prefixes a word must start with to count as a match for this query. */
export function highlightTerms(query: string): string[] {
  return queryTokens(query).flatMap((t) => [t, ...singularForms(t)]);
}

interface Word {
  start: number;
  end: number;
  hit: boolean;
}

function words(text: string, terms: string[]): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(WORD)) {
    const w = foldText(m[0]);
    const hit = terms.some((t) => (t.length > 1 ? w.startsWith(t) : w === t));
    const start = m.index ?? 0;
    out.push({ start, end: start + m[0].length, hit });
  }
  return out;
}

function render(text: string, ws: Word[], from: number, to: number): HighlightSpan[] {
  const out: HighlightSpan[] = [];
  const plain = (t: string) => {
    if (!t) return;
    const last = out[out.length - 1];
    if (last && !last.mark) last.text += t;
    else out.push({ text: t, mark: false });
  };
  let pos = from;
  for (const w of ws) {
    if (w.start < from || w.end > to || !w.hit) continue;
    plain(text.slice(pos, w.start));
    out.push({ text: text.slice(w.start, w.end), mark: true });
    pos = w.end;
  }
  plain(text.slice(pos, to));
  return out;
}

/** The whole text, with every matching word marked. */
export function highlightAll(text: string, terms: string[]): HighlightSpan[] {
  return render(text, words(text, terms), 0, text.length);
}

/**
 * A fragment of about `size` words around the densest cluster of matches (the start of the
 * text when nothing matches), with ellipses where it was cut.
 */
export function snippet(text: string, terms: string[], size = 32): HighlightSpan[] {
  const ws = words(text, terms);
  if (ws.length <= size) return render(text, ws, 0, text.length);
  let best = 0;
  let bestHits = -1;
  let hits = 0;
  for (let i = 0; i < ws.length; i++) {
    if (ws[i]!.hit) hits++;
    if (i >= size && ws[i - size]!.hit) hits--;
    const start = Math.max(0, i - size + 1);
    if (i >= size - 1 && hits > bestHits) {
      bestHits = hits;
      best = start;
    }
  }
  const from = best === 0 ? 0 : ws[best]!.start;
  const last = Math.min(ws.length - 1, best + size - 1);
  const to = last === ws.length - 1 ? text.length : ws[last]!.end;
  const spans = render(text, ws, from, to);
  if (from > 0) spans.unshift({ text: ELLIPSIS, mark: false });
  if (to < text.length) spans.push({ text: ELLIPSIS, mark: false });
  return spans;
}
