/**
 * The shape every benchmark's final JSON line must have: a `targets` object whose entries are
 * `{ value, target, met }`, `target` a comparison (">= 0.6", "<= 50") and `met` what the value
 * says about it. Checked by each benchmark's smoke test, with no timing assertion: in smoke mode
 * the figures are meaningless, the shape is not.
 */
export interface BenchTarget {
  value: number | null;
  target: string;
  met: boolean;
}

const TARGET = /^(>=|<=) (-?\d+(\.\d+)?)$/;

/** What is wrong with a benchmark result's `targets` (empty when nothing is); `names` are required. */
export function targetProblems(result: unknown, names: readonly string[]): string[] {
  if (typeof result !== 'object' || result === null) return ['the final line is not a JSON object'];
  const targets = (result as { targets?: unknown }).targets;
  if (typeof targets !== 'object' || targets === null || Array.isArray(targets))
    return ['the final line has no `targets` object'];
  const problems: string[] = [];
  const entries = Object.entries(targets as Record<string, unknown>);
  if (entries.length === 0) problems.push('`targets` is empty');
  for (const name of names) if (!(name in targets)) problems.push(`targets.${name} is missing`);
  for (const [name, t] of entries) {
    const { value, target, met } = (t ?? {}) as Partial<BenchTarget>;
    if (!(value === null || (typeof value === 'number' && Number.isFinite(value))))
      problems.push(`targets.${name}.value is ${JSON.stringify(value)}, not a number or null`);
    const m = typeof target === 'string' ? TARGET.exec(target) : null;
    if (!m) {
      problems.push(`targets.${name}.target is ${JSON.stringify(target)}, not ">= N" or "<= N"`);
      continue;
    }
    if (typeof met !== 'boolean') {
      problems.push(`targets.${name}.met is ${JSON.stringify(met)}, not a boolean`);
      continue;
    }
    const limit = Number(m[2]);
    const expected = typeof value === 'number' && (m[1] === '>=' ? value >= limit : value <= limit);
    if (met !== expected) problems.push(`targets.${name}.met is ${met} but ${value} ${target} is ${expected}`);
  }
  return problems;
}
