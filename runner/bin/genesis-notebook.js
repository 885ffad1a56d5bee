#!/usr/bin/env node
'use strict';
// The runner's own entry: what a reproduction job runs (`reproduce-job SPEC`); `genesis run` and
// `genesis reproduce` are the commands users type.
require('../dist/cli.js')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    process.stderr.write(
      `genesis-notebook: ${err && err.describe ? err.describe() : err && err.stack ? err.stack : err}\n`
    );
    process.exit(1);
  });
