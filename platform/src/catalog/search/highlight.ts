/**
 * FTS5 wraps matches in marker characters we choose; the indexed text never contains them
 * (`indexText` strips them), so after HTML-escaping everything the markers become <mark> tags
 * unambiguously. The result is safe to put into innerHTML.
 */
export const MARK_OPEN = '\uE000';
export const MARK_CLOSE = '\uE001';
export const ELLIPSIS = '…';

const MARKERS = /[\uE000\uE001]/g;

/** Text as stored in the full-text index: marker characters replaced by spaces. */
export function indexText(s: string): string {
  return s.replace(MARKERS, ' ');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'
  );
}

/** Escape, then turn FTS5 markers into <mark>…</mark>. */
export function markedHtml(fragment: string): string {
  return escapeHtml(fragment).replaceAll(MARK_OPEN, '<mark>').replaceAll(MARK_CLOSE, '</mark>');
}
