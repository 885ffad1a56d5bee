import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '@genesis-lab/test-support';

/**
 * The lint step's import rules (.dependency-cruiser.cjs, run by scripts/check-imports) fail on a
 * broken direction and on a cycle: each case writes a deliberate violation into a source folder,
 * runs the check as `npm run lint` does, and removes it again.
 */
function check(files: Record<string, string>): { status: number | null; output: string } {
  const written = Object.keys(files).map((f) => path.join(REPO_ROOT, f));
  try {
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(REPO_ROOT, f), text);
    const r = spawnSync('bash', [path.join(REPO_ROOT, 'scripts/check-imports')], { encoding: 'utf8', timeout: 120000 });
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  } finally {
    for (const f of written) fs.rmSync(f, { force: true });
  }
}

describe('the import rules of the lint step', () => {
  it('pass on the tree as it is', () => {
    const r = check({});
    expect(r.output).toMatch(/no dependency violations/);
    expect(r.status).toBe(0);
  });

  it('fail when the platform imports the client (the service depends on the contract only)', () => {
    const r = check({ 'platform/src/import-rule-probe.ts': "export { GenesisClient } from '@genesis-lab/client';\n" });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/platform-on-contract-only: platform\/src\/import-rule-probe\.ts/);
  });

  it('fail when the browser-safe client core imports a Node module', () => {
    const r = check({ 'client/src/core/import-rule-probe.ts': "export { readFileSync } from 'node:fs';\n" });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/core-uses-no-node-builtins: client\/src\/core\/import-rule-probe\.ts/);
  });

  it('fail on an import cycle', () => {
    const r = check({
      'client/src/core/import-rule-probe-a.ts':
        "import { b } from './import-rule-probe-b';\nexport const a = () => b;\n",
      'client/src/core/import-rule-probe-b.ts':
        "import { a } from './import-rule-probe-a';\nexport const b = () => a;\n"
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/no-circular: client\/src\/core\/import-rule-probe-a\.ts/);
  });

  it('fail when shipped code imports the shared test support', () => {
    const r = check({ 'cli/src/import-rule-probe.ts': "export { until } from '@genesis-lab/test-support';\n" });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/test-support-only-in-tests: cli\/src\/import-rule-probe\.ts/);
  });
});
