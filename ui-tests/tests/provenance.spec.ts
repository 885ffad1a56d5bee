import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import { provenanceToolsAvailable, validateCrate } from '../../platform/test/support/provenance';
import { expect, test } from '../support/fixtures';

/**
 * Provenance without extra code, in a real JupyterLab with a real tslab kernel and the real
 * platform: cells run as usual are recorded (a failing one as failed), the Provenance panel and
 * the lineage graph show them, the RO-Crate export passes rocrate-validator, and a platform
 * that goes away in the middle of a run loses no execution.
 */

const CO2 = 'noaa/mauna-loa-co2';

interface RunAnswer {
  run: { runId: string; executions: number; failed: number };
  executions: { cellId: string; success: boolean; executionCount: number | null; lineage: { kind: string }[] }[];
}

/** A TypeScript notebook with these code cells, opened in the lab. */
async function openNotebook(page: IJupyterLabPageFixture, file: string, sources: string[]) {
  const notebook = {
    cells: sources.map((source, i) => ({
      cell_type: 'code',
      id: `cell-${i}`,
      execution_count: null,
      metadata: {},
      source,
      outputs: []
    })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5
  };
  await page.contents.uploadContent(JSON.stringify(notebook), 'text', file);
  await page.notebook.openByPath(file);
  await page.notebook.activate(path.basename(file));
  // A cell run before the kernel is up is lost to galata's runCell (it waits for a run that never starts).
  await page.waitForFunction(
    () => {
      const panel = window.jupyterapp.shell.currentWidget as unknown as {
        sessionContext?: { session?: { kernel?: { status: string } | null } | null };
      } | null;
      return panel?.sessionContext?.session?.kernel?.status === 'idle';
    },
    undefined,
    { timeout: 60000 }
  );
}

/** The notebook id capture wrote into metadata.genesis. */
async function notebookIdOf(page: Page): Promise<string> {
  const id = await page.evaluate(() => {
    const widget = window.jupyterapp.shell.currentWidget as unknown as {
      content?: { model?: { getMetadata(key: string): { notebookId?: string } | undefined } };
    } | null;
    return widget?.content?.model?.getMetadata('genesis')?.notebookId;
  });
  expect(id, 'metadata.genesis.notebookId').toMatch(/^[0-9a-f-]{36}$/);
  return id!;
}

/** The notebook's newest run as the platform holds it, once it has `count` executions. */
async function recordedRun(page: Page, notebookId: string, count: number, timeout = 60000): Promise<RunAnswer> {
  let answer: RunAnswer | null = null;
  await expect
    .poll(
      async () => {
        const runs = await page.request.get(`/genesis/api/provenance/notebooks/${notebookId}/runs`);
        if (!runs.ok()) return -1;
        const { runs: list } = (await runs.json()) as { runs: { runId: string }[] };
        if (!list[0]) return 0;
        const r = await page.request.get(`/genesis/api/provenance/runs/${list[0].runId}`);
        answer = (await r.json()) as RunAnswer;
        return answer.executions.length;
      },
      { timeout, intervals: [500] }
    )
    .toBe(count);
  return answer!;
}

/** Run cell `index` of the current notebook with JupyterLab's own command and wait until it ran. */
async function runCellAt(page: Page, index: number): Promise<void> {
  await page.evaluate(async (i) => {
    const panel = window.jupyterapp.shell.currentWidget as unknown as {
      content: { activeCellIndex: number; model: { cells: { get(i: number): { executionCount: number | null } } } };
    };
    panel.content.activeCellIndex = i;
    await window.jupyterapp.commands.execute('notebook:run-cell');
    const cell = panel.content.model.cells.get(i);
    while (cell.executionCount === null) await new Promise((r) => setTimeout(r, 50));
  }, index);
}

async function command(page: Page, id: string): Promise<void> {
  await page.evaluate((cmd) => window.jupyterapp.commands.execute(cmd) as Promise<unknown>, id);
}

/** Publish a CSV as the next version of a dataset through the lab's platform proxy (metadata for a first one). */
async function publishCsv(page: Page, id: string, csv: string, first: boolean): Promise<string> {
  const metadata = { title: `Reproduce test ${id}`, license: 'CC0-1.0', domain: 'climate' };
  const query = first ? `?metadata=${encodeURIComponent(JSON.stringify(metadata))}` : '';
  const r = await page.request.post(`/genesis/api/datasets/${id}/versions${query}`, {
    data: csv,
    headers: { 'content-type': 'text/csv' }
  });
  expect(r.status(), await r.text()).toBe(201);
  return ((await r.json()) as { version: { version: string } }).version.version;
}

/** Click Reproduce in the panel and wait for the report of that reproduction (another than `previous`). */
async function reproduceFromPanel(page: Page, previous: string | null): Promise<Locator> {
  const panel = page.locator('#genesis-provenance');
  await panel.getByRole('button', { name: 'Reproduce', exact: true }).click();
  // Live while it runs: the job's state and the cells done.
  await expect(panel.locator('.jp-Genesis-reproduceProgress .jp-Genesis-liveDot')).toBeVisible();
  await expect(panel.locator('.jp-Genesis-reproduceProgress')).toContainText(/Reproducing as job \S+/);
  const report = panel.locator(
    `.jp-Genesis-provenanceReport[data-state="completed"]${previous ? `:not([data-reproduction="${previous}"])` : ''}`
  );
  await expect(report).toBeVisible({ timeout: 180000 });
  await expect(panel.locator('.jp-Genesis-reproduceProgress')).toHaveCount(0);
  return report;
}

test.describe('provenance', () => {
  test('a run is recorded with no extra code: the panel shows its cells (a failing one failed) and the graph', async ({
    page,
    tmpPath,
    artifacts
  }) => {
    const file = `${tmpPath}/recorded.ipynb`;
    await openNotebook(page, file, [
      'import { genesis } from "@genesis-lab/kernel";\nconst t = await genesis.dataset("noaa/mauna-loa-co2").table({ limit: 5 });',
      'const n = t.numRows * 2;\nn',
      'throw new Error("boom at cell 3");',
      'console.log("after the failure");'
    ]);
    // Run every cell, one by one (run-all stops at the error): the last is recorded too.
    for (let i = 0; i < 4; i++) await page.notebook.runCell(i);
    const notebookId = await notebookIdOf(page);
    const run = await recordedRun(page, notebookId, 4, 90000);
    expect(run.executions.map((e) => [e.cellId, e.success])).toEqual([
      ['cell-0', true],
      ['cell-1', true],
      ['cell-2', false],
      ['cell-3', true]
    ]);
    expect(run.executions[0]!.lineage.map((l) => l.kind)).toContain('dataset');

    await command(page, 'genesis:open-provenance');
    const panel = page.locator('#genesis-provenance');
    const rows = panel.locator('.jp-Genesis-provenanceCell');
    await expect(rows).toHaveCount(4);
    await expect(rows.nth(2)).toHaveAttribute('data-success', 'false');
    await expect(rows.nth(2).locator('.jp-Genesis-provenanceError')).toContainText('boom at cell 3');
    await expect(rows.nth(0).locator(`[data-dataset^="${CO2}@"]`)).toBeVisible();
    await artifacts.screenshot('provenance-panel-light', panel);

    // Edit a cell without running it: its result is flagged stale.
    await page.notebook.setCell(1, 'code', 'const n = t.numRows * 3;\nn');
    await expect(rows.nth(1)).toHaveAttribute('data-stale', 'true', { timeout: 10000 });
    await expect(rows.nth(1).locator('[data-flag="edited-after-run"]')).toBeVisible();

    await panel.getByRole('button', { name: 'Lineage graph' }).click();
    const graph = page.locator('.jp-Genesis-graph');
    const svg = graph.locator('svg.jp-Genesis-graphSvg');
    await expect(svg).toBeVisible({ timeout: 30000 });
    await expect(graph.locator('.jp-Genesis-graphNode[data-kind="execution"]')).toHaveCount(4);
    await expect(graph.locator('.jp-Genesis-graphNode[data-kind="dataset"]')).toHaveCount(1);
    // Keyboard: the dataset node is a button; Enter opens the catalog's detail of that version.
    await graph.locator('.jp-Genesis-graphNode[data-kind="dataset"]').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('.jp-Genesis-detail .jp-Genesis-detailRef code')).toHaveText(new RegExp(`^${CO2}@`));
    await page.locator('.lm-TabBar-tab', { hasText: 'Lineage graph' }).click();
    await graph.getByRole('searchbox').fill('boom');
    await expect(graph.locator('.jp-Genesis-graphNode.jp-mod-match')).toHaveCount(1);
    await artifacts.screenshot('lineage-graph-light', graph);
    await page.theme.setDarkTheme();
    await artifacts.screenshot('lineage-graph-dark', graph);
    await artifacts.screenshot('provenance-panel-dark', panel);
    await page.theme.setLightTheme();
  });

  test('Export RO-Crate downloads a crate that rocrate-validator accepts', async ({ page, tmpPath }) => {
    const tools = provenanceToolsAvailable();
    if (!tools.ok && process.env.GENESIS_REQUIRE_SERVICES === '1') throw new Error(tools.why);
    test.skip(!tools.ok, tools.why);
    const file = `${tmpPath}/exported.ipynb`;
    await openNotebook(page, file, ['const x = 6 * 7;\nx', 'console.log(`x is ${x}`);']);
    await page.notebook.runCell(0);
    await page.notebook.runCell(1);
    await recordedRun(page, await notebookIdOf(page), 2);
    await command(page, 'genesis:open-provenance');
    const panel = page.locator('#genesis-provenance');
    await expect(panel.locator('.jp-Genesis-provenanceCell')).toHaveCount(2);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Export RO-Crate' }).click()
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-ui-crate-'));
    const crate = path.join(dir, download.suggestedFilename());
    expect(crate).toMatch(/exported\.crate\.zip$/);
    await download.saveAs(crate);
    const result = await validateCrate(crate, path.join(dir, 'cache'));
    expect(result.status, result.output).toBe(0);

    const [prov] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Export PROV-JSON' }).click()
    ]);
    const provFile = path.join(dir, prov.suggestedFilename());
    await prov.saveAs(provFile);
    const doc = JSON.parse(fs.readFileSync(provFile, 'utf8')) as { activity?: Record<string, unknown> };
    expect(Object.keys(doc.activity ?? {}).length).toBeGreaterThanOrEqual(2);
  });

  test('Reproduce from the panel: every cell reproduced, still pinned after a newer version, an edited filter differs with its diff', async ({
    page,
    tmpPath,
    artifacts
  }) => {
    test.setTimeout(600000);
    const dataset = `uitest/repro-${Date.now().toString(36)}`;
    const recorded = await publishCsv(page, dataset, 'year,ppm\n2018,398.0\n2019,411.4\n2020,414.2\n', true);
    const file = `${tmpPath}/reproduced.ipynb`;
    await openNotebook(page, file, [
      `import { genesis } from "@genesis-lab/kernel";\nconst t = await genesis.dataset("${dataset}").table({ display: false });\nconsole.log(\`\${t.numRows} rows\`);`,
      'const ppm = [...t.getChild("ppm")!.toArray()] as number[];\nconsole.log(`${ppm.filter((v) => v > 400).length} above 400`);',
      'console.log("done");'
    ]);
    for (let i = 0; i < 3; i++) await page.notebook.runCell(i);
    const notebookId = await notebookIdOf(page);
    await recordedRun(page, notebookId, 3, 90000);
    expect(await page.notebook.getCellTextOutput(1)).toEqual([expect.stringContaining('2 above 400')]);

    await command(page, 'genesis:open-provenance');
    const panel = page.locator('#genesis-provenance');
    await expect(panel.locator('.jp-Genesis-provenanceCell')).toHaveCount(3);
    const first = await reproduceFromPanel(page, null);
    await expect(first).toHaveAttribute('data-reproducible', 'true');
    // Every cell (the lab's trailing empty cell too) reproduced exactly.
    for (const id of ['cell-0', 'cell-1', 'cell-2'])
      await expect(first.locator(`li[data-cell="${id}"]`)).toHaveAttribute('data-status', 'reproduced');
    await expect(first.locator('li:not([data-status="reproduced"])')).toHaveCount(0);
    const firstId = await first.getAttribute('data-reproduction');
    await artifacts.screenshot('provenance-reproduced-light', panel);

    // A newer version (one more row, one more above 400): the reproduction still reads the recorded one.
    const newer = await publishCsv(page, dataset, 'year,ppm\n2018,398.0\n2019,411.4\n2020,414.2\n2021,416.4\n', false);
    expect(newer).not.toBe(recorded);
    const second = await reproduceFromPanel(page, firstId);
    await expect(second).toHaveAttribute('data-reproducible', 'true');
    await expect(second.locator('li[data-cell="cell-0"]')).toHaveAttribute('data-status', 'reproduced');
    await expect(second.locator('li:not([data-status="reproduced"])')).toHaveCount(0);
    const secondId = await second.getAttribute('data-reproduction');
    const pinned = await page.request.get(`/genesis/api/provenance/reproductions/${secondId}`);
    expect(((await pinned.json()) as { pins: Record<string, { version: string }> }).pins[dataset]?.version).toBe(
      recorded
    );

    // Change the filter and save, without running it: exactly that cell differs, its diff shown.
    await page.notebook.setCell(
      1,
      'code',
      'const ppm = [...t.getChild("ppm")!.toArray()] as number[];\nconsole.log(`${ppm.filter((v) => v > 412).length} above 400`);'
    );
    await page.notebook.save();
    const third = await reproduceFromPanel(page, secondId);
    await expect(third).toHaveAttribute('data-reproducible', 'false');
    await expect(third.locator('li[data-status="differs"]')).toHaveCount(1);
    await expect(third.locator('li:not([data-status="reproduced"])')).toHaveCount(1);
    const differs = third.locator('li[data-cell="cell-1"]');
    await expect(differs).toHaveAttribute('data-status', 'differs');
    await expect(differs).toContainText('differs');
    await expect(differs.locator('.jp-Genesis-reproduceDiff')).toContainText('2 above 400');
    await expect(differs.locator('.jp-Genesis-reproduceDiff')).toContainText('1 above 400');
    await artifacts.screenshot('provenance-differs-light', panel);
    await page.theme.setDarkTheme();
    await artifacts.screenshot('provenance-differs-dark', panel);
    await page.theme.setLightTheme();
  });

  test('Reproduce on a facility that does not exist is refused, saying why; Enter on the button reproduces', async ({
    page,
    tmpPath
  }) => {
    test.setTimeout(300000);
    const file = `${tmpPath}/refused.ipynb`;
    await openNotebook(page, file, ['const x = 1;\nx']);
    await page.notebook.runCell(0);
    await recordedRun(page, await notebookIdOf(page), 1);
    await page.evaluate(
      () => window.jupyterapp.commands.execute('genesis:reproduce-run', { facility: 'nowhere' }) as Promise<unknown>
    );
    const error = page.locator('#genesis-provenance .jp-Genesis-reproduceError[role="alert"]');
    await expect(error).toContainText('Reproduce refused');
    await expect(error).toContainText('nowhere');
    // By keyboard, on the default facility (the setting: local): Enter on the button starts it.
    const panel = page.locator('#genesis-provenance');
    await panel.getByRole('button', { name: 'Reproduce', exact: true }).press('Enter');
    await expect(error).toHaveCount(0);
    const report = panel.locator('.jp-Genesis-provenanceReport[data-state="completed"][data-reproducible="true"]');
    await expect(report).toBeVisible({ timeout: 180000 });
    await expect(report.locator('li:not([data-status="reproduced"])')).toHaveCount(0);
  });

  test('the platform stopped in the middle of a run: no execution is lost, none doubled', async ({
    page,
    tmpPath,
    platform
  }) => {
    test.setTimeout(300000);
    const file = `${tmpPath}/outage.ipynb`;
    const cells = Array.from({ length: 6 }, (_, i) => `await new Promise((r) => setTimeout(r, 300));\n${i}`);
    await openNotebook(page, file, cells);
    await runCellAt(page, 0);
    await runCellAt(page, 1);
    const notebookId = await notebookIdOf(page);
    await recordedRun(page, notebookId, 2);

    await platform.stop();
    for (let i = 2; i < 6; i++) await runCellAt(page, i);
    // Waiting in the browser meanwhile (the panel says so).
    await command(page, 'genesis:open-provenance');
    await expect(page.locator('#genesis-provenance .jp-Genesis-provenanceQueue')).toHaveAttribute(
      'data-pending',
      /[1-9]/
    );
    // A reload while down: the queue is in the browser's storage, not in the page. (The page's own
    // reload, not galata's, which waits for the layout it restores.)
    await page.evaluate(() => window.location.reload());
    await page.waitForFunction(
      () => !!window.jupyterapp?.shell && !document.querySelector('#jupyterlab-splash'),
      undefined,
      {
        timeout: 60000
      }
    );
    await platform.start();

    const run = await recordedRun(page, notebookId, 6, 90000);
    expect(run.executions.map((e) => e.cellId)).toEqual(cells.map((_, i) => `cell-${i}`));
    expect(new Set(run.executions.map((e) => e.executionCount)).size).toBe(6);
    expect(run.run.executions).toBe(6);
  });
});
