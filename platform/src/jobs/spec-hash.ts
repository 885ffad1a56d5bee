import { createHash } from 'node:crypto';
import type { JobSpec } from '@genesis-lab/contract';

/** Stable JSON (sorted keys) so the same spec always hashes the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** What an idempotency key is bound to: the spec without the key itself. */
export function specHash(spec: JobSpec): string {
  const { idempotencyKey: _k, ...rest } = spec;
  return createHash('sha256').update(canonical(rest)).digest('hex');
}
