import { expect, test } from '../support/fixtures';

/**
 * The dataset detail links what a scientist follows to check a source: the licence, creators,
 * the source page, and the "Derived from" files (shown as plain text before).
 */

test('"Derived from" URLs in the dataset detail are links that open in a new tab', async ({ page }) => {
  await page.evaluate(() => window.jupyterapp.commands.execute('genesis:open-dataset', { ref: 'noaa/mauna-loa-co2' }));
  const detail = page.locator('#genesis-dataset-noaa-mauna-loa-co2');
  await expect(detail.locator('.jp-Genesis-detailTitle')).toContainText('Mauna Loa');
  const derived = detail.locator('dt:text-is("Derived from") + dd a');
  await expect(derived).toHaveCount(1);
  await expect(derived).toHaveAttribute('href', /^https:\/\/scrippsco2\.ucsd\.edu\/.+\.csv$/);
  await expect(derived).toHaveAttribute('target', '_blank');
  await expect(derived).toHaveAttribute('rel', 'noopener noreferrer');
});
