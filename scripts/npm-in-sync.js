#!/usr/bin/env node
'use strict';
// Exit 0 when node_modules already holds exactly what package-lock.json asks for, so setup can
// skip `npm ci` (which deletes node_modules first: slow, and rude in a checkout others are using).
// npm records what it installed in node_modules/.package-lock.json (its "hidden lockfile").
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const read = (file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
let wanted, installed;
try {
  wanted = read('package-lock.json').packages;
  installed = read('node_modules/.package-lock.json').packages;
} catch (err) {
  console.log(`npm-in-sync: ${err.code === 'ENOENT' ? 'node_modules is not installed' : err.message}`);
  process.exit(1);
}
const same = (a, b) => (a.version ?? a.resolved) === (b.version ?? b.resolved);
for (const [where, entry] of Object.entries(wanted)) {
  if (where === '' || !where.includes('node_modules/')) continue; // the root and workspace folders
  const have = installed[where];
  if (have ? !same(entry, have) : !entry.optional) {
    console.log(`npm-in-sync: ${where} ${have ? `is ${have.version}, wants ${entry.version}` : 'is missing'}`);
    process.exit(1);
  }
}
for (const where of Object.keys(installed)) {
  if (!(where in wanted)) {
    console.log(`npm-in-sync: ${where} is installed but not in package-lock.json`);
    process.exit(1);
  }
}
process.exit(0);
