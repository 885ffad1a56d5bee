'use strict';
/**
 * The `targets` object every benchmark ends its JSON line with: for each target its measured
 * value, the target as text (">= 0.6") and whether it was met, so nobody reads prose to know.
 */

/** One target: `op` is '>=' or '<='; a missing value (null) is not met. */
function target(value, op, limit) {
  if (op !== '>=' && op !== '<=') throw new Error(`target: unknown comparison ${op}`);
  const known = value !== null && value !== undefined && Number.isFinite(value);
  return {
    value: known ? value : null,
    target: `${op} ${limit}`,
    met: known && (op === '>=' ? value >= limit : value <= limit)
  };
}

/** Summary lines, one per target: "met  name 0.71 (>= 0.6)" or "MISS ...". */
function targetLines(targets) {
  return Object.entries(targets).map(([k, t]) => `${t.met ? 'met ' : 'MISS'}  ${k} ${t.value} (${t.target})`);
}

module.exports = { target, targetLines };
