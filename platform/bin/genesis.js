#!/usr/bin/env node
'use strict';
// The platform's SQLite binding (better-sqlite3 13) needs Node-API 10 (Node.js 22.14+); on an
// older Node it crashes instead of failing, so say which Node to use before loading anything.
if (!(Number(process.versions.napi) >= 10)) {
  process.stderr.write(
    `genesis: Node.js ${process.version} is too old (Genesis Lab runs on Node.js 24). ` +
      "Use the `genesis` that scripts/setup puts into .venv/bin (it runs the project's Node 24), " +
      'or put .tools/node-*/node_modules/node-linux-*/bin of the checkout first on PATH.\n'
  );
  process.exit(2);
}
require('../dist/cli/main.js')
  .main(process.argv)
  .catch((err) => {
    process.stderr.write(`genesis: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  });
