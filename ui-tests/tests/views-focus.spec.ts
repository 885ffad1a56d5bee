import type { IJupyterLabPageFixture } from '@jupyterlab/galata';

import { expect, test } from '../support/fixtures';

type Page = IJupyterLabPageFixture;

/**
 * Views opened from the sidebars (a dataset from the catalog, a job from the Jobs panel) take
 * the focus: the shell's current widget follows focus, and File › Close Tab, the status bar and
 * the "current job" commands act on it. Before, the focus stayed in the sidebar, and "Cancel the
 * Current Genesis Job" cancelled the job viewed earlier, not the one on screen.
 */

/** A job that runs until cancelled, submitted to the platform through the lab's proxy. */
async function sleepingJob(page: Page, name: string): Promise<string> {
  const r = await page.request.post('/genesis/api/jobs', {
    data: { name, facility: 'local', executable: '/bin/sleep', arguments: ['600'] }
  });
  expect(r.status(), await r.text()).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

async function jobState(page: Page, id: string): Promise<string> {
  const r = await page.request.get(`/genesis/api/jobs/${id}`);
  return ((await r.json()) as { state: string }).state;
}

/** The id of the shell's current widget: what File › Close Tab and the status bar act on. */
function currentWidgetId(page: Page): Promise<string | undefined> {
  return page.evaluate(() => window.jupyterapp.shell.currentWidget?.id);
}

test.describe('views opened from the sidebars', () => {
  test('a job view shown from the Jobs panel takes the focus: "Cancel the Current Genesis Job" cancels the job on screen', async ({
    page
  }) => {
    const a = await sleepingJob(page, 'ui-focus-a');
    const b = await sleepingJob(page, 'ui-focus-b');
    try {
      await page.sidebar.openTab('genesis-jobs');
      const row = (id: string) => page.locator(`#genesis-jobs .jp-Genesis-jobRow[data-job-id="${id}"]`);
      await row(a).click();
      await expect(page.locator(`#genesis-job-${a}`)).toBeVisible();
      await row(b).click();
      await expect(page.locator(`#genesis-job-${b}`)).toBeVisible();
      // Back to A, whose view is already open: it is shown again, and it must become current.
      await row(a).click();
      await expect(page.locator(`#genesis-job-${a}`)).toBeVisible();
      await expect(page.locator(`#genesis-job-${b}`)).toBeHidden();
      expect(await currentWidgetId(page)).toBe(`genesis-job-${a}`);
      expect(
        await page.evaluate((id) => document.getElementById(id)!.contains(document.activeElement), `genesis-job-${a}`)
      ).toBe(true);

      // From the palette, with the keyboard: the job on screen is cancelled, not the other one.
      await page.keyboard.press('Control+Shift+C');
      await page.keyboard.type('Cancel the Current Genesis Job');
      await page.keyboard.press('Enter');
      // It asks first, naming the job on screen; Enter confirms (the dialog's default button).
      const dialog = page.locator('.jp-Dialog');
      await expect(dialog).toContainText(`(${a})`);
      await expect(dialog.getByRole('button', { name: 'Cancel Job' })).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(row(a)).toHaveAttribute('data-state', 'CANCELED', { timeout: 30000 });
      expect(await jobState(page, b)).toBe('ACTIVE');
    } finally {
      for (const id of [a, b]) await page.request.delete(`/genesis/api/jobs/${id}`);
    }
  });

  test('a dataset opened from the catalog becomes the current tab: File › Close Tab closes it', async ({ page }) => {
    // Another tab first, focused: the one a stale current widget would close instead.
    if ((await page.locator('.jp-Launcher').count()) === 0) {
      await page.evaluate(() => window.jupyterapp.commands.execute('launcher:create'));
    }
    const launchers = await page.locator('.jp-Launcher').count();
    // Through its tab: a click inside the launcher could hit a card and replace it (e.g. a console).
    await page.locator('#jp-main-dock-panel .lm-TabBar-tab', { hasText: 'Launcher' }).first().click();
    await expect(page.locator('.jp-Launcher:visible')).toHaveCount(1);
    await page.sidebar.openTab('genesis-catalog');
    const panel = page.locator('#genesis-catalog');
    await panel.locator('.jp-Genesis-result[data-id="noaa/mauna-loa-co2"]').click();
    const detail = page.locator('#genesis-dataset-noaa-mauna-loa-co2');
    await expect(detail.locator('.jp-Genesis-detailTitle')).toContainText('Mauna Loa');
    expect(await currentWidgetId(page)).toBe('genesis-dataset-noaa-mauna-loa-co2');

    await page.menu.clickMenuItem('File>Close Tab');
    await expect(detail).toHaveCount(0);
    // The tab that was behind it is still open.
    await expect(page.locator('.jp-Launcher')).toHaveCount(launchers);
  });
});
