import * as React from 'react';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#x27': "'" };

function unescape(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#39|#x27);/g, (_, e: string) => ENTITIES[e] ?? _);
}

/**
 * Render a search highlight: the server wraps matches in `<mark>…</mark>` and HTML-escapes
 * everything else. We never hand the string to `innerHTML`: it is split on the two mark
 * tags, entities are decoded, and React renders the pieces as text. Any other markup the
 * fragment may contain therefore shows up as literal text, not as elements.
 */
export function Highlighted(props: { fragment: string }): React.ReactElement {
  const parts: React.ReactNode[] = [];
  const re = /<mark>([\s\S]*?)<\/mark>/g;
  let last = 0;
  let key = 0;
  for (let m = re.exec(props.fragment); m !== null; m = re.exec(props.fragment)) {
    if (m.index > last) parts.push(unescape(props.fragment.slice(last, m.index)));
    parts.push(<mark key={key++}>{unescape(m[1] ?? '')}</mark>);
    last = m.index + m[0].length;
  }
  if (last < props.fragment.length) parts.push(unescape(props.fragment.slice(last)));
  return <>{parts}</>;
}
