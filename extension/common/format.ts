/**
 * The panels' formatting. Counts, sizes and durations are the contract's (contract/core), so a
 * number reads the same in the panels, a notebook and the CLI; only the browser-locale time is here.
 */
import { formatBytes as bytes, formatCount as count, rowsText } from '@genesis-lab/contract/core';

export { formatDuration } from '@genesis-lab/contract/core';

export function formatBytes(n: number | undefined): string {
  return n === undefined ? '' : bytes(n);
}

export function formatCount(n: number | undefined): string {
  return n === undefined ? '' : count(n);
}

/** `1 row`, `2,922 rows`, `first 100,000 of 3,000,000 rows`. */
export function formatRows(n: number, total?: number, limit?: number): string {
  return rowsText(n, total, limit);
}

export function shortDigest(sha256: string | undefined, length = 12): string {
  return sha256 ? sha256.slice(0, length) : '';
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
