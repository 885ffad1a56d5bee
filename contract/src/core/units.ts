/**
 * Counts and sizes as every front end writes them (the panels, notebook outputs, the CLI), so a
 * number reads the same everywhere.
 */

/** `1,234,567`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1 row`, `2,922 rows` (any noun: `countText(3, 'column')`). */
export function countText(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * The rows of a pull or table: `2,922 rows`, or `first 100,000 of 3,000,000 rows` when the query
 * matched more than it returned (`total` known), or `first 100,000 rows (limit reached)` when a
 * limit stopped it and the total is not known (a filter).
 */
export function rowsText(rows: number, total?: number, limit?: number): string {
  if (total !== undefined && total > rows) return `first ${formatCount(rows)} of ${countText(total, 'row')}`;
  if (total === undefined && limit !== undefined && rows > 0 && rows >= limit)
    return `first ${countText(rows, 'row')} (limit reached)`;
  return countText(rows, 'row');
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Bytes in binary units, as Slurm and the kernel count memory: `512 B`, `1.5 KiB`, `12.3 MiB`, `4 GiB`, `512 GiB`. */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const text = u === 0 ? String(v) : v.toFixed(v < 100 ? 1 : 0).replace(/\.0$/, '');
  return `${text} ${UNITS[u]}`;
}
