import * as fs from 'node:fs';
import { expect, test } from '../support/fixtures';

/**
 * The audit view against the lab's real platform (the lab's token is the platform owner's, an
 * admin): opened from the palette command, it lists the log oldest first with key ids, filters by
 * action prefix and user, verifies the keyed chain, and exports the matching entries as the JSON
 * lines `genesis audit export` writes. Entries are made through the platform's own API first.
 */

async function makeEntries(page: import('@playwright/test').Page, n: number): Promise<string[]> {
  return page.evaluate(async (count) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const r = await fetch('/genesis/api/access/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `audit-ui-${Date.now()}-${i}`, scopes: ['read'] })
      });
      if (r.status !== 201) throw new Error(`token create: ${r.status} ${await r.text()}`);
      ids.push(((await r.json()) as { id: string }).id);
    }
    return ids;
  }, n);
}

test('the audit view lists, filters, verifies and exports the log', async ({ page, artifacts }) => {
  const ids = await makeEntries(page, 3);
  await page.evaluate(() => window.jupyterapp.commands.execute('genesis:open-audit'));
  const view = page.locator('#genesis-audit-log');
  const rows = view.locator('tr.jp-Genesis-auditEntry');
  await expect(rows.first()).toBeVisible();
  for (const id of ids) await expect(view.locator('tr.jp-Genesis-auditEntry', { hasText: id })).toBeVisible();
  // Oldest first, as the chain runs; every entry from this version on names its key.
  const seqs = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-seq'))));
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  await expect(view.locator('tr.jp-Genesis-auditEntry', { hasText: ids[0]! })).toContainText('ak_');

  // Keyboard: activating the view focuses the first filter; type a prefix, Enter applies it.
  await expect(view.locator('.jp-Genesis-auditActor')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(view.locator('.jp-Genesis-auditAction')).toBeFocused();
  await page.keyboard.type('token');
  await page.keyboard.press('Enter');
  await expect
    .poll(async () => (await rows.locator('td:nth-child(4)').allTextContents()).every((a) => a.startsWith('token.')))
    .toBe(true);
  expect(await rows.count()).toBeGreaterThanOrEqual(3);

  await view.locator('.jp-Genesis-auditActor').fill('nobody-such');
  await view.locator('.jp-Genesis-auditApply').click();
  await expect(view.getByText('No entries match these filters.')).toBeVisible();
  await view.locator('.jp-Genesis-auditClear').click();
  await expect(rows.first()).toBeVisible();

  await page.locator('.jp-Genesis-auditVerify').click();
  await expect(view.locator('.jp-Genesis-auditChain')).toContainText(/Chain intact: \d+ entries/);
  await artifacts.screenshot('audit-view', view);

  const download = page.waitForEvent('download');
  await page.locator('.jp-Genesis-auditExport').click();
  const file = await (await download).path();
  const lines = fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { seq: number; target: string; prevHash: string; hash: string });
  for (const id of ids) expect(lines.map((l) => l.target)).toContain(id);
  for (let i = 1; i < lines.length; i++) expect(lines[i]!.prevHash).toBe(lines[i - 1]!.hash);
});
