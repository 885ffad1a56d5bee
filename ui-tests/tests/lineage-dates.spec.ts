import { expect, test } from '../support/fixtures';
import { openLineageNotebook } from '../support/notebooks';

/**
 * A lineage chip for a pull filtered with date literals (`{"date": "2020-04-01"}`, as example 01's
 * "between" cell does) renders in the bundled extension. webpack resolved the contract's
 * `z.iso.date()` to zod's Date-object schema, and the chip said "Unreadable Genesis lineage output".
 */

test.describe('lineage chips', () => {
  test('a lineage chip renders a filter with date literals (the bundled contract parses {"date": ...})', async ({
    page,
    tmpPath
  }) => {
    const record = {
      schemaVersion: 1,
      at: '2026-11-26T19:25:26.875Z',
      platform: 'http://127.0.0.1:1',
      kind: 'dataset',
      ref: 'noaa/mauna-loa-co2',
      id: 'noaa/mauna-loa-co2',
      version: '3.2.1',
      sha256: '3dc315165465b712c734f12a8d0f383e3f1548b3a55d9221f403a3d54d294afc',
      filter: { op: 'between', args: [{ property: 'date' }, { date: '2020-04-01' }, { date: '2020-04-30' }] },
      rowCount: 1,
      mode: 'table'
    };
    // The output example 01's "between" cell leaves behind, saved in a notebook.
    const source = 'await genesis.dataset("noaa/mauna-loa-co2").table({ filter: ... })';
    await openLineageNotebook(page, `${tmpPath}/date-filter-lineage.ipynb`, source, record);
    const chip = page.locator('.jp-Genesis-lineageChip[data-kind="dataset"]');
    await expect(chip).toBeVisible();
    await expect(chip).toHaveAttribute('data-ref', 'noaa/mauna-loa-co2@3.2.1');
    await expect(chip.locator('.jp-Genesis-chipMeta')).toHaveText('1 row'); // not "1 rows"
    await expect(page.locator('.jp-Genesis-lineageInvalid')).toHaveCount(0);
  });

  test('a dataset chip of a pull cut by a limit says "first N of M rows"', async ({ page, tmpPath }) => {
    // What `genesis.dataset("bts/flights-3m").table({ limit: 100000 })` records (CORE's totalRows).
    const record = {
      schemaVersion: 1,
      at: '2026-12-02T10:00:00.000Z',
      platform: 'http://127.0.0.1:1',
      kind: 'dataset',
      ref: 'bts/flights-3m',
      id: 'bts/flights-3m',
      version: '1.0.0',
      sha256: '3dc315165465b712c734f12a8d0f383e3f1548b3a55d9221f403a3d54d294afc',
      limit: 100000,
      rowCount: 100000,
      totalRows: 3000000,
      mode: 'table'
    };
    const source = 'await genesis.dataset("bts/flights-3m").table({ limit: 100_000 })';
    await openLineageNotebook(page, `${tmpPath}/limited-lineage.ipynb`, source, record);
    const chip = page.locator('.jp-Genesis-lineageChip[data-kind="dataset"]');
    await expect(chip.locator('.jp-Genesis-chipMeta')).toHaveText('First 100,000 of 3,000,000 rows');
  });
});
