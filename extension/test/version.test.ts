import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXTENSION_VERSION } from '../version';

it('the version recorded with captured executions is the package version', () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };
  expect(EXTENSION_VERSION).toBe(pkg.version);
});
