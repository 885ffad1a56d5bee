'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** The repository root (the benchmarks run the built packages under it). */
const ROOT = path.resolve(__dirname, '../..');

/** Exit 2 with what to run when a built file the benchmark loads is missing. */
function requireBuilt(bench, files) {
  for (const f of files)
    if (!fs.existsSync(path.join(ROOT, f))) {
      console.error(`bench/${bench}.js: ${f} is missing; build first (npm run build:packages)`);
      process.exit(2);
    }
}

/** Progress lines on stderr, stamped with the seconds since the benchmark started (stdout is for results). */
function logger(bench) {
  const t0 = Date.now();
  return (m) => process.stderr.write(`[bench:${bench} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);
}

module.exports = { ROOT, requireBuilt, logger };
