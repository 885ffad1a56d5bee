import { Parser } from 'htmlparser2';

/** An HTML output read as its tables (rows of cell texts) and the text around them. */
export interface HtmlContent {
  tables: Array<{ header: string[]; rows: string[][] }>;
  /** Text outside the tables (the helpers' caption: ref, size, sha256, filter). */
  text: string;
}

/**
 * Read an HTML output into tables and text, so tables (the kernel helpers' Arrow view) compare by
 * rows and values instead of markup. A header cell's name is its first text (the helpers put the
 * type and unit under it).
 */
export function readHtml(html: string): HtmlContent {
  const tables: HtmlContent['tables'] = [];
  const outside: string[] = [];
  let depth = 0;
  let row: string[] | undefined;
  let cell: string[] | undefined;
  let inHead = false;
  let headerRow = false;
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'table') {
          depth++;
          if (depth === 1) tables.push({ header: [], rows: [] });
        } else if (depth === 1 && name === 'thead') inHead = true;
        else if (depth === 1 && name === 'tr') {
          row = [];
          headerRow = inHead;
        } else if (depth === 1 && (name === 'td' || name === 'th')) cell = [];
        else if (name === 'br' && cell) cell.push('\n');
      },
      ontext(t) {
        if (cell) cell.push(t);
        else if (depth === 0) outside.push(t);
      },
      onclosetag(name) {
        if (name === 'table') depth = Math.max(0, depth - 1);
        else if (depth === 1 && name === 'thead') inHead = false;
        else if (depth === 1 && (name === 'td' || name === 'th') && cell && row) {
          const t = cell.join('');
          row.push(headerRow ? (t.split('\n')[0] ?? '').trim() : t.trim());
          cell = undefined;
        } else if (depth === 1 && name === 'tr' && row) {
          const table = tables[tables.length - 1]!;
          if (headerRow) table.header = row;
          else table.rows.push(row);
          row = undefined;
        }
      }
    },
    { decodeEntities: true }
  );
  parser.write(html);
  parser.end();
  return { tables, text: outside.join('').replace(/\s+/g, ' ').trim() };
}
