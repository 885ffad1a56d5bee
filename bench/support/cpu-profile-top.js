#!/usr/bin/env node
'use strict';
/**
 * Self time by function of a `node --cpu-prof` profile, largest first: how the data path's
 * profile in docs/benchmarks.md was read. Usage: node bench/support/cpu-profile-top.js FILE [N]
 */
const fs = require('node:fs');

const [file, n = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: cpu-profile-top.js FILE.cpuprofile [N]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-3).join('/')}:${lineNumber + 1}`;
  const us = profile.timeDeltas[i] || 0;
  total += us;
  self.set(key, (self.get(key) || 0) + us);
});
console.log(`${(total / 1000).toFixed(0)} ms sampled`);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(n)))
  console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
