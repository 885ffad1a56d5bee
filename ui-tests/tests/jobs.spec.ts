import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Request } from '@playwright/test';

import { expect, test } from '../support/fixtures';

type Page = IJupyterLabPageFixture;

/**
 * The Jobs panel in a real JupyterLab (Chromium) against the real platform: local jobs always,
 * Slurm jobs on the real one-node cluster (skipped with the reason when no healthy Slurm
 * facility exists, a failure when GENESIS_REQUIRE_SERVICES=1).
 */

const REQUIRE_SERVICES = process.env.GENESIS_REQUIRE_SERVICES === '1';

async function openJobs(page: Page) {
  await page.sidebar.openTab('genesis-jobs');
  const panel = page.locator('#genesis-jobs');
  await expect(panel.locator('.jp-Genesis-facility').first()).toBeVisible();
  return panel;
}

/** Fill the submit form and submit; returns the new job's id. */
async function submit(
  page: Page,
  job: { facility: string; name: string; args: string[]; duration?: string; cpus?: string }
): Promise<string> {
  const panel = page.locator('#genesis-jobs');
  if ((await panel.locator('.jp-Genesis-submitForm').count()) === 0) {
    await panel.getByRole('button', { name: 'New job' }).click();
  }
  const form = panel.locator('.jp-Genesis-submitForm');
  await form.locator('select[name="facility"]').selectOption(job.facility);
  await form.locator('input[name="executable"]').fill('/bin/sh');
  await form.locator('textarea[name="args"]').fill(job.args.join('\n'));
  await form.locator('input[name="name"]').fill(job.name);
  await form.locator('input[name="duration"]').fill(job.duration ?? '5m');
  await form.locator('input[name="cpuCoresPerProcess"]').fill(job.cpus ?? '');
  await form.getByRole('button', { name: 'Submit job' }).click();
  const done = form.locator('.jp-Genesis-success');
  await expect(done).toContainText(`Submitted ${job.name}`);
  return (await done.textContent())!.match(/\((j[0-9a-z]+)\)/)![1]!;
}

function row(page: Page, id: string) {
  return page.locator(`#genesis-jobs .jp-Genesis-jobRow[data-job-id="${id}"]`);
}

test.describe('Genesis jobs panel', () => {
  test('facilities show their health and queue', async ({ page, artifacts }) => {
    const panel = await openJobs(page);
    const local = panel.locator('.jp-Genesis-facility[data-facility="local"]');
    await expect(local).toBeVisible();
    await expect(local).toHaveAttribute('data-healthy', 'true');
    await expect(local.locator('.jp-Genesis-queue')).toContainText(/\d+ queued · \d+ held · \d+ running/);
    await artifacts.screenshot('jobs-facilities', panel);
  });

  test('a local job submitted from the panel goes live to COMPLETED, with its log, history and timeline', async ({
    page,
    artifacts
  }) => {
    await openJobs(page);
    // Count list requests: after the first, the list must move by push alone.
    const lists: Request[] = [];
    page.on('request', (r) => {
      if (r.method() === 'GET' && /\/genesis\/api\/jobs(\?|$)/.test(r.url())) lists.push(r);
    });
    const id = await submit(page, {
      facility: 'local',
      name: 'ui-local',
      args: ['-c', 'echo start; for i in 1 2 3; do echo "tick $i"; sleep 1; done; echo done']
    });
    await expect(row(page, id)).toBeVisible();
    await expect(row(page, id)).toHaveAttribute('data-state', 'ACTIVE', { timeout: 30000 });
    await artifacts.screenshot('jobs-panel-running-light', page.locator('#genesis-jobs'));
    await expect(row(page, id)).toHaveAttribute('data-state', 'COMPLETED', { timeout: 60000 });
    await expect(row(page, id).locator('.jp-Genesis-jobExit')).toContainText('exit 0');
    expect(lists.length).toBe(0);

    await row(page, id).click();
    const view = page.locator(`#genesis-job-${id}`);
    await expect(view.locator('h1')).toContainText('ui-local');
    await expect(view.locator('.jp-Genesis-log')).toContainText('tick 3');
    await expect(view.locator('.jp-Genesis-log')).toContainText('done');
    await expect(view.locator('.jp-Genesis-log')).toHaveAttribute('data-eof', 'true');
    await expect(view.locator('.jp-Genesis-timeline svg')).toBeVisible();
    await view.getByRole('tab', { name: 'History' }).click();
    const states = await view
      .locator('.jp-Genesis-history tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
    expect(states[states.length - 1]).toBe('COMPLETED');
    expect(states).toContain('ACTIVE');
    await view.getByRole('tab', { name: 'Spec' }).click();
    await expect(view.locator('.jp-Genesis-json')).toContainText('"executable": "/bin/sh"');
    await view.getByRole('tab', { name: 'Log' }).click();
    await artifacts.screenshot('job-view-light');
    await page.theme.setDarkTheme();
    await artifacts.screenshot('job-view-dark');
    await artifacts.screenshot('jobs-panel-dark', page.locator('#genesis-jobs'));
    await page.theme.setLightTheme();
  });

  test('a Slurm job submitted from the panel reaches COMPLETED; its log is shown', async ({ page }) => {
    const panel = await openJobs(page);
    const slurm = panel.locator('.jp-Genesis-facility[data-facility="slurm"][data-healthy="true"]');
    if ((await slurm.count()) === 0) {
      const reason = 'no healthy Slurm facility on this platform (scripts/slurm-up starts one)';
      if (REQUIRE_SERVICES) throw new Error(`GENESIS_REQUIRE_SERVICES=1 but ${reason}`);
      test.skip(true, reason);
    }
    const id = await submit(page, {
      facility: 'slurm',
      name: 'ui-slurm',
      args: ['-c', 'echo "on $(hostname) as slurm job $SLURM_JOB_ID"; sleep 2; echo finished']
    });
    await expect(row(page, id)).toHaveAttribute('data-state', /QUEUED|ACTIVE|COMPLETED/, { timeout: 30000 });
    await expect(row(page, id)).toHaveAttribute('data-state', 'COMPLETED', { timeout: 120000 });
    await row(page, id).click();
    const view = page.locator('.jp-Genesis-jobDetail');
    await expect(view.locator('.jp-Genesis-log')).toContainText('as slurm job');
    await expect(view.locator('.jp-Genesis-log')).toContainText('finished');
    // The scheduler's own words are kept.
    await view.getByRole('tab', { name: 'History' }).click();
    await expect(view.locator('.jp-Genesis-history')).toContainText('COMPLETED');
  });

  test('a long job is cancelled from its view, once the user confirmed it', async ({ page, artifacts }) => {
    await openJobs(page);
    const id = await submit(page, { facility: 'local', name: 'ui-long', args: ['-c', 'echo sleeping; sleep 600'] });
    await expect(row(page, id)).toHaveAttribute('data-state', 'ACTIVE', { timeout: 30000 });
    await row(page, id).click();
    // The view's toolbar (MainAreaWidget) holds Cancel; the content shows the job.
    const view = page.locator(`#genesis-job-${id}`);
    await expect(view.locator('.jp-Genesis-log')).toContainText('sleeping');
    await view.getByRole('button', { name: 'Cancel' }).click();
    // Cancel asks first; "Keep Running" (or Escape) leaves the job alone.
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(`Cancel job ui-long (${id})?`);
    await artifacts.screenshot('job-cancel-dialog-light', dialog.locator('.jp-Dialog-content'));
    await dialog.getByRole('button', { name: 'Keep Running' }).click();
    await expect(dialog).toHaveCount(0);
    await page.waitForTimeout(1000);
    await expect(row(page, id)).toHaveAttribute('data-state', 'ACTIVE');
    await view.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.jp-Dialog').getByRole('button', { name: 'Cancel Job' }).click();
    await expect(row(page, id)).toHaveAttribute('data-state', 'CANCELED', { timeout: 30000 });
    await expect(view.locator('.jp-Genesis-statePill').first()).toHaveText('CANCELED');
    await expect(view.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  });

  test('a failed job opens on stderr, where its error is; stdout is one click away', async ({ page, artifacts }) => {
    await openJobs(page);
    const id = await submit(page, {
      facility: 'local',
      name: 'ui-fails',
      args: ['-c', 'echo "reading input"; echo "error: input.csv: no such file" >&2; exit 3']
    });
    await expect(row(page, id)).toHaveAttribute('data-state', 'FAILED', { timeout: 60000 });
    await row(page, id).click();
    const view = page.locator(`#genesis-job-${id}`);
    const log = view.locator('.jp-Genesis-log');
    await expect(log).toHaveAttribute('data-stream', 'stderr');
    await expect(log).toContainText('error: input.csv: no such file');
    await expect(view.getByRole('radio', { name: 'stderr' })).toBeChecked();
    await artifacts.screenshot('job-failed-stderr-light', view);
    await page.theme.setDarkTheme();
    await artifacts.screenshot('job-failed-stderr-dark', view);
    await page.theme.setLightTheme();
    await view.getByRole('radio', { name: 'stdout' }).check();
    await expect(log).toHaveAttribute('data-stream', 'stdout');
    await expect(log).toContainText('reading input');
  });

  test('the jobs list is a listbox: arrows move, Home/End jump to the ends, Enter opens', async ({ page }) => {
    const ids: string[] = [];
    for (const name of ['ui-keys-1', 'ui-keys-2', 'ui-keys-3']) {
      const r = await page.request.post('/genesis/api/jobs', {
        data: { name, facility: 'local', executable: '/bin/true', arguments: [] }
      });
      expect(r.status(), await r.text()).toBe(201);
      ids.push(((await r.json()) as { id: string }).id);
    }
    const panel = await openJobs(page);
    for (const id of ids) await expect(row(page, id)).toBeVisible();
    const rows = panel.locator('.jp-Genesis-jobRow');
    const focusedId = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.jobId);
    // Newest first: the last one submitted is the first row.
    await row(page, ids[2]!).focus();
    await page.keyboard.press('ArrowDown');
    expect(await focusedId()).toBe(ids[1]);
    await page.keyboard.press('End');
    expect(await focusedId()).toBe(await rows.last().getAttribute('data-job-id'));
    await page.keyboard.press('Home');
    expect(await focusedId()).toBe(await rows.first().getAttribute('data-job-id'));
    // One tab stop: the focused row is the list's only tabbable option.
    await expect(panel.locator('.jp-Genesis-jobRow[tabindex="0"]')).toHaveCount(1);
    await page.keyboard.press('ArrowDown');
    const target = (await focusedId())!;
    await page.keyboard.press('Enter');
    await expect(page.locator(`#genesis-job-${target}`)).toBeVisible();
  });

  test('the live log resumes after the platform dies mid-job: no gap, no duplicate', async ({ page, platform }) => {
    await openJobs(page);
    const id = await submit(page, {
      facility: 'local',
      name: 'ui-resume',
      args: ['-c', 'for i in $(seq 1 40); do echo "line $i"; sleep 0.25; done']
    });
    await row(page, id).click();
    const log = page.locator('.jp-Genesis-jobDetail .jp-Genesis-log');
    await expect(log).toContainText('line 5');
    await platform.crash();
    await platform.waitRunning();
    await expect(row(page, id)).toHaveAttribute('data-state', 'COMPLETED', { timeout: 90000 });
    await expect(log).toHaveAttribute('data-eof', 'true', { timeout: 30000 });
    const lines = (await log.textContent())!.split('\n').filter(Boolean);
    expect(lines).toEqual(Array.from({ length: 40 }, (_, i) => `line ${i + 1}`));
  });

  test('the form refuses a bad spec with the reason; the facility refuses what it cannot honour', async ({ page }) => {
    const panel = await openJobs(page);
    await panel.getByRole('button', { name: 'New job' }).click();
    const form = panel.locator('.jp-Genesis-submitForm');
    // Nothing to run: said before any request, naming the field by its label.
    await form.locator('input[name="executable"]').fill('');
    await form.getByRole('button', { name: 'Submit job' }).click();
    await expect(form.locator('.jp-Genesis-error')).toContainText('Executable');
    // A duration that is not one.
    await form.locator('input[name="executable"]').fill('/bin/true');
    await form.locator('input[name="duration"]').fill('soon');
    await form.getByRole('button', { name: 'Submit job' }).click();
    await expect(form.locator('.jp-Genesis-error')).toContainText('Duration');
    // More CPUs than the local facility has: refused by the platform, its reason shown.
    await form.locator('input[name="duration"]').fill('1m');
    await form.locator('input[name="cpuCoresPerProcess"]').fill('4096');
    await form.getByRole('button', { name: 'Submit job' }).click();
    await expect(form.locator('.jp-Genesis-error')).toContainText(/cpu/i);
    await expect(form.locator('.jp-Genesis-success')).toHaveCount(0);
  });

  test('a job a cell submitted leaves a lineage chip that opens its view', async ({ page }) => {
    await page.notebook.createNew('job-lineage.ipynb', { kernel: 'tslab' });
    await page.notebook.setCell(
      0,
      'code',
      [
        'import { genesis } from "@genesis-lab/kernel";',
        'const job = await genesis.jobs.submit({ name: "cell-job", executable: "/bin/sh", arguments: ["-c", "echo from-a-cell"] });',
        'const result = await job.wait();'
      ].join('\n')
    );
    await page.notebook.runCell(0);
    const chips = page.locator('.jp-Cell').first().locator('.jp-Genesis-lineageChip[data-kind="job"]');
    await expect(chips.last()).toContainText('COMPLETED', { timeout: 60000 });
    await expect(chips.last().locator('.jp-Genesis-chipRef')).toHaveText('cell-job');
    const id = await chips.last().getAttribute('data-job-id');
    await chips.last().click();
    const view = page.locator(`#genesis-job-${id}`);
    await expect(view.locator('h1')).toContainText('cell-job');
    await expect(view.locator('.jp-Genesis-log')).toContainText('from-a-cell');
  });

  test('keyboard only: palette → submit form → Enter submits; arrows and Enter open the job', async ({ page }) => {
    await page.keyboard.press('Control+Shift+C');
    await page.locator('#command-palette input').fill('Submit a Genesis Job');
    await page.keyboard.press('Enter');
    const executable = page.locator('#genesis-jobs .jp-Genesis-submitForm input[name="executable"]');
    await expect(executable).toBeFocused();
    await page.keyboard.type('/bin/echo');
    await page.keyboard.press('Tab');
    await expect(page.locator('#genesis-jobs textarea[name="args"]')).toBeFocused();
    await page.keyboard.type('typed-with-the-keyboard');
    await page.keyboard.press('Tab');
    await page.keyboard.type('ui-keyboard');
    await page.keyboard.press('Enter');
    const done = page.locator('#genesis-jobs .jp-Genesis-success');
    await expect(done).toContainText('Submitted ui-keyboard');
    const id = (await done.textContent())!.match(/\((j[0-9a-z]+)\)/)![1]!;
    await expect(row(page, id)).toHaveAttribute('data-state', 'COMPLETED', { timeout: 60000 });
    // The job list is a listbox: focus the newest job (its tab stop) and press Enter.
    await row(page, id).focus();
    await page.keyboard.press('Enter');
    await expect(page.locator(`#genesis-job-${id} .jp-Genesis-log`)).toContainText('typed-with-the-keyboard');
  });
});
