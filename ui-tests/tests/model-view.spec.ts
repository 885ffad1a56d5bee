import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';

import { expect, test } from '../support/fixtures';

type Page = IJupyterLabPageFixture;

/**
 * The model view in a real JupyterLab (Chromium) against the real platform seeded with the
 * example catalog, which registers the example model climate/co2-trend (its real card and ONNX
 * weights); the tslab kernel runs the inserted cell through the real onnx runtime.
 */

const MODEL = 'climate/co2-trend';
const EXAMPLE = path.join(__dirname, '../../platform/seed/models/co2-trend');
const CARD = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'card.json'), 'utf8')) as {
  version: string;
  card: { trainingData: { ref: string }[]; intendedUse: { outOfScope: string[] } };
};
const WEIGHTS_SHA = createHash('sha256')
  .update(fs.readFileSync(path.join(EXAMPLE, 'model.onnx')))
  .digest('hex');
const VIEW = '#genesis-model-climate-co2-trend';

async function search(page: Page, query: string) {
  await page.sidebar.openTab('genesis-catalog');
  const panel = page.locator('#genesis-catalog');
  await panel.locator('.jp-Genesis-searchInput').fill('');
  await panel.locator('.jp-Genesis-searchInput').pressSequentially(query, { delay: 30 });
  await expect(panel.locator('.jp-Genesis-resultSummary')).toHaveAttribute('data-query', query.trim());
  await expect(panel.locator('.jp-Genesis-resultSummary')).toHaveAttribute('data-loading', 'false');
  return panel;
}

test.describe('the model view', () => {
  test('search "co2 trend", open the model with the keyboard: card, signature and versions', async ({
    page,
    artifacts
  }) => {
    const panel = await search(page, 'co2 trend');
    const hit = panel.locator(`.jp-Genesis-result[data-id="${MODEL}"]`);
    await expect(hit.locator('.jp-Genesis-kind.jp-mod-model')).toHaveText('Model');
    // Keyboard: arrow down into the results until the model has the focus, Enter opens it.
    await panel.locator('.jp-Genesis-searchInput').press('ArrowDown');
    for (let i = 0; i < 5 && !(await hit.evaluate((el) => el === document.activeElement)); i++)
      await page.keyboard.press('ArrowDown');
    await expect(hit).toBeFocused();
    await page.keyboard.press('Enter');

    const view = page.locator(VIEW);
    const detail = view.locator('.jp-Genesis-modelDetail');
    await expect(detail.locator('.jp-Genesis-detailTitle')).toContainText('Keeling curve trend');
    await expect(detail.locator('.jp-Genesis-detailRef code')).toHaveText(`${MODEL}@${CARD.version}`);
    // The view takes the focus (the shell's current widget follows it).
    expect(
      await page.evaluate((id) => document.getElementById(id)!.contains(document.activeElement), VIEW.slice(1))
    ).toBe(true);

    // The card: intended and out-of-scope use, data, metrics, limitations, failure modes, licence, citation.
    await expect(detail.locator('.jp-Genesis-intendedUse')).toContainText('Teaching');
    for (const use of CARD.card.intendedUse.outOfScope)
      await expect(detail.locator('.jp-Genesis-outOfScope')).toContainText(use);
    const trainingRef = CARD.card.trainingData[0]!.ref;
    await expect(
      detail.locator(`.jp-Genesis-trainingData .jp-Genesis-datasetLink[data-ref="${trainingRef}"]`)
    ).toBeVisible();
    await expect(
      detail.locator(`.jp-Genesis-evaluationData .jp-Genesis-datasetLink[data-ref="${trainingRef}"]`)
    ).toBeVisible();
    const metrics = detail.locator('.jp-Genesis-metrics');
    await expect(metrics).toContainText('RMSE');
    await expect(metrics).toContainText('1.5224 ppm');
    await expect(metrics).toContainText('held-out 2010-2020');
    await expect(detail.locator('.jp-Genesis-limitations')).toContainText('acceleration of CO2 growth');
    await expect(detail.locator('.jp-Genesis-failureModes')).toContainText('extrapolation beyond 2020');
    await expect(detail.locator('.jp-Genesis-modelLicense')).toHaveText('CC-BY-4.0');
    await expect(detail.locator('.jp-Genesis-modelCitation')).toContainText('Keeling, C. D.');

    // The signature: inputs and outputs with types, units, shapes.
    const sig = detail.locator('.jp-Genesis-signature');
    await expect(sig.locator('tr[data-field="decimal_year"]')).toContainText('input');
    await expect(sig.locator('tr[data-field="decimal_year"]')).toContainText('float64');
    await expect(sig.locator('tr[data-field="decimal_year"] td').nth(3)).toHaveText('a');
    await expect(sig.locator('tr[data-field="decimal_year"] td').nth(4)).toHaveText('scalar');
    await expect(sig.locator('tr[data-field="month"]')).toContainText('Calendar month');
    await expect(sig.locator('tr[data-field="co2"]')).toContainText('output');
    await expect(sig.locator('tr[data-field="co2"] td').nth(3)).toHaveText('ppm');

    // Versions: the weights digest of the real file; trained by the seeded script (no job yet).
    const row = detail.locator(`.jp-Genesis-versions tr[data-version="${CARD.version}"]`);
    await expect(row.locator(`code[title="${WEIGHTS_SHA}"]`)).toHaveText(WEIGHTS_SHA.slice(0, 12));
    await expect(row).toContainText('platform/seed/models/co2-trend/train.py');
    await artifacts.screenshot('model-view-light', view);
    await page.theme.setDarkTheme();
    await expect(detail.locator('.jp-Genesis-signature')).toBeVisible();
    await artifacts.screenshot('model-view-dark', view);
    await page.theme.setLightTheme();

    // The training data is a link to that dataset's record.
    await detail.locator(`.jp-Genesis-trainingData .jp-Genesis-datasetLink[data-ref="${trainingRef}"]`).click();
    await expect(
      page.locator('.jp-Genesis-detail .jp-Genesis-detailRef code').filter({ hasText: trainingRef })
    ).toBeVisible();
  });

  test('Insert writes a ready cell from the real signature; run in tslab it gives a prediction table', async ({
    page,
    artifacts
  }) => {
    expect(await page.notebook.createNew('model.ipynb', { kernel: 'tslab' })).toBe('model.ipynb');
    const panel = await search(page, 'co2 trend');
    await panel.locator(`.jp-Genesis-result[data-id="${MODEL}"]`).click();
    const view = page.locator(VIEW);
    await expect(view.locator('.jp-Genesis-detailTitle')).toContainText('Keeling curve trend');
    await view.getByRole('button', { name: 'Insert into notebook' }).click();

    await page.notebook.activate('model.ipynb');
    const source = await page.notebook.getCellTextInput(0);
    const ref = `${MODEL}@${CARD.version}`;
    expect(source).toContain('import { genesis } from "@genesis-lab/kernel"');
    // The signature's example row (card.json), so the cell runs as inserted.
    expect(source).toContain('decimal_year: Float64Array.of(2015.0417)');
    expect(source).toContain('month: Float64Array.of(1)');
    expect(source).toContain(
      `genesis.model(${JSON.stringify(ref)}).predict(input, { passthrough: ["decimal_year", "month"] })`
    );

    await page.notebook.runCell(0);
    const output = page.locator('.jp-Cell').first().locator('.jp-OutputArea');
    const table = output.locator('.genesis-table table');
    await expect(table).toBeVisible({ timeout: 90000 });
    // The outputs beside the inputs: one row, January 2015's CO2 (the record says 399.98 ppm;
    // the held-out RMSE is 1.5 ppm).
    const headers = (await table.locator('thead th').allTextContents()).map((h) => h.trim());
    for (const name of ['decimal_year', 'month', 'co2']) expect(headers.join(' ')).toContain(name);
    const cells = await table.locator('tbody tr').first().locator('td').allTextContents();
    const co2 = Number(cells[headers.findIndex((h) => h.startsWith('co2'))]);
    expect(Math.abs(co2 - 399.98)).toBeLessThan(5);
    await expect(output).not.toContainText('Error');
    const chip = output.locator('.jp-Genesis-lineageChip[data-kind="model"]');
    await expect(chip).toHaveAttribute('data-ref', ref);
    await expect(chip).toHaveAttribute('data-sha256', WEIGHTS_SHA);
    await artifacts.screenshot('model-cell-prediction');

    // The model chip opens the model's view (not the dataset view).
    await chip.click();
    await expect(page.locator(VIEW)).toBeVisible();
    expect(await page.evaluate(() => window.jupyterapp.shell.currentWidget?.id)).toBe(VIEW.slice(1));
  });
  test('from the palette, with the keyboard: "Open a Genesis Model…" asks for the ref and opens that version', async ({
    page
  }) => {
    await page.keyboard.press('Control+Shift+C');
    const palette = page.locator('#command-palette');
    await palette.locator('input').fill('Genesis Model');
    await expect(palette.getByText('Insert a Genesis Model Call into the Notebook…', { exact: true })).toBeVisible();
    await palette.locator('input').fill('Open a Genesis Model…');
    await page.keyboard.press('Enter');
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Open a Genesis model');
    await page.keyboard.type(`${MODEL}@${CARD.version}`);
    await page.keyboard.press('Enter');
    const view = page.locator(VIEW);
    await expect(view.locator('.jp-Genesis-detailRef code')).toHaveText(`${MODEL}@${CARD.version}`);
    await expect(view.locator(`.jp-Genesis-versions tr[data-version="${CARD.version}"]`)).toHaveAttribute(
      'aria-current',
      'true'
    );
    // An unknown model: the platform's own 404 message, in the view.
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('genesis:open-model', { ref: 'climate/no-such-model' })
    );
    await expect(page.locator('#genesis-model-climate-no-such-model .jp-Genesis-error')).toContainText(
      'No model "climate/no-such-model"'
    );
  });
});
