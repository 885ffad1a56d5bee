import { expect, test } from '../support/fixtures';

/**
 * The job submit form refuses a spec in the user's words: each problem named by the field's label
 * (not a JSON path such as `spec.resources.memory`), the fields marked `aria-invalid` and the
 * first one focused; "New job" opens the form on its first field, as the palette command does.
 */

test.describe('job submit form errors', () => {
  test('the submit form names the field it refuses, marks it and moves the focus there', async ({ page }) => {
    await page.sidebar.openTab('genesis-jobs');
    const panel = page.locator('#genesis-jobs');
    // Keyboard: "New job" opens the form on its first field, as the palette command does.
    await panel.getByRole('button', { name: 'New job' }).focus();
    await page.keyboard.press('Enter');
    const form = panel.locator('.jp-Genesis-submitForm');
    const executable = form.locator('input[name="executable"]');
    await expect(executable).toBeFocused();

    // Nothing typed: the executable is required, said in words, not as a JSON path.
    await form.getByRole('button', { name: 'Submit job' }).click();
    const error = form.locator('.jp-Genesis-error');
    await expect(error).toHaveText('Executable: enter the program to run, e.g. /bin/sh');
    await expect(executable).toHaveAttribute('aria-invalid', 'true');
    await expect(executable).toBeFocused();

    // Two wrong fields: both listed by their labels and marked; the first gets the focus.
    await executable.fill('/bin/true');
    await form.locator('input[name="nodeCount"]').fill('two');
    await form.locator('input[name="memory"]').fill('lots');
    await form.getByRole('button', { name: 'Submit job' }).click();
    await expect(error.locator('li')).toHaveText([
      /^Nodes: a whole number/,
      /^Memory: must be bytes or a size such as/
    ]);
    await expect(error).not.toContainText('spec.');
    await expect(form.locator('input[name="nodeCount"]')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.locator('input[name="memory"]')).toHaveAttribute('aria-invalid', 'true');
    await expect(executable).not.toHaveAttribute('aria-invalid', 'true');
    await expect(form.locator('input[name="nodeCount"]')).toBeFocused();

    // Corrected: submitted, nothing marked any more.
    await form.locator('input[name="nodeCount"]').fill('');
    await form.locator('input[name="memory"]').fill('');
    await form.locator('input[name="name"]').fill('ui-form-fixed');
    await form.getByRole('button', { name: 'Submit job' }).click();
    await expect(form.locator('.jp-Genesis-success')).toContainText('Submitted ui-form-fixed');
    await expect(form.locator('[aria-invalid="true"]')).toHaveCount(0);
  });

  test('a command line typed into Executable is explained: the program there, its arguments one per line', async ({
    page
  }) => {
    await page.sidebar.openTab('genesis-jobs');
    const panel = page.locator('#genesis-jobs');
    if ((await panel.locator('.jp-Genesis-submitForm').count()) === 0) {
      await panel.getByRole('button', { name: 'New job' }).click();
    }
    const form = panel.locator('.jp-Genesis-submitForm');
    const executable = form.locator('input[name="executable"]');
    await executable.fill('sh -c "echo hi"');
    await form.getByRole('button', { name: 'Submit job' }).click();
    // Said by the form, before anything is sent (the platform would fail it with a bare setsid error).
    const error = form.locator('.jp-Genesis-error');
    await expect(error).toContainText('Executable: only the program goes here (sh)');
    await expect(error).toContainText('put its arguments in Arguments, one per line');
    await expect(form.locator('.jp-Genesis-success')).toHaveCount(0);
    await expect(executable).toHaveAttribute('aria-invalid', 'true');
    await expect(executable).toBeFocused();

    // Done as it says: it runs.
    await executable.fill('sh');
    await form.locator('textarea[name="args"]').fill('-c\necho hi');
    await form.locator('input[name="name"]').fill('ui-form-split');
    await form.getByRole('button', { name: 'Submit job' }).click();
    await expect(form.locator('.jp-Genesis-success')).toContainText('Submitted ui-form-split');
  });
});
