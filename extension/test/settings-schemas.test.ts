import { LAB_SETTINGS, labSettingsJsonSchema, type LabSettingsName } from '@genesis-lab/contract';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SCHEMA_DIR = path.resolve(__dirname, '../../schema');

describe('settings schemas', () => {
  it.each(Object.keys(LAB_SETTINGS) as LabSettingsName[])(
    'schema/%s.json is what the contract declares (run `npm run schemas` after changing contract/src/lab-settings.ts)',
    (name) => {
      const file = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, `${name}.json`), 'utf8')) as unknown;
      expect(file).toEqual(labSettingsJsonSchema(name));
    }
  );

  it('every schema file belongs to a declared settings schema', () => {
    const files = fs.readdirSync(SCHEMA_DIR).map((f) => f.replace(/\.json$/, ''));
    expect(files.sort()).toEqual(Object.keys(LAB_SETTINGS).sort());
  });

  it('the defaults JupyterLab fills in are the contract schema’s defaults', () => {
    for (const name of Object.keys(LAB_SETTINGS) as LabSettingsName[]) {
      const schema = labSettingsJsonSchema(name) as { properties: Record<string, { default?: unknown }> };
      const defaults = Object.fromEntries(Object.entries(schema.properties).map(([k, p]) => [k, p.default]));
      expect(defaults).toEqual(LAB_SETTINGS[name].parse({}));
    }
  });
});
