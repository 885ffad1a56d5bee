import { expect, test } from '../support/fixtures';

// Proves the harness: a real JupyterLab with Genesis Lab, the platform behind the proxy (seeded),
// the TypeScript kernel, and control over the platform for failure scenarios.
test.describe('UI-test harness', () => {
  test('JupyterLab loads with the Genesis Lab extension active', async ({ page, artifacts }) => {
    const federated = await page.evaluate(() => {
      const data = JSON.parse(document.getElementById('jupyter-config-data')!.textContent!);
      return (data.federated_extensions as { name: string }[]).map((e) => e.name);
    });
    expect(federated).toContain('genesis-lab');
    const plugins = await page.evaluate(() => {
      const app = (
        window as unknown as { jupyterapp: { listPlugins(): string[]; isPluginActivated(id: string): boolean } }
      ).jupyterapp;
      return app
        .listPlugins()
        .filter((id) => id.startsWith('genesis-lab:'))
        .map((id) => ({ id, active: app.isPluginActivated(id) }));
    });
    expect(plugins.filter((p) => p.active).length).toBeGreaterThan(0);
    await artifacts.screenshot('lab-with-genesis');
  });

  test('the browser reaches the seeded platform through /genesis/ without its token', async ({ page }) => {
    const answers = await page.evaluate(async () => {
      const health = await fetch('/genesis/api/health');
      const search = await fetch('/genesis/api/catalog/search?q=co2');
      const hits = ((await search.json()) as { hits: { id: string }[] }).hits;
      return {
        health: health.status,
        status: ((await health.json()) as { status: string }).status,
        ids: hits.map((h) => h.id)
      };
    });
    expect(answers).toMatchObject({ health: 200, status: 'ok' });
    expect(answers.ids).toContain('noaa/mauna-loa-co2');
  });

  test('a TypeScript kernel started by the lab finds the platform through the discovery file', async ({ page }) => {
    expect(await page.notebook.createNew('kernel.ipynb', { kernel: 'tslab' })).toBe('kernel.ipynb');
    await page.notebook.setCell(
      0,
      'code',
      [
        'import { genesis } from "@genesis-lab/kernel";',
        'const result = await genesis.search("mauna loa co2");',
        'console.log("found:", result.hits.map((h) => h.id).join(","));'
      ].join('\n')
    );
    await page.notebook.runCell(0);
    expect((await page.notebook.getCellTextOutput(0))?.join('')).toContain('found: noaa/mauna-loa-co2');
  });

  test('a spec can stop, start and crash the platform; it comes back at the same address', async ({
    page,
    platform
  }) => {
    const before = await platform.waitRunning();
    expect(before).toMatchObject({ mode: 'managed', owned: true });

    await platform.stop();
    const down = await page.request.get('/genesis/api/health');
    expect(down.status()).toBe(503);
    expect(((await down.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/stopped/)
    });

    await platform.start();
    expect((await page.request.get('/genesis/api/health')).status()).toBe(200);

    const crashed = await platform.crash();
    const after = await platform.waitRunning();
    expect(after.pid).not.toBe(crashed);
    expect(after.url).toBe(before.url);
    expect((await page.request.get('/genesis/api/health')).status()).toBe(200);
  });
});
