import { expect, test } from '../support/fixtures';

/**
 * A dataset or job view whose tab was closed opens again from the sidebar. Closing used to detach
 * the view without disposing it: it stayed in its tracker, so a second "open" found it and
 * activated a widget that was in no dock panel (nothing happened), and a job view kept its live
 * log subscription after its tab was gone.
 */

test.describe('views closed and opened again', () => {
  test('a dataset closed with its tab opens again from the catalog', async ({ page }) => {
    await page.sidebar.openTab('genesis-catalog');
    const result = page.locator('#genesis-catalog .jp-Genesis-result[data-id="nist/chemical-elements"]');
    const detail = page.locator('#genesis-dataset-nist-chemical-elements');
    await result.click();
    await expect(detail.locator('.jp-Genesis-detailTitle')).toContainText('Chemical elements');

    await page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabCloseIcon').click();
    await expect(detail).toHaveCount(0);

    await result.click();
    await expect(detail.locator('.jp-Genesis-detailTitle')).toContainText('Chemical elements');
    await expect(detail).toBeVisible();
  });

  test('a job closed with its tab opens again from the Jobs panel', async ({ page }) => {
    const r = await page.request.post('/genesis/api/jobs', {
      data: { name: 'ui-reopen', facility: 'local', executable: '/bin/echo', arguments: ['reopened'] }
    });
    expect(r.status(), await r.text()).toBe(201);
    const id = ((await r.json()) as { id: string }).id;
    await page.sidebar.openTab('genesis-jobs');
    const row = page.locator(`#genesis-jobs .jp-Genesis-jobRow[data-job-id="${id}"]`);
    const view = page.locator(`#genesis-job-${id}`);
    await row.click();
    await expect(view.locator('.jp-Genesis-log')).toContainText('reopened');

    await page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabCloseIcon').click();
    await expect(view).toHaveCount(0);

    await row.click();
    await expect(view).toBeVisible();
    await expect(view.locator('.jp-Genesis-log')).toContainText('reopened');
  });
});
