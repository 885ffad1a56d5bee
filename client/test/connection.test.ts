import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConnection } from '@genesis-lab/client';
import { GenesisError } from '@genesis-lab/contract';

describe('resolveConnection reads the discovery file', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-conn-'));
    fs.mkdirSync(path.join(home, 'run'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  const write = (pid: number) =>
    fs.writeFileSync(
      path.join(home, 'run', 'platform.json'),
      JSON.stringify({
        url: 'http://127.0.0.1:1/',
        token: 'x'.repeat(32),
        pid,
        home,
        startedAt: new Date().toISOString(),
        version: '0.1.0'
      }),
      { mode: 0o600 }
    );

  test('a file left by a platform that was killed says the platform is not running', () => {
    write(spawnSync('true').pid);
    let caught: unknown;
    try {
      resolveConnection({ home, env: {} });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GenesisError);
    expect((caught as GenesisError).code).toBe('unavailable');
    expect((caught as GenesisError).message).toMatch(/pid \d+\) is not running/);
    expect((caught as GenesisError).hint).toContain(`genesis serve --home ${home}`);
  });

  test("a live owner's file gives its url and token", () => {
    write(process.pid);
    expect(resolveConnection({ home, env: {} })).toMatchObject({
      url: 'http://127.0.0.1:1',
      token: 'x'.repeat(32),
      source: 'discovery file'
    });
  });
});
