import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from '../support/fixtures';

/**
 * The plot helper's charts in the lab's light and dark themes, on the tutorials run in the lab's
 * own tslab kernel (01: lines with legends and a binned histogram with its note; 03: prediction
 * against observation, residuals by split; 04: the paper's bar chart). For every
 * chart on screen: it is drawn as SVG; its titles, axis labels and legend labels are painted in
 * the theme's --jp-content-font-color1 and its axis lines in --jp-content-font-color2 (read back
 * as the browser resolves them); and the contrast of those rendered colours against the
 * background actually behind them is at least 4.5:1 for text and 3:1 for axis lines (WCAG).
 * Checked after a theme switch with the charts already on screen, and on reopening the notebook
 * in the dark theme (JupyterLab then adds vega-themes' "dark", which must not win).
 */

interface ChartColours {
  texts: number;
  rules: number;
  /** Texts not in the theme's text colour, axis lines not in its rule colour. */
  offTheme: string[];
  /** Texts under 4.5:1, axis lines under 3:1, against what is behind them. */
  lowContrast: string[];
  minTextContrast: number;
}

/** Runs in the page: every chart's rendered colours against the theme's, and their contrast. */
function chartColours(charts: HTMLElement[]): ChartColours[] {
  const parse = (c: string): number[] => {
    const v = (c.match(/[\d.]+/g) ?? []).map(Number);
    return c.startsWith('color(srgb')
      ? [...v.slice(0, 3).map((x) => x * 255), v[3] ?? 1]
      : [...v.slice(0, 3), v[3] ?? 1];
  };
  // A translucent colour as the eye sees it over an opaque one.
  const over = ([r, g, b, a]: number[], [R, G, B]: number[]) => [
    r! * a! + R! * (1 - a!),
    g! * a! + G! * (1 - a!),
    b! * a! + B! * (1 - a!)
  ];
  const lum = ([r, g, b]: number[]) => {
    const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
  };
  const ratio = (a: number[], b: number[]) => {
    const [l1, l2] = [lum(a), lum(b)];
    return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  };
  const behind = (el: Element | null): number[] => {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c[3] === 1) return c;
    }
    return [255, 255, 255, 1];
  };
  // The theme's colours as the browser resolves them, through a probe element.
  const resolve = (variable: string): string => {
    const probe = document.createElement('span');
    probe.style.color = `var(${variable})`;
    document.body.appendChild(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  };
  const text = resolve('--jp-content-font-color1');
  const rule = resolve('--jp-content-font-color2');
  return charts.map((chart) => {
    const svg = chart.querySelector('svg')!;
    const bg = behind(svg);
    const offTheme: string[] = [];
    const lowContrast: string[] = [];
    let minTextContrast = Infinity;
    const texts = [...svg.querySelectorAll('text')].filter((t) => t.textContent!.trim());
    for (const t of texts) {
      const fill = getComputedStyle(t).fill;
      const label = t.textContent!.trim().slice(0, 30);
      if (fill !== text) offTheme.push(`text "${label}": ${fill}, theme ${text}`);
      const r = ratio(over(parse(fill), bg), bg);
      minTextContrast = Math.min(minTextContrast, r);
      if (r < 4.5) lowContrast.push(`text "${label}": ${r.toFixed(2)}`);
    }
    const rules = [...svg.querySelectorAll('.role-axis-domain line, .role-axis-domain path')];
    for (const l of rules) {
      const stroke = getComputedStyle(l).stroke;
      if (stroke !== rule) offTheme.push(`axis line: ${stroke}, theme ${rule}`);
      const r = ratio(over(parse(stroke), bg), bg);
      if (r < 3) lowContrast.push(`axis line: ${r.toFixed(2)}`);
    }
    return {
      texts: texts.length,
      rules: rules.length,
      offTheme,
      lowContrast,
      minTextContrast: Math.round(minTextContrast * 100) / 100
    };
  });
}

const EXAMPLES = path.resolve(__dirname, '../../examples');
/** The tutorials with plots, and how many charts each draws. */
const TUTORIALS: [string, number][] = [
  ['01-find-and-pull-data.ipynb', 3],
  ['03-call-a-model.ipynb', 2],
  ['04-paper-co2-growth.ipynb', 1]
];

async function expectChartsFollowTheme(
  page: IJupyterLabPageFixture,
  theme: string,
  count: number
): Promise<ChartColours[]> {
  const charts = page.locator('.jp-RenderedVegaLite');
  await expect(charts).toHaveCount(count, { timeout: 120000 });
  // Drawn as SVG by the lab's renderer (a canvas could not resolve the theme's variables).
  await expect(charts.locator('svg.marks')).toHaveCount(count);
  const measured = await charts.evaluateAll(chartColours);
  for (const [i, c] of measured.entries()) {
    // Titles, axis and legend labels: the probe saw them all, not an empty chart.
    expect(c.texts, `${theme}: chart ${i} texts`).toBeGreaterThan(10);
    expect(c.rules, `${theme}: chart ${i} axis lines`).toBeGreaterThanOrEqual(2);
    expect(c.offTheme, `${theme}: chart ${i}`).toEqual([]);
    expect(c.lowContrast, `${theme}: chart ${i}`).toEqual([]);
  }
  return measured;
}

for (const [name, count] of TUTORIALS)
  test(`${name}: its plots follow the light and the dark theme, with readable contrast`, async ({
    page,
    artifacts,
    tmpPath
  }) => {
    test.setTimeout(300000);
    // The committed tutorial, as a reader opens it (in the test's folder under the notebook root).
    const notebook = `${tmpPath}/${name}`;
    await page.contents.uploadContent(fs.readFileSync(path.join(EXAMPLES, name), 'utf8'), 'text', notebook);
    await page.notebook.openByPath(notebook);
    await page.notebook.run();
    await page.notebook.save();
    const light = await expectChartsFollowTheme(page, 'light', count);
    await artifacts.screenshot(`plot-theme-${name.slice(0, 2)}-light`, page.locator('.jp-RenderedVegaLite').first());

    // Switched with the charts on screen: the browser recolours them, nothing is re-rendered.
    await page.theme.setDarkTheme();
    const dark = await expectChartsFollowTheme(page, 'dark (switched)', count);
    await artifacts.screenshot(`plot-theme-${name.slice(0, 2)}-dark`, page.locator('.jp-RenderedVegaLite').first());
    // The colours did change (light text on dark, not dark text that happens to pass).
    const textColour = (el: Element) => getComputedStyle(el.querySelector('svg text')!).fill;
    expect(await page.locator('.jp-RenderedVegaLite').first().evaluate(textColour)).toMatch(/rgb\(255, 255, 255\)/);

    // Reopened in the dark theme: rendered afresh, JupyterLab adds vega-themes' "dark".
    await page.notebook.close();
    await page.notebook.openByPath(notebook);
    const reopened = await expectChartsFollowTheme(page, 'dark (reopened)', count);
    const min = (m: ChartColours[]) => m.map((c) => c.minTextContrast).join(', ');
    process.stdout.write(
      `plot-theme ${name}: min text contrast light ${min(light)}; dark ${min(dark)}; reopened ${min(reopened)}\n`
    );
  });
