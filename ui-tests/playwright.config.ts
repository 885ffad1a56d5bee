import { defineConfig } from '@playwright/test';
import * as path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const galata = require('@jupyterlab/galata/lib/playwright-config');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CHROMIUM, CHROMIUM_ARGS, freePortSync } = require('./harness/lab.js');

// This file is evaluated by the runner and again by every worker: the port is chosen once and
// handed to the workers through the environment they inherit.
process.env.GENESIS_UI_PORT ||= String(freePortSync());

export default defineConfig({
  ...galata,
  testDir: './tests',
  outputDir: './test-results',
  // Starts JupyterLab (harness/lab.js) and returns the teardown that stops it.
  globalSetup: path.join(__dirname, 'support', 'global-setup.ts'),
  // One lab, one platform: specs that stop or kill the platform must not overlap.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120000,
  expect: { timeout: 20000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    ...galata.use,
    baseURL: `http://127.0.0.1:${process.env.GENESIS_UI_PORT}`,
    // Debian's Chromium; Playwright never downloads a browser here. No video: it needs ffmpeg,
    // which Playwright would download.
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
    video: 'off',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure'
  }
});
