'use strict';
/** Figures the benchmarks report, computed the same way in each. */

/** Nearest-rank percentile (p in 0..100) of a sample; null for an empty one. */
function percentile(xs, p) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** The median: the middle value, or the mean of the two middle ones. */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Round to `d` decimals for the JSON line; null and undefined stay null. */
const round = (x, d = 2) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);

module.exports = { median, percentile, round };
