import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { openLineageNotebook } from '../support/notebooks';

/**
 * Texts readable in both themes (WCAG 4.5:1), where the dark theme broke them: the "platform
 * unreachable" banner (white text on the theme's light pink --jp-error-color3), the access badges,
 * the "latest" mark on the selected version. Also, in the narrow catalog sidebar: banner buttons
 * whose labels do not break ("Start / platform"), and no "0 records" / "The catalog is empty."
 * under the banner while nothing could be read.
 */

/**
 * WCAG contrast ratio of each text element's colour against the background behind it, as
 * rendered: semi-transparent backgrounds are composited over what is behind them (up to the
 * first opaque one, or the white canvas), the text colour's own alpha over that background, and
 * `opacity` (the element's and its ancestors', multiplied) fades text and background towards
 * what lies behind the faded element.
 */
function contrasts(root: HTMLElement): { text: string; ratio: number }[] {
  type RGBA = [number, number, number, number];
  // Computed colours come as rgb()/rgba(), or color(srgb r g b / a) (0-1) for color-mix().
  const rgba = (c: string): RGBA => {
    const v = (c.match(/[\d.]+/g) ?? []).map(Number);
    const rgb = c.startsWith('color(srgb') ? v.slice(0, 3).map((x) => x * 255) : v.slice(0, 3);
    const a = v.length > 3 ? v[3]! : 1;
    return [rgb[0] ?? 0, rgb[1] ?? 0, rgb[2] ?? 0, a];
  };
  /** `top` (with its alpha) over an opaque `bottom`. */
  const over = (top: RGBA, bottom: RGBA): RGBA => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i]! * a + bottom[i]! * (1 - a)).concat(1) as RGBA;
  };
  const lum = ([r, g, b]: RGBA) => {
    const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const chain = (el: Element | null): Element[] => {
    const out: Element[] = [];
    for (; el; el = el.parentElement) out.push(el);
    return out;
  };
  /** The opaque colour behind `el`'s content: its and its ancestors' backgrounds composited. */
  const backdrop = (els: Element[]): RGBA => {
    let color: RGBA = [255, 255, 255, 1];
    const layers = els.map((e) => rgba(getComputedStyle(e).backgroundColor));
    const firstOpaque = layers.findIndex((l) => l[3] >= 1);
    const used = firstOpaque >= 0 ? layers.slice(0, firstOpaque + 1) : layers;
    for (const layer of used.reverse()) color = over(layer, color);
    return color;
  };
  return [root, ...root.querySelectorAll<HTMLElement>('*')]
    .filter((el) => [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim()))
    .map((el) => {
      const els = chain(el);
      let bg = backdrop(els);
      let fg = over(rgba(getComputedStyle(el).color), bg);
      // Faded ancestors: text and background both blend towards what is behind the faded one.
      els.forEach((e, i) => {
        const o = Number(getComputedStyle(e).opacity);
        if (o >= 1) return;
        const behind = backdrop(els.slice(i + 1));
        fg = over([fg[0], fg[1], fg[2], o], behind);
        bg = over([bg[0], bg[1], bg[2], o], behind);
      });
      const [l1, l2] = [lum(fg), lum(bg)];
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      return { text: el.textContent!.trim().slice(0, 40), ratio: Math.round(ratio * 100) / 100 };
    });
}

/**
 * Light theme, then dark: no text of `target` under 4.5:1 (named by theme when one is). Returns
 * how many texts were measured in each theme, so a caller can check the probe saw them all.
 */
async function expectReadableInBothThemes(page: IJupyterLabPageFixture, target: Locator): Promise<number[]> {
  const counts: number[] = [];
  for (const dark of [false, true]) {
    if (dark) await page.theme.setDarkTheme();
    const ratios = await target.evaluate(contrasts);
    expect(
      ratios.filter((c) => c.ratio < 4.5),
      dark ? 'dark' : 'light'
    ).toEqual([]);
    counts.push(ratios.length);
  }
  return counts;
}

test('the contrast checker counts alpha and opacity (it must see what the eye sees)', async ({ page }) => {
  // Black text at 20% alpha, and black text in a 20%-opacity box, on white: about 1.6:1 each,
  // which a checker that ignores alpha would score 21:1. Solid black stays 21:1.
  const ratios = await page.evaluate((source) => {
    const probe = document.createElement('div');
    probe.style.background = 'rgb(255, 255, 255)';
    probe.innerHTML =
      '<span style="color: rgba(0, 0, 0, 0.2)">alpha</span>' +
      '<div style="opacity: 0.2"><span style="color: rgb(0, 0, 0)">faded</span></div>' +
      '<span style="color: rgb(0, 0, 0); background: rgba(0, 0, 0, 0.5)">half-dark background</span>' +
      '<span style="color: rgb(0, 0, 0)">solid</span>';
    document.body.appendChild(probe);
    try {
      return (new Function(`return (${source})`)() as typeof contrasts)(probe);
    } finally {
      probe.remove();
    }
  }, contrasts.toString());
  const by = Object.fromEntries(ratios.map((r) => [r.text, r.ratio]));
  expect(by.alpha).toBeLessThan(2);
  expect(by.faded).toBeLessThan(2);
  // Black on black composited 50% over white (rgb 127.5): about 5.3:1, not 21:1.
  expect(by['half-dark background']).toBeGreaterThan(4.5);
  expect(by['half-dark background']).toBeLessThan(6);
  expect(by.solid).toBe(21);
});

test('the unreachable banner is readable in the dark theme and the panel claims no results', async ({
  page,
  platform,
  artifacts
}) => {
  await platform.stop();
  await page.theme.setDarkTheme();
  await page.sidebar.openTab('genesis-catalog');
  const panel = page.locator('#genesis-catalog');
  const banner = panel.locator('.jp-Genesis-banner[data-status="unreachable"]');
  await expect(banner).toBeVisible();
  await expect(banner.getByRole('button', { name: 'Start platform' })).toBeVisible();

  const low = (await banner.evaluate(contrasts)).filter((c) => c.ratio < 4.5);
  expect(low).toEqual([]);
  // Each button label on one line.
  for (const name of ['Start platform', 'Retry']) {
    const lines = await banner.getByRole('button', { name }).evaluate((b) => {
      const range = document.createRange();
      range.selectNodeContents(b);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });
    expect(lines, name).toBe(1);
  }
  // Nothing was read: no count, no "empty catalog".
  await expect(panel.locator('.jp-Genesis-resultSummary')).toHaveCount(0);
  await expect(panel.locator('.jp-Genesis-empty')).toHaveCount(0);
  await artifacts.screenshot('catalog-unreachable-dark', panel);

  await platform.start();
  await banner
    .getByRole('button', { name: 'Retry' })
    .click({ timeout: 2000 })
    .catch(() => undefined);
  await expect(panel.locator('.jp-Genesis-result').first()).toBeVisible({ timeout: 30000 });
  await expect(panel.locator('.jp-Genesis-resultSummary')).toContainText(/\d+ records/);
});

test('access badges (controlled, export-controlled) are readable in both themes', async ({ page }) => {
  await page.sidebar.openTab('genesis-catalog');
  const panel = page.locator('#genesis-catalog');
  await expect(panel.locator('.jp-Genesis-result').first()).toBeVisible();
  // The example catalog is all open data: the badges as the panel renders them, with its stylesheet.
  await panel.evaluate((node) => {
    const holder = document.createElement('div');
    holder.id = 'badge-probe';
    for (const [level, label] of [
      ['controlled', 'Controlled'],
      ['export-controlled', 'Export-controlled']
    ]) {
      const badge = document.createElement('span');
      badge.className = `jp-Genesis-badge jp-Genesis-access jp-mod-${level}`;
      badge.textContent = label!;
      holder.appendChild(badge);
    }
    node.appendChild(holder);
  });
  for (const n of await expectReadableInBothThemes(page, panel.locator('#badge-probe'))) expect(n).toBe(2);
});

test('the dataset detail is readable in both themes', async ({ page }) => {
  await page.evaluate(() => window.jupyterapp.commands.execute('genesis:open-dataset', { ref: 'noaa/mauna-loa-co2' }));
  const summary = page.locator('#genesis-dataset-noaa-mauna-loa-co2 .jp-Genesis-detailSummary');
  await expect(summary.locator('.jp-Genesis-versions tr.jp-mod-selected')).toContainText('latest');
  for (const n of await expectReadableInBothThemes(page, summary)) expect(n).toBeGreaterThan(20);
});

test('lineage chips are readable in both themes', async ({ page, tmpPath }) => {
  const job = {
    schemaVersion: 1,
    kind: 'job',
    action: 'awaited',
    at: '2026-11-26T19:27:11.898Z',
    platform: 'http://127.0.0.1:1',
    jobId: 'j01m8cn6yaxq47807hk80',
    name: 'estimate-pi',
    facility: 'local',
    nativeId: '9559',
    state: 'COMPLETED',
    exitCode: 0
  };
  await openLineageNotebook(page, `${tmpPath}/chip-contrast.ipynb`, 'await job.wait();', job);
  const chip = page.locator('.jp-Genesis-lineageChip[data-kind="job"]');
  await expect(chip).toContainText('exit 0');
  for (const n of await expectReadableInBothThemes(page, chip)) expect(n).toBeGreaterThanOrEqual(4);
});

test('the audit view is readable in both themes', async ({ page }) => {
  await page.evaluate(() => window.jupyterapp.commands.execute('genesis:open-audit'));
  const view = page.locator('#genesis-audit-log .jp-Genesis-auditLog');
  await expect(view.locator('tr.jp-Genesis-auditEntry').first()).toBeVisible();
  await page.locator('.jp-Genesis-auditVerify').click();
  await expect(view.locator('.jp-Genesis-auditChain')).toContainText('Chain intact');
  // Filter labels, buttons, the chain status, the table head and at least one entry's cells.
  for (const n of await expectReadableInBothThemes(page, view)) expect(n).toBeGreaterThan(15);
});
