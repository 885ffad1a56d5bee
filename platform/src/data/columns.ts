import { GenesisError, closest } from '@genesis-lab/contract';

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
