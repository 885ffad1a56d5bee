import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GENESIS_BIN, REPO_ROOT, VENV, removeTempDirs, requireVenv, tempDir } from './support/jupyter';

// The version scripts/lib.sh pins; read from there so this test follows a bump.
const PINNED = /^GENESIS_NODE_VERSION=(\S+)$/m.exec(
  fs.readFileSync(path.join(REPO_ROOT, 'scripts/lib.sh'), 'utf8')
)![1]!;
// A PATH with only the machine's own tools: what a user's shell or a service manager may give.
const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

describe('one Node.js for everything (the pinned LTS scripts/setup installs)', () => {
  beforeAll(() => requireVenv());
  afterAll(() => removeTempDirs());

  it('runs the tests themselves on it', () => {
    expect(process.version).toBe(`v${PINNED}`);
  });

  it('runs `.venv/bin/genesis` on it whatever PATH says: ingest into SQLite works from a bare PATH', () => {
    const dir = tempDir('genesis-node-');
    const csv = path.join(dir, 'tiny.csv');
    const meta = path.join(dir, 'record.json');
    fs.writeFileSync(csv, 'x,y\n1,2\n3,4\n');
    fs.writeFileSync(meta, JSON.stringify({ title: 'Tiny', license: 'CC0-1.0' }));
    const r = spawnSync(
      path.join(VENV, 'bin', 'genesis'),
      ['ingest', csv, '--id', 'test/tiny', '--meta', meta, '--home', path.join(dir, 'home'), '--progress', 'none'],
      { encoding: 'utf8', env: { PATH: SYSTEM_PATH, HOME: dir } }
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const wrapper = fs.readFileSync(path.join(VENV, 'bin', 'genesis'), 'utf8');
    const node = /exec "([^"]+)"/.exec(wrapper)![1]!;
    expect(spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe(`v${PINNED}`);
  });

  it('starts the tslab kernel with it (named in the kernel spec, not found on PATH)', () => {
    const spec = JSON.parse(fs.readFileSync(path.join(VENV, 'share/jupyter/kernels/tslab/kernel.json'), 'utf8')) as {
      argv: string[];
    };
    expect(spawnSync(spec.argv[0]!, ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe(`v${PINNED}`);
    expect(spec.argv[1]).toBe(path.join(REPO_ROOT, 'node_modules/tslab/bin/tslab'));
  });

  it('gives npm scripts and npx the same Node (node_modules/.bin/node)', () => {
    const link = path.join(REPO_ROOT, 'node_modules/.bin/node');
    expect(spawnSync(link, ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe(`v${PINNED}`);
  });

  it('refuses, with what to do, a Node that cannot load the SQLite binding', () => {
    // The machine's own node (Debian's Node 20 here). On a machine whose node is new enough the
    // CLI must simply work instead; either way the outcome is checked.
    const system = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => fs.existsSync(p));
    if (!system) throw new Error('no system node at /usr/bin/node or /usr/local/bin/node to try');
    const napi = Number(spawnSync(system, ['-p', 'process.versions.napi'], { encoding: 'utf8' }).stdout);
    const r = spawnSync(system, [GENESIS_BIN, 'openapi'], { encoding: 'utf8' });
    if (napi < 10) {
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/is too old \(Genesis Lab runs on Node\.js 24\)/);
      expect(r.stderr).toMatch(/\.venv\/bin/);
    } else {
      expect(r.status).toBe(0);
    }
  });
});
