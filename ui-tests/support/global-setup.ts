import type { FullConfig } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CHROMIUM, startLab } = require('../harness/lab.js') as typeof import('../harness/lab.js');

/**
 * Starts the JupyterLab every spec uses and returns the teardown that stops it. Environment:
 * - GENESIS_UI_PLATFORM=stopped: the platform stays down until a spec starts it
 * - GENESIS_UI_EXTENSION=off: the same lab without Genesis Lab
 * - GENESIS_UI_KEEP=1: keep the run directory (home, notebooks, Jupyter log) afterwards
 * - GENESIS_UI_LABEXTENSION=DIR: serve this labextension build (e.g. genesis_lab/labextension after
 *   `npm run build:extension`) instead of the one installed in the venv, which may be older
 * Specs read GENESIS_UI_RUN_DIR / GENESIS_UI_HOME / GENESIS_UI_NOTEBOOKS (set here).
 */
export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  if (!fs.existsSync(CHROMIUM)) {
    const reason = `Chromium is not installed at ${CHROMIUM} (run scripts/provision-system as root)`;
    if (process.env.GENESIS_REQUIRE_SERVICES === '1') throw new Error(reason);
    process.stdout.write(`\n*** UI tests SKIPPED: ${reason} ***\n\n`);
    process.env.GENESIS_UI_SKIP = reason;
    return async () => undefined;
  }
  const platform = process.env.GENESIS_UI_PLATFORM === 'stopped' ? 'stopped' : 'managed';
  const lab = await startLab({
    port: Number(process.env.GENESIS_UI_PORT),
    extension: process.env.GENESIS_UI_EXTENSION !== 'off',
    labextension: labextensionDir(),
    platform
  });
  process.env.GENESIS_UI_RUN_DIR = lab.runDir;
  process.env.GENESIS_UI_HOME = lab.home;
  process.env.GENESIS_UI_NOTEBOOKS = lab.notebooks;
  process.env.GENESIS_UI_PLATFORM = platform;
  process.stdout.write(`JupyterLab for the UI tests: ${lab.url} (run dir ${lab.runDir}, platform ${platform})\n`);

  return async () => {
    await lab.stop({ keepFiles: true });
    // The server's log is an artifact next to the screenshots and traces.
    const out = config.projects[0]?.outputDir ?? path.join(__dirname, '..', 'test-results');
    fs.mkdirSync(out, { recursive: true });
    fs.copyFileSync(lab.logFile, path.join(out, 'jupyter-server.log'));
    if (process.env.GENESIS_UI_KEEP !== '1') {
      fs.rmSync(lab.runDir, { recursive: true, force: true });
      fs.rmSync(path.dirname(lab.notebooks), { recursive: true, force: true });
    }
  };
}

/** GENESIS_UI_LABEXTENSION, checked: a wrong path would silently test the installed build. */
function labextensionDir(): string | undefined {
  const dir = process.env.GENESIS_UI_LABEXTENSION;
  if (!dir) return undefined;
  const abs = path.resolve(dir);
  if (!fs.existsSync(path.join(abs, 'package.json'))) {
    throw new Error(`GENESIS_UI_LABEXTENSION=${dir}: no labextension build there (expected ${abs}/package.json)`);
  }
  return abs;
}
