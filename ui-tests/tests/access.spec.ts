import { galata } from '@jupyterlab/galata';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test } from '../support/fixtures';

/**
 * The extension pointed at a platform by URL (Settings > Genesis Lab > Platform URL + token)
 * instead of the Jupyter proxy: a second, real platform this spec starts, whose token is cleared
 * for open data only and which holds a `controlled` dataset. Its metadata is public, its rows
 * are not: the detail says "Access denied" and shows no data.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { freePortSync, REPO_ROOT } = require('../harness/lab.js') as { freePortSync(): number; REPO_ROOT: string };

process.env.GENESIS_UI_DIRECT_PORT ||= String(freePortSync());
const PORT = Number(process.env.GENESIS_UI_DIRECT_PORT);
const PLATFORM_URL = `http://127.0.0.1:${PORT}`;
const TOKEN = 'ui-test-direct-platform-token-0123456789';
const LAB_ORIGIN = `http://127.0.0.1:${process.env.GENESIS_UI_PORT}`;
const GENESIS = path.join(REPO_ROOT, 'cli/bin/genesis.js');

let home = '';
let platform: ChildProcess | null = null;

function ingest(id: string, accessLevel: 'open' | 'controlled', title: string) {
  const csv = path.join(home, `${id.replace('/', '-')}.csv`);
  const meta = path.join(home, `${id.replace('/', '-')}.json`);
  fs.writeFileSync(csv, 'sample,assay,value\nS1,glucose,5.4\nS2,glucose,6.1\nS3,lactate,1.2\n');
  fs.writeFileSync(
    meta,
    JSON.stringify({
      title,
      description: `${title}: three assay results (test data written by the UI test).`,
      license: 'CC-BY-4.0',
      accessLevel,
      domain: 'biology',
      keywords: ['assay', 'ui-test']
    })
  );
  const r = spawnSync(process.execPath, [GENESIS, 'ingest', csv, '--id', id, '--meta', meta, '--home', home], {
    encoding: 'utf8'
  });
  if (r.status !== 0) throw new Error(`genesis ingest ${id} failed: ${r.stderr}${r.stdout}`);
}

test.beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-ui-direct-'));
  ingest('lab/open-assays', 'open', 'Open assays');
  ingest('lab/secret-assays', 'controlled', 'Controlled assays');
  platform = spawn(
    process.execPath,
    [GENESIS, 'serve', '--port', String(PORT), '--home', home, '--clearance', 'open', '--cors-origin', LAB_ORIGIN],
    { env: { ...process.env, GENESIS_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] }
  );
  let out = '';
  platform.stdout!.on('data', (d) => (out += d));
  platform.stderr!.on('data', (d) => (out += d));
  const until = Date.now() + 30000;
  while (!out.includes('listening on')) {
    if (platform.exitCode !== null || Date.now() > until) throw new Error(`the direct platform did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

test.afterAll(async () => {
  if (platform && platform.exitCode === null) {
    platform.kill('SIGTERM');
    await new Promise((r) => platform!.once('exit', r));
  }
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

test.describe('a platform configured by URL, cleared for open data only', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'genesis-lab:client': { platformUrl: PLATFORM_URL, platformToken: TOKEN }
    }
  });

  test('a controlled record shows its metadata and "Access denied", never its rows', async ({ page, artifacts }) => {
    await page.sidebar.openTab('genesis-catalog');
    const panel = page.locator('#genesis-catalog');
    // The panel says who it acts as: the token's platform user (the platform's local admin here).
    await expect(panel.locator('.jp-Genesis-identity')).toContainText('Signed in as owner (admin)');
    const secret = panel.locator('.jp-Genesis-result[data-id="lab/secret-assays"]');
    await expect(secret).toBeVisible();
    await expect(secret.locator('.jp-Genesis-access')).toHaveText('Controlled');
    await secret.click();

    const detail = page.locator('.jp-Genesis-detail');
    await expect(detail.locator('.jp-Genesis-detailTitle')).toHaveText('Controlled assays');
    await expect(detail.locator('.jp-Genesis-fields')).toContainText('assay');
    const denied = detail.locator('.jp-Genesis-error.jp-mod-denied');
    await expect(denied).toContainText('Access denied');
    await expect(denied).toContainText('controlled');
    await expect(detail.locator('.jp-Genesis-previewGrid')).toBeHidden();
    await expect(detail.locator('[data-preview-rows]')).toHaveCount(0);
    await artifacts.screenshot('dataset-access-denied');

    // The open record of the same platform previews normally: the denial is about access only.
    await panel.locator('.jp-Genesis-result[data-id="lab/open-assays"]').click();
    await expect(page.locator('.jp-Genesis-detail [data-preview-rows]')).toHaveAttribute('data-preview-rows', '3');
  });
});

test.describe('a platform configured by URL with a wrong token', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'genesis-lab:client': { platformUrl: PLATFORM_URL, platformToken: 'not-the-token-of-this-platform' }
    }
  });

  test('the panel says the platform refused us, and why', async ({ page }) => {
    await page.sidebar.openTab('genesis-catalog');
    const banner = page.locator('#genesis-catalog .jp-Genesis-banner[data-status="error"]');
    await expect(banner).toContainText('refused');
    await expect(banner).toContainText('token');
  });
});

test.describe('a platform URL where nothing listens', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'genesis-lab:client': { platformUrl: `http://127.0.0.1:${freePortSync()}`, platformToken: TOKEN }
    }
  });

  test('the panel says it is unreachable and offers Retry', async ({ page, artifacts }) => {
    await page.sidebar.openTab('genesis-catalog');
    const banner = page.locator('#genesis-catalog .jp-Genesis-banner[data-status="unreachable"]');
    await expect(banner).toContainText('Cannot reach the Genesis platform');
    await expect(banner.getByRole('button', { name: 'Retry' })).toBeVisible();
    await artifacts.screenshot('catalog-unreachable-url', page.locator('#genesis-catalog'));
  });
});
