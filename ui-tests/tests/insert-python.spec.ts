import { expect, test } from '../support/fixtures';

/**
 * Insert (and drag) into a notebook whose kernel is not TypeScript: the cell the catalog writes
 * uses the Genesis kernel helpers, which run in TypeScript notebooks (tslab); a Python notebook
 * would get TypeScript that fails. There is no pyarrow in this environment to read the platform's
 * Arrow stream in Python, so the lab says so and offers a TypeScript notebook instead.
 */

const CO2 = 'noaa/mauna-loa-co2';

test.describe('insert into a Python notebook', () => {
  test('Insert refuses to put TypeScript into a Python notebook and offers a TypeScript notebook', async ({
    page,
    artifacts
  }) => {
    expect(await page.notebook.createNew('python.ipynb', { kernel: 'python3' })).toBe('python.ipynb');
    await page.notebook.setCell(0, 'code', 'x = 1');
    await page.sidebar.openTab('genesis-catalog');
    const panel = page.locator('#genesis-catalog');
    const result = panel.locator(`.jp-Genesis-result[data-id="${CO2}"]`);
    await expect(result).toBeVisible();
    await result.hover();
    await result.locator('.jp-Genesis-insertButton').click();

    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('This notebook does not run TypeScript');
    await expect(dialog).toContainText('python.ipynb');
    await artifacts.screenshot('insert-python-refusal-light', dialog.locator('.jp-Dialog-content'));
    // Cancel: the Python notebook is left as it was.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.notebook.activate('python.ipynb');
    expect(await page.notebook.getCellCount()).toBe(1);
    expect(await page.notebook.getCellTextInput(0)).toBe('x = 1');

    // Accepted: a new TypeScript notebook gets the cell; the Python one still has none of it.
    await result.locator('.jp-Genesis-insertButton').click();
    await page.locator('.jp-Dialog').getByRole('button', { name: 'Open a TypeScript Notebook' }).click();
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
    const current = page.locator('.jp-NotebookPanel:visible');
    await expect(current.locator('.jp-Cell').first()).toContainText('genesis.dataset("noaa/mauna-loa-co2@');
    expect(
      await page.evaluate(() => {
        const w = window.jupyterapp.shell.currentWidget as unknown as {
          sessionContext?: { kernelPreference?: { name?: string } };
        };
        return w.sessionContext?.kernelPreference?.name;
      })
    ).toBe('tslab');
    await page.notebook.activate('python.ipynb');
    expect(await page.notebook.getCellCount()).toBe(1);
  });

  test('dragging a result onto a Python notebook is refused the same way', async ({ page }) => {
    expect(await page.notebook.createNew('python-drop.ipynb', { kernel: 'python3' })).toBe('python-drop.ipynb');
    await page.sidebar.openTab('genesis-catalog');
    const panel = page.locator('#genesis-catalog');
    // Searched, so that the result is the first one, in view.
    await panel.locator('.jp-Genesis-searchInput').fill('co2');
    await expect(panel.locator('.jp-Genesis-resultSummary')).toHaveAttribute('data-query', 'co2');
    const result = panel.locator(`.jp-Genesis-result[data-id="${CO2}"]`);
    await expect(result).toBeVisible();
    const from = (await result.locator('.jp-Genesis-resultTitle').boundingBox())!;
    const to = (await page.locator('.jp-NotebookPanel:visible .jp-Cell').first().boundingBox())!;
    await page.mouse.move(from.x + 10, from.y + 5);
    await page.mouse.down();
    await page.mouse.move(from.x + 40, from.y + 30, { steps: 5 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
    await page.mouse.up();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('This notebook does not run TypeScript');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.notebook.getCellCount()).toBe(1);
    expect(await page.notebook.getCellTextInput(0)).toBe('');
  });
});
