import {
  LAB_PLATFORM_PATH,
  ManagedPlatformStatus,
  parseOrThrow,
  type ManagedPlatformAction
} from '@genesis-lab/contract';
import { expect, test as galata } from '@jupyterlab/galata';
import type { APIRequestContext, Locator, Page, TestInfo } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Control of the real platform behind the lab, for "platform unreachable" and "platform dies
 * mid-session and recovers" scenarios. Whatever a spec does, the fixture leaves the platform
 * running for the next spec.
 */
export interface PlatformControl {
  /** GENESIS_HOME of the platform (seeded with the example catalog). */
  readonly home: string;
  status(): Promise<ManagedPlatformStatus>;
  /** Wait until the Jupyter server reports the platform running. */
  waitRunning(timeoutMs?: number): Promise<ManagedPlatformStatus>;
  /** Stop it and keep it down (the proxy answers 503) until `start()`. */
  stop(): Promise<void>;
  /** Start it again and wait until it answers. */
  start(): Promise<ManagedPlatformStatus>;
  /**
   * kill -9 the platform process (a crash) and return its pid once the Jupyter server noticed;
   * the server restarts it by itself (same address and token): `waitRunning()` for that.
   */
  crash(): Promise<number>;
}

function platformControl(request: APIRequestContext): PlatformControl {
  const status = async (): Promise<ManagedPlatformStatus> => {
    const r = await request.get(`/${LAB_PLATFORM_PATH}`);
    if (!r.ok()) throw new Error(`GET /${LAB_PLATFORM_PATH}: ${r.status()} ${await r.text()}`);
    // The contract's schema, as the extension reads it: a drift between genesis_lab/supervisor.py
    // and the contract fails here, naming the path (e.g. "Invalid status at status.restarts").
    return parseOrThrow(ManagedPlatformStatus, await r.json(), 'status');
  };
  const act = async (action: ManagedPlatformAction['action']): Promise<void> => {
    const r = await request.post(`/${LAB_PLATFORM_PATH}`, { data: { action } satisfies ManagedPlatformAction });
    if (!r.ok()) throw new Error(`platform ${action}: ${r.status()} ${await r.text()}`);
  };
  const control: PlatformControl = {
    home: process.env.GENESIS_UI_HOME ?? '',
    status,
    async waitRunning(timeoutMs = 60000) {
      const until = Date.now() + timeoutMs;
      let last = await status();
      while (last.state !== 'running' && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 200));
        last = await status();
      }
      if (last.state !== 'running') throw new Error(`the platform is not running: ${JSON.stringify(last)}`);
      return last;
    },
    stop: () => act('stop'),
    async start() {
      await act('start');
      return control.waitRunning();
    },
    async crash() {
      const { pid } = await control.waitRunning();
      process.kill(pid!, 'SIGKILL');
      // Return once the Jupyter server has noticed (it restarts the platform on its own).
      const until = Date.now() + 30000;
      while ((await status()).pid === pid && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      return pid!;
    }
  };
  return control;
}

/** Screenshots kept as test artifacts (test-results/screenshots/<name>.png, attached to the report). */
export interface Artifacts {
  screenshot(name: string, target?: Page | Locator): Promise<string>;
}

function artifacts(page: Page, testInfo: TestInfo): Artifacts {
  return {
    async screenshot(name, target = page) {
      const file = path.join(testInfo.project.outputDir, 'screenshots', `${name}.png`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await target.screenshot({ path: file });
      await testInfo.attach(name, { path: file, contentType: 'image/png' });
      return file;
    }
  };
}

/** Galata's `test` plus `platform` and `artifacts`; skips (visibly) when the harness could not run. */
export const test = galata.extend<{ platform: PlatformControl; artifacts: Artifacts; harness: void }>({
  harness: [
    async ({}, use, testInfo) => {
      testInfo.skip(!!process.env.GENESIS_UI_SKIP, process.env.GENESIS_UI_SKIP);
      await use();
    },
    { auto: true }
  ],
  platform: async ({ request }, use) => {
    const control = platformControl(request);
    await use(control);
    if (process.env.GENESIS_UI_PLATFORM === 'managed' && (await control.status()).state !== 'running') {
      await control.start();
    }
  },
  artifacts: async ({ page }, use, testInfo) => {
    await use(artifacts(page, testInfo));
  }
});

export { expect };
