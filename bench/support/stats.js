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

/**
 * A sample's median with its spread: min, max and the interquartile range (p25..p75), rounded
 * to `d` decimals; what a skeptic needs to tell a change from noise.
 */
function spread(xs, d = 0) {
  if (!xs.length) return { n: 0, median: null, min: null, p25: null, p75: null, max: null };
  return {
    n: xs.length,
    median: round(median(xs), d),
    min: round(Math.min(...xs), d),
    p25: round(percentile(xs, 25), d),
    p75: round(percentile(xs, 75), d),
    max: round(Math.max(...xs), d)
  };
}

/** "412 ms (n 11, 380-450 IQR, 350-900)" for a summary line. */
const spreadText = (s, unit = 'ms') => `${s.median} ${unit} (n ${s.n}, IQR ${s.p25}-${s.p75}, range ${s.min}-${s.max})`;

module.exports = { median, percentile, round, spread, spreadText };
