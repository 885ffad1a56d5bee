import type { TranslationBundle } from '@jupyterlab/translation';

/** Small, pure formatting helpers shared by the panels. */
// TODO(core): byte units, "N rows" and elapsed time move into the contract's zod-free core; these
// then call it (keeping `trans` for the words).

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function formatCount(n: number | undefined): string {
  return n === undefined ? '' : n.toLocaleString('en-US');
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

/** `1h 02m`, `3m 07s`, `12s`: elapsed time of a job. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
