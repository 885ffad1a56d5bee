import { expect, test } from '../support/fixtures';

/**
 * Facets combine as in every faceted search: several values of one facet OR together (datasets
 * in climate OR chemistry), facets AND together. Before, selecting one value narrowed its own
 * group's counts to that value alone, so a second value of the same facet could not be picked.
 */

test.describe('catalog facets', () => {
  test('two values of one facet select the union; another facet narrows it', async ({ page, artifacts }) => {
    await page.sidebar.openTab('genesis-catalog');
    const panel = page.locator('#genesis-catalog');
    const summary = panel.locator('.jp-Genesis-resultSummary');
    await expect(summary).toHaveAttribute('data-loading', 'false');
    const total = async () => {
      await expect(summary).toHaveAttribute('data-loading', 'false');
      return Number((await summary.textContent())!.replace(/,/g, '').match(/\d+/)![0]);
    };
    const domains = panel.locator('.jp-Genesis-facet[data-facet="domain"] .jp-Genesis-facetValue');
    // The two largest domains of the whole catalog, with their counts.
    const counts = await domains.evaluateAll((labels) =>
      labels.map((l) => ({
        value: l.querySelector('input')!.getAttribute('data-facet-value')!,
        count: Number(l.querySelector('.jp-Genesis-facetCount')!.textContent)
      }))
    );
    expect(counts.length).toBeGreaterThanOrEqual(2);
    const [a, b] = counts;
    const box = (value: string) => panel.locator(`input[data-facet-value="${value}"]`);

    await box(a!.value).check();
    expect(await total()).toBe(a!.count);
    // The other domain is still offered, with the number it would add.
    await expect(box(b!.value)).toBeVisible();
    await expect(
      panel
        .locator('.jp-Genesis-facetValue', { has: page.locator(`input[data-facet-value="${b!.value}"]`) })
        .locator('.jp-Genesis-facetCount')
    ).toHaveText(String(b!.count));

    await box(b!.value).check();
    await expect(box(a!.value)).toBeChecked();
    await expect(box(b!.value)).toBeChecked();
    expect(await total()).toBe(a!.count + b!.count);
    await artifacts.screenshot('catalog-facets-or-light', panel);

    // Another facet ANDs with that: open records among both domains.
    await box('accessLevel:open').check();
    const both = await total();
    expect(both).toBeGreaterThan(0);
    expect(both).toBeLessThanOrEqual(a!.count + b!.count);

    await box(a!.value).uncheck();
    await box('accessLevel:open').uncheck();
    expect(await total()).toBe(b!.count);
    await panel.getByRole('button', { name: 'Clear filters' }).click();
    await expect(panel.locator('.jp-Genesis-facets input:checked')).toHaveCount(0);
  });
});
