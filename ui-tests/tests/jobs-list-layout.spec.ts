import { expect, test } from '../support/fixtures';

/**
 * The job list in the default sidebar width: a job's name stays readable next to a long reason
 * (it was cut to "sl…" beside "exit 143 CANCELED_BY_USER"), and the widest state pill
 * (COMPLETED) does not run into the name.
 */

test('job names stay readable beside long reasons and wide state pills', async ({ page, artifacts }) => {
  const submit = async (name: string, executable: string, args: string[]) => {
    const r = await page.request.post('/genesis/api/jobs', {
      data: { name, facility: 'local', executable, arguments: args }
    });
    expect(r.status(), await r.text()).toBe(201);
    return ((await r.json()) as { id: string }).id;
  };
  const cancelled = await submit('sleeper-name', '/bin/sleep', ['600']);
  const completed = await submit('quick-name', '/bin/true', []);
  await page.request.delete(`/genesis/api/jobs/${cancelled}`);

  await page.sidebar.openTab('genesis-jobs');
  const row = (id: string) => page.locator(`#genesis-jobs .jp-Genesis-jobRow[data-job-id="${id}"]`);
  await expect(row(cancelled)).toHaveAttribute('data-state', 'CANCELED', { timeout: 30000 });
  await expect(row(completed)).toHaveAttribute('data-state', 'COMPLETED', { timeout: 30000 });
  await expect(row(cancelled).locator('.jp-Genesis-jobReason')).toHaveText('CANCELED_BY_USER');

  for (const id of [cancelled, completed]) {
    const layout = await row(id).evaluate((el) => {
      const name = el.querySelector<HTMLElement>('.jp-Genesis-jobName')!;
      const pill = el.querySelector<HTMLElement>('.jp-Genesis-statePill')!;
      return {
        truncated: name.scrollWidth > name.clientWidth,
        overlap: pill.getBoundingClientRect().right > name.getBoundingClientRect().left
      };
    });
    expect(layout, id).toEqual({ truncated: false, overlap: false });
  }
  await artifacts.screenshot('jobs-list-layout', page.locator('#genesis-jobs'));
});
