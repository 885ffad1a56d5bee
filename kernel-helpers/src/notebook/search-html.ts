import { countText, spansText, type HighlightSpan, type SearchResult } from '@genesis-lab/contract';
import { escapeHtml } from './format';
import type { MimeBundle } from './tslab';

/** Highlight spans as HTML: each span's text escaped once, matches in <mark>. */
function spansHtml(spans: readonly HighlightSpan[]): string {
  return spans.map((s) => (s.mark ? `<mark>${escapeHtml(s.text)}</mark>` : escapeHtml(s.text))).join('');
}

/** Search hits as a compact list: id (what `genesis.dataset()` takes), title, licence, size, matched text. */
export function searchBundle(q: string, result: SearchResult): MimeBundle {
  const items = result.hits
    .map((h) => {
      const size = h.rowCount !== undefined ? ` · ${countText(h.rowCount, 'row')}` : '';
      const version = h.latestVersion ? `@${escapeHtml(h.latestVersion)}` : '';
      const title = h.highlights.title ? spansHtml(h.highlights.title) : escapeHtml(h.title);
      const desc = h.highlights.description
        ? spansHtml(h.highlights.description)
        : escapeHtml(h.description.slice(0, 160));
      return `<li><code>${escapeHtml(h.id)}</code><span style="opacity:0.7">${version}</span> <b>${title}</b> <span style="opacity:0.7">· ${escapeHtml(h.license)} · ${escapeHtml(h.accessLevel)}${size}</span><br><span style="opacity:0.85">${desc}</span></li>`;
    })
    .join('');
  const html =
    `<div class="genesis-search"><div>${countText(result.total, 'result')} for <b>${escapeHtml(q)}</b>` +
    `${result.nextCursor ? ' (more: pass { cursor: result.nextCursor })' : ''}</div><ol>${items}</ol></div>`;
  const text = [
    `${countText(result.total, 'result')} for "${q}"`,
    ...result.hits.map(
      (h, i) =>
        `${i + 1}. ${h.id}${h.latestVersion ? `@${h.latestVersion}` : ''}  ${h.highlights.title ? spansText(h.highlights.title) : h.title} (${h.license})`
    )
  ].join('\n');
  return { 'text/html': html, 'text/plain': text };
}
