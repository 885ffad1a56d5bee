import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test } from '../support/fixtures';
import { openLineageNotebook } from '../support/notebooks';

/**
 * A job chip shows the state the platform reports now. A cell that submits a job records the
 * job as it was then (ACTIVE); the job goes on after the cell, and the chip used to say ACTIVE
 * forever. The chip asks the client for the job and follows its updates; no new output needed.
 */

test.describe('lineage job chips', () => {
  test('a chip recorded while its job ran shows the job’s state now, and follows it live', async ({
    page,
    tmpPath,
    artifacts
  }) => {
    // The job runs until the test lets it end (a local job: same machine), then fails with 4.
    const release = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-ui-chip-')), 'release');
    const r = await page.request.post('/genesis/api/jobs', {
      data: {
        name: 'ui-chip',
        facility: 'local',
        executable: '/bin/sh',
        arguments: ['-c', `while [ ! -e ${release} ]; do sleep 0.2; done; exit 4`]
      }
    });
    expect(r.status(), await r.text()).toBe(201);
    const id = ((await r.json()) as { id: string }).id;
    const use = {
      schemaVersion: 1,
      at: new Date().toISOString(),
      platform: 'http://127.0.0.1:1',
      kind: 'job',
      jobId: id,
      facility: 'local',
      name: 'ui-chip',
      action: 'submitted',
      state: 'ACTIVE'
    };
    const notebook = `${tmpPath}/job-chip.ipynb`;
    await openLineageNotebook(page, notebook, 'const job = await genesis.jobs.submit({ ... })', use);
    const chip = page.locator(`.jp-Genesis-lineageChip[data-job-id="${id}"]`);
    await expect(chip).toBeVisible();
    // Still running: the platform says so too; then the job fails, and the chip follows by push.
    await expect(chip.locator('.jp-Genesis-chipState')).toHaveText(/ACTIVE|QUEUED/);
    fs.writeFileSync(release, '');
    await expect(chip.locator('.jp-Genesis-chipState')).toHaveText('FAILED', { timeout: 30000 });
    await expect(chip).toHaveAttribute('data-state', 'FAILED');
    await expect(chip.locator('.jp-Genesis-chipMeta')).toHaveText('exit 4');
    await artifacts.screenshot('lineage-job-chip-light', chip);

    // Opened again later (the job long over): the final state at once.
    await page.notebook.close();
    await page.notebook.openByPath(notebook);
    await expect(page.locator(`.jp-Genesis-lineageChip[data-job-id="${id}"] .jp-Genesis-chipState`)).toHaveText(
      'FAILED'
    );
  });
});
