#!/usr/bin/env node
// `npm run schemas`: writes schema/<name>.json (what JupyterLab's settings registry reads) from the
// zod settings schemas in contract/src/lab-settings.ts, the one place they are declared.
// extension/test/settings-schemas.test.ts fails when a committed file differs from what this writes.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { LAB_SETTINGS, labSettingsJsonSchema } = require('../contract/dist');

for (const name of Object.keys(LAB_SETTINGS)) {
  const file = path.join(__dirname, '..', 'schema', `${name}.json`);
  fs.writeFileSync(file, `${JSON.stringify(labSettingsJsonSchema(name), null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
