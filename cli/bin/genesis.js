#!/usr/bin/env node
'use strict';
require('../dist/main.js')
  .main(process.argv)
  .catch((err) => {
    process.stderr.write(`genesis: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  });
