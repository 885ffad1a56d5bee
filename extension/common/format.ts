/**
 * The panels' formatting. Numbers, sizes and durations are the contract's (contract/core), so they
 * read the same in the panels, a notebook and the CLI; the words around them are translated here.
 */
import { formatBytes as bytes, formatCount as count } from '@genesis-lab/contract/core';
import type { TranslationBundle } from '@jupyterlab/translation';

export { formatDuration } from '@genesis-lab/contract/core';

export function formatBytes(n: number | undefined): string {
  return n === undefined ? '' : bytes(n);
}

export function formatCount(n: number | undefined): string {
  return n === undefined ? '' : count(n);
}

/** `1 row`, `2,922 rows`. */
export function formatRows(trans: TranslationBundle, n: number): string {
  return trans._n('%2 row', '%2 rows', n, formatCount(n));
}

/** `First 100,000 of 3,000,000 rows` when `shown` is part of `total`, else `100,000 rows`. */
export function formatRowsOf(trans: TranslationBundle, shown: number, total: number | undefined): string {
  if (total === undefined || total <= shown) return formatRows(trans, shown);
  return trans._n('First %2 of %3 rows', 'First %2 of %3 rows', total, formatCount(shown), formatCount(total));
}

export function shortDigest(sha256: string | undefined, length = 12): string {
  return sha256 ? sha256.slice(0, length) : '';
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
