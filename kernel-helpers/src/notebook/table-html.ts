import type { Table } from 'apache-arrow';
import { ARROW_META, countText, rowsText, type Cql2Expr } from '@genesis-lab/contract';
import { escapeHtml, formatValue, typeLabel, unitOf } from './format';
import type { MimeBundle } from './tslab';

/** Rows shown at each end of a table. */
export const EDGE_ROWS = 5;

function rowIndices(n: number): (number | 'gap')[] {
  if (n <= EDGE_ROWS * 2) return Array.from({ length: n }, (_, i) => i);
  return [
    ...Array.from({ length: EDGE_ROWS }, (_, i) => i),
    'gap',
    ...Array.from({ length: EDGE_ROWS }, (_, i) => n - EDGE_ROWS + i)
  ];
}

/** Where a table came from, as its schema metadata says (absent for tables not from the platform). */
export function provenanceOf(table: Table): { ref?: string; sha256?: string; filter?: Cql2Expr; totalRows?: number } {
  const m = table.schema.metadata;
  const filter = m.get(ARROW_META.filter);
  const total = m.get(ARROW_META.totalRows);
  return {
    ref: m.get(ARROW_META.ref),
    sha256: m.get(ARROW_META.sha256),
    ...(total !== undefined && /^\d+$/.test(total) ? { totalRows: Number(total) } : {}),
    ...(filter ? { filter: JSON.parse(filter) as Cql2Expr } : {})
  };
}

/** A readable one-line form of a CQL2 filter, for captions. */
export function filterText(e: Cql2Expr): string {
  const arg = (a: unknown): string => {
    if (a && typeof a === 'object') {
      if ('property' in a) return String((a as { property: string }).property);
      if ('op' in a) return `(${filterText(a as Cql2Expr)})`;
      if ('date' in a) return String((a as { date: string }).date);
      if ('timestamp' in a) return String((a as { timestamp: string }).timestamp);
      if (Array.isArray(a)) return `[${a.map(arg).join(', ')}]`;
    }
    return JSON.stringify(a);
  };
  const args = e.args as unknown[];
  switch (e.op) {
    case 'and':
    case 'or':
      return args.map(arg).join(` ${e.op} `);
    case 'not':
      return `not ${arg(args[0])}`;
    case 'between':
      return `${arg(args[0])} between ${arg(args[1])} and ${arg(args[2])}`;
    case 'isNull':
      return `${arg(args[0])} is null`;
    default:
      return `${arg(args[0])} ${e.op} ${arg(args[1])}`;
  }
}

/**
 * A compact, theme-aware HTML view of a table: where it came from (ref, version, sha256,
 * filter), how big it is, its schema with units, and its first and last rows. Plus a plain
 * text form for front ends without HTML.
 */
export function tableBundle(table: Table): MimeBundle {
  const { ref, sha256, filter, totalRows } = provenanceOf(table);
  const fields = table.schema.fields;
  const n = table.numRows;
  const caption = [
    ref ? `<b>${escapeHtml(ref)}</b>` : '<b>Arrow table</b>',
    `${rowsText(n, totalRows)} × ${countText(fields.length, 'column')}`,
    sha256 ? `sha256 <code title="${escapeHtml(sha256)}">${escapeHtml(sha256.slice(0, 12))}…</code>` : '',
    filter ? `filter <code>${escapeHtml(filterText(filter))}</code>` : ''
  ]
    .filter(Boolean)
    .join(' · ');
  const head = fields
    .map((f) => {
      const unit = unitOf(f);
      const sub = [typeLabel(f.type), unit ? `[${unit}]` : ''].filter(Boolean).join(' ');
      return `<th style="text-align:right">${escapeHtml(f.name)}<br><span style="font-weight:normal;opacity:0.7">${escapeHtml(sub)}</span></th>`;
    })
    .join('');
  const vectors = fields.map((f) => table.getChild(f.name)!);
  const rows = rowIndices(n)
    .map((i) =>
      i === 'gap'
        ? `<tr><td style="opacity:0.6">…</td>${fields.map(() => '<td style="text-align:right;opacity:0.6">…</td>').join('')}</tr>`
        : `<tr><td style="opacity:0.6">${i}</td>${fields
            .map((f, c) => `<td style="text-align:right">${escapeHtml(formatValue(f, vectors[c]!, i))}</td>`)
            .join('')}</tr>`
    )
    .join('');
  const html =
    `<div class="genesis-table" style="font-size:var(--jp-code-font-size,12px)">` +
    `<div style="margin-bottom:4px;color:var(--jp-ui-font-color1,inherit)">${caption}</div>` +
    `<table><thead><tr><th></th>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
  return { 'text/html': html, 'text/plain': tableText(table) };
}

export function tableText(table: Table): string {
  const { ref, sha256, totalRows } = provenanceOf(table);
  const fields = table.schema.fields;
  const header = `${ref ?? 'Arrow table'}: ${rowsText(table.numRows, totalRows)} × ${countText(fields.length, 'column')}${sha256 ? ` (sha256 ${sha256.slice(0, 12)}…)` : ''}`;
  const cols = fields.map((f) => `${f.name}: ${typeLabel(f.type)}${unitOf(f) ? ` [${unitOf(f)}]` : ''}`);
  const vectors = fields.map((f) => table.getChild(f.name)!);
  const lines = rowIndices(table.numRows).map((i) =>
    i === 'gap' ? '…' : `${i}\t${fields.map((f, c) => formatValue(f, vectors[c]!, i)).join('\t')}`
  );
  return [header, cols.join(', '), ...lines].join('\n');
}
