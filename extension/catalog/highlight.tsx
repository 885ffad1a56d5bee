import type { HighlightSpan } from '@genesis-lab/contract';
import * as React from 'react';

/**
 * Render a search highlight: the platform sends text spans (never HTML), and React renders
 * each as text, the matched ones inside <mark>. Nothing is parsed or un-escaped here.
 */
export function Highlighted(props: { spans: readonly HighlightSpan[] }): React.ReactElement {
  return <>{props.spans.map((s, i) => (s.mark ? <mark key={i}>{s.text}</mark> : s.text))}</>;
}
