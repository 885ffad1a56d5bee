import * as fs from 'node:fs';
import * as path from 'node:path';
import { Health } from '@genesis-lab/contract';
import {
  GENESIS_BIN,
  REPO_ROOT,
  VENV,
  requireVenv,
  run,
  startJupyter,
  removeTempDirs,
  tempDir,
  type JupyterServer
} from '@genesis-lab/test-support';
import { freshEnvironment, jupyterCli, pip, systemPath } from './support/python';

// Builds the wheel and installs it into a fresh environment (pip downloads: minutes, not seconds).
afterAll(removeTempDirs);
jest.setTimeout(600000);

const version = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

describe('the genesis-lab wheel', () => {
  let wheel: string;
  let entries: string[];

  beforeAll(async () => {
    requireVenv();
    const out = tempDir('genesis-wheel-');
    const py = path.join(VENV, 'bin', 'python');
    await run(py, ['-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w', out, REPO_ROOT], {
      maxBuffer: 64 * 1024 * 1024
    });
    wheel = path.join(
      out,
      fs.readdirSync(out).find((f) => f.endsWith('.whl'))!
    );
    const { stdout } = await run(py, [
      '-c',
      'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))',
      wheel
    ]);
    entries = stdout.trim().split('\n');
  });

  it('is named and versioned from package.json', () => {
    expect(path.basename(wheel)).toBe(`genesis_lab-${version}-py3-none-any.whl`);
  });

  it('ships the prebuilt labextension and enables the server extension, as shared data', () => {
    const data = `genesis_lab-${version}.data/data`;
    const ext = `${data}/share/jupyter/labextensions/genesis-lab`;
    expect(entries).toEqual(
      expect.arrayContaining([
        `${ext}/package.json`,
        `${ext}/install.json`,
        `${ext}/static/style.js`,
        `${data}/etc/jupyter/jupyter_server_config.d/genesis_lab.json`,
        'genesis_lab/__init__.py',
        'genesis_lab/proxy.py',
        'genesis_lab/supervisor.py',
        'genesis_lab/_version.py'
      ])
    );
    expect(entries.some((e) => new RegExp(`^${ext}/static/remoteEntry\\.[0-9a-f]+\\.js$`).test(e))).toBe(true);
    // Only the Python package and its data: no sources, tests or node_modules.
    expect(entries.filter((e) => /node_modules|\/test\/|\.ts$/.test(e))).toEqual([]);
  });

  describe('installed with pip into a fresh JupyterLab environment', () => {
    let env: string;
    const running: JupyterServer[] = [];
    beforeAll(async () => {
      env = await freshEnvironment('genesis-wheel-env-');
      await pip(env, ['install', '-q', wheel]);
    });
    afterEach(async () => {
      await Promise.all(running.splice(0).map((s) => s.stop()));
    });

    it('lists the labextension enabled and OK, and the server extension enabled', async () => {
      const lab = await jupyterCli(env, ['labextension', 'list']);
      expect(lab).toMatch(
        new RegExp(`genesis-lab v${version.replace(/\./g, '\\.')} enabled OK \\(python, genesis-lab\\)`)
      );
      const server = await jupyterCli(env, ['server', 'extension', 'list']);
      expect(server).toMatch(/genesis_lab enabled/);
      expect(server).toMatch(new RegExp(`genesis_lab ${version.replace(/\./g, '\\.')} OK`));
    });

    it('says plainly when it cannot find the platform, and uses GENESIS_PLATFORM_BIN', async () => {
      const lost = await startJupyter({ venv: env, env: { PATH: systemPath(env) } });
      running.push(lost);
      const r = await lost.fetch('/genesis/api/health');
      expect(r.status).toBe(503);
      expect(await r.text()).toMatch(/`genesis` was not found.*GENESIS_PLATFORM_BIN/s);

      const found = await startJupyter({
        venv: env,
        env: { PATH: systemPath(env), GENESIS_PLATFORM_BIN: GENESIS_BIN }
      });
      running.push(found);
      const ok = await found.fetch('/genesis/api/health');
      expect(ok.status).toBe(200);
      expect(Health.parse(await ok.json()).status).toBe('ok');
    });
  });
});
