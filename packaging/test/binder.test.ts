import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Health, SearchResult } from '@genesis-lab/contract';
import { REPO_ROOT, run, startJupyter, removeTempDirs, tempDir, type JupyterServer } from '@genesis-lab/test-support';
import { freshEnvironment, jupyterCli } from './support/python';

// Runs the Binder steps for real: a fresh environment, binder/postBuild (= scripts/setup).
afterAll(removeTempDirs);
jest.setTimeout(900000);

const binder = (f: string) => path.join(REPO_ROOT, 'binder', f);

describe('Binder configuration', () => {
  it('installs CPython 3.11, Node.js 20 and the pinned list scripts/setup uses', () => {
    const yml = fs.readFileSync(binder('environment.yml'), 'utf8');
    expect(yml).toMatch(/^\s*- python=3\.11$/m);
    expect(yml).toMatch(/^\s*- nodejs=20$/m);
    expect(yml).toMatch(/^\s*- -r requirements\.txt$/m);
    for (const line of fs.readFileSync(binder('requirements.txt'), 'utf8').split('\n')) {
      if (line.trim() && !line.startsWith('#')) expect(line).toMatch(/^[A-Za-z0-9_.-]+==[^=\s]+$/);
    }
  });

  it('has a postBuild that stops at the first error and runs scripts/setup', () => {
    const post = fs.readFileSync(binder('postBuild'), 'utf8');
    expect(fs.statSync(binder('postBuild')).mode & 0o111).not.toBe(0);
    expect(post).toMatch(/^set -euo pipefail$/m);
    expect(post).toMatch(/bash scripts\/setup$/m);
  });
});

describe('the Binder steps in a fresh environment', () => {
  let env: string;
  let userHome: string;
  let server: JupyterServer | undefined;

  beforeAll(async () => {
    env = await freshEnvironment('genesis-binder-');
    userHome = tempDir('genesis-binder-home-');
    // What repo2docker does after installing environment.yml: run postBuild from the repository,
    // with the environment first on PATH, as the image's user.
    const t0 = Date.now();
    const { stdout } = await promisify(execFile)(binder('postBuild'), [], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PATH: `${path.join(env, 'bin')}:${process.env.PATH}`,
        HOME: userHome,
        GENESIS_VENV: '',
        GENESIS_HOME: ''
      },
      maxBuffer: 64 * 1024 * 1024
    });
    process.stdout.write(
      `postBuild took ${((Date.now() - t0) / 1000).toFixed(1)} s\n${stdout
        .split('\n')
        .filter((l) => l.startsWith('<=='))
        .join('\n')}\n`
    );
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('lists the genesis-lab labextension enabled and OK', async () => {
    expect(await jupyterCli(env, ['labextension', 'list'])).toMatch(
      /genesis-lab v[\d.]+ enabled OK \(python, genesis-lab\)/
    );
  });

  it('registers the tslab TypeScript kernel in that environment', async () => {
    const { stdout } = await run(path.join(env, 'bin', 'jupyter'), ['kernelspec', 'list', '--json']);
    const specs = JSON.parse(stdout) as {
      kernelspecs: Record<string, { resource_dir: string; spec: { argv: string[]; language: string } }>;
    };
    const tslab = specs.kernelspecs.tslab;
    expect(tslab.spec.language).toBe('typescript');
    expect(tslab.resource_dir.startsWith(env)).toBe(true);
    expect(fs.existsSync(tslab.spec.argv[0])).toBe(true);
  });

  it('serves the platform through the proxy, seeded with the example catalog', async () => {
    // As Binder starts it: the image's jupyter, the user's home (GENESIS_HOME defaults to ~/.genesis).
    server = await startJupyter({ venv: env, home: path.join(userHome, '.genesis'), env: { HOME: userHome } });
    const health = await server.fetch('/genesis/api/health');
    expect(health.status).toBe(200);
    expect(Health.parse(await health.json()).status).toBe('ok');

    const search = await server.fetch('/genesis/api/catalog/search?q=mauna%20loa%20co2');
    expect(search.status).toBe(200);
    const result = SearchResult.parse(await search.json());
    expect(result.hits.map((h) => h.id)).toContain('noaa/mauna-loa-co2');
  });
});
