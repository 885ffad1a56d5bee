import { distance } from 'fastest-levenshtein';
import { GenesisError } from '@genesis-lab/contract';

const sorted = (s: string) => [...s].sort().join('');

/** How far apart two names are for "did you mean": edit distance, case-insensitive; swapped letters and prefixes count as one edit. */
function nameDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === b.length && sorted(a) === sorted(b)) return 1; // "dya" for "day"
  if (Math.min(a.length, b.length) >= 3 && (a.startsWith(b) || b.startsWith(a))) return 1;
  return distance(a, b);
}

/** Up to `max` names closest to `name`, close enough to be a likely typo. */
export function closest(name: string, candidates: readonly string[], max = 3): string[] {
  const lower = name.toLowerCase();
  return candidates
    .map((c) => ({ c, d: nameDistance(lower, c.toLowerCase()) }))
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(Math.max(c.length, name.length) / 3)))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, max)
    .map(({ c }) => c);
}

/** `unknown_column` (400) naming where the name was given, the closest columns, and all columns. */
export function unknownColumn(name: string, columns: readonly string[], path: string): GenesisError {
  const suggestions = closest(name, columns);
  const listed = columns.length <= 30 ? columns.join(', ') : `${columns.slice(0, 30).join(', ')}, ...`;
  return new GenesisError(
    'unknown_column',
    `Unknown column "${name}" at ${path}${suggestions.length ? `; did you mean "${suggestions[0]}"?` : ''}`,
    {
      issues: [{ path, message: `no column named "${name}"` }],
      suggestions,
      hint: `This dataset's columns are: ${listed}`
    }
  );
}

/** Resolve `columns=` to schema indices (in the order asked); all columns when absent. Duplicates are refused. */
export function projectColumns(requested: readonly string[] | undefined, columns: readonly string[]): number[] {
  if (!requested) return columns.map((_, i) => i);
  const seen = new Set<string>();
  return requested.map((name, k) => {
    const i = columns.indexOf(name);
    if (i < 0) throw unknownColumn(name, columns, `query.columns[${k}]`);
    if (seen.has(name))
      throw new GenesisError('validation_failed', `Invalid query at query.columns[${k}]: "${name}" is listed twice`, {
        issues: [{ path: `query.columns[${k}]`, message: `"${name}" is listed twice` }]
      });
    seen.add(name);
    return i;
  });
}
