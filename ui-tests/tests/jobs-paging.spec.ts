import { Job } from '@genesis-lab/contract';
import { galata, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Request } from '@playwright/test';

import { expect, test } from '../support/fixtures';

type Page = IJupyterLabPageFixture;

/**
 * Paging the Jobs panel in a real JupyterLab (Chromium) against the real platform. The page
 * size comes from the settings (`genesis-lab:jobs` `pageSize`), so a few jobs make several pages.
 */

const PAGE_SIZE = 3;

test.use({
  mockSettings: { ...galata.DEFAULT_SETTINGS, 'genesis-lab:jobs': { pageSize: PAGE_SIZE } }
});

/** Submit through the platform's REST API (the lab's proxy); returns the job. */
async function submitJob(page: Page, name: string): Promise<Job> {
  const r = await page.request.post('/genesis/api/jobs', {
    data: { name, executable: '/bin/true', tags: { case: 'ui-paging' } }
  });
  expect(r.status(), await r.text()).toBe(201);
  return Job.parse(await r.json());
}

/** The job ids the panel lists, top to bottom. */
function listedIds(page: Page): Promise<string[]> {
  return page
    .locator('#genesis-jobs .jp-Genesis-jobRow')
    .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.jobId ?? ''));
}

async function expectNoDuplicates(page: Page): Promise<string[]> {
  const ids = await listedIds(page);
  expect(new Set(ids).size, `duplicates in ${ids.join(' ')}`).toBe(ids.length);
  return ids;
}

test('"Show older jobs" appends the next pages: keyboard and mouse, loading and error states, no duplicates; live jobs go on top; a reconnect keeps the pages', async ({
  page,
  platform,
  artifacts
}) => {
  test.setTimeout(240000);
  // Oldest first: the panel must show them newest first.
  const mine: string[] = [];
  for (let i = 1; i <= 7; i++) mine.push((await submitJob(page, `ui-page-${i}`)).id);
  const newestFirst = [...mine].reverse();

  await page.sidebar.openTab('genesis-jobs');
  const panel = page.locator('#genesis-jobs');
  const rows = panel.locator('.jp-Genesis-jobRow');
  const older = panel.getByRole('button', { name: 'Show older jobs' });
  const list = panel.locator('.jp-Genesis-jobList');

  // The first page: the newest PAGE_SIZE jobs only.
  await expect(rows).toHaveCount(PAGE_SIZE);
  expect(await listedIds(page)).toEqual(newestFirst.slice(0, PAGE_SIZE));
  await expect(older).toBeVisible();

  // A page that fails says why next to the button; the button then tries again.
  await platform.stop();
  await older.click();
  await expect(panel.locator('.jp-Genesis-olderJobs .jp-Genesis-error')).toContainText('Could not load older jobs');
  await expect(rows).toHaveCount(PAGE_SIZE);
  await artifacts.screenshot('jobs-older-error', panel);
  await platform.start();
  // Back from the outage: the model catches up (one page shown, one page re-read).
  await expect(panel.locator('.jp-Genesis-banner')).toHaveCount(0, { timeout: 60000 });
  await expect(list).toHaveAttribute('aria-busy', 'false');

  // Keyboard: the button is a tab stop; Enter loads the next page, with a visible indicator
  // while it loads (the page's response is held back a moment so the indicator can be seen).
  await page.route(/\/genesis\/api\/jobs\?.*cursor=/, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await older.focus();
  await page.keyboard.press('Enter');
  await expect(panel.locator('.jp-Genesis-olderStatus')).toHaveText(/Loading older jobs/);
  await expect(older).toHaveAttribute('aria-disabled', 'true');
  await artifacts.screenshot('jobs-older-loading', panel);
  await expect(rows).toHaveCount(2 * PAGE_SIZE);
  await expect(panel.locator('.jp-Genesis-olderStatus')).toHaveText('');
  await expect(panel.locator('.jp-Genesis-olderJobs .jp-Genesis-error')).toHaveCount(0);
  await page.unroute(/\/genesis\/api\/jobs\?.*cursor=/);
  expect(await expectNoDuplicates(page)).toEqual(newestFirst.slice(0, 2 * PAGE_SIZE));
  await expect(older).toBeFocused();

  // Mouse: page on until the oldest of ours is listed (other specs' jobs may follow).
  let pages = 2;
  while (!(await listedIds(page)).includes(mine[0]!)) {
    const before = await rows.count();
    await older.click();
    await expect.poll(() => rows.count()).toBeGreaterThan(before);
    expect(await rows.count()).toBeLessThanOrEqual(before + PAGE_SIZE);
    pages++;
  }
  let ids = await expectNoDuplicates(page);
  expect(ids.slice(0, mine.length)).toEqual(newestFirst);
  expect(pages).toBe(Math.ceil(mine.length / PAGE_SIZE));
  const shown = ids.length;

  // A job submitted now arrives by push and goes on top; the pages loaded stay.
  const live = await submitJob(page, 'ui-page-live');
  await expect(rows.first()).toHaveAttribute('data-job-id', live.id);
  await expect(rows).toHaveCount(shown + 1);
  ids = await expectNoDuplicates(page);
  expect(ids.slice(0, mine.length + 1)).toEqual([live.id, ...newestFirst]);
  await artifacts.screenshot('jobs-paged', panel);

  // The platform dies and comes back: the model re-reads the pages it had shown (newest first,
  // following the cursors), so nothing the user paged to disappears and nothing doubles.
  const lists: Request[] = [];
  page.on('request', (r) => {
    if (r.method() === 'GET' && /\/genesis\/api\/jobs(\?|$)/.test(r.url())) lists.push(r);
  });
  await platform.crash();
  await platform.waitRunning();
  await expect.poll(() => lists.length, { timeout: 60000 }).toBeGreaterThanOrEqual(pages);
  await expect(list).toHaveAttribute('aria-busy', 'false', { timeout: 60000 });
  const reread = lists.slice(-pages).map((r) => new URL(r.url()).searchParams);
  expect(reread[0]!.get('cursor')).toBeNull();
  expect(reread.slice(1).every((q) => q.get('cursor'))).toBe(true);
  expect(reread.every((q) => q.get('limit') === String(PAGE_SIZE))).toBe(true);
  ids = await expectNoDuplicates(page);
  expect(ids.slice(0, mine.length + 1)).toEqual([live.id, ...newestFirst]);
  expect(ids.length).toBeGreaterThanOrEqual(shown + 1);
});
