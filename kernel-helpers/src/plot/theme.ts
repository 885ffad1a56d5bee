import type { VegaLiteSpec } from './spec';

/**
 * The chart's colours: JupyterLab's theme variables, each with the light value it falls back to
 * where there is no lab. In the lab the chart is drawn as SVG, so the browser resolves the
 * variables itself: a chart follows the theme (light, dark, high contrast) and a theme switch
 * recolours charts already on screen, with nothing re-rendered.
 */
const text = themed('--jp-content-font-color1', '#212121');
const rule = themed('--jp-content-font-color2', '#757575');
const grid = themed('--jp-border-color2', '#e0e0e0');
const background = themed('--jp-layout-color0', 'white');

function themed(variable: string, fallback: string): string {
  return `var(${variable}, ${fallback})`;
}

/** Vega-Lite config for titles, axes, legends and facet headers; a spec's own config wins section by section. */
export const THEME_CONFIG: Readonly<Record<string, Record<string, unknown> | string>> = {
  background,
  view: { stroke: grid },
  title: { color: text, subtitleColor: text },
  axis: { domainColor: rule, tickColor: rule, gridColor: grid, labelColor: text, titleColor: text },
  legend: { labelColor: text, titleColor: text },
  header: { labelColor: text, titleColor: text },
  // JupyterLab applies vega-themes' "dark" in a dark lab; these styles are the ones it sets.
  style: {
    'guide-label': { fill: text },
    'guide-title': { fill: text },
    'group-title': { fill: text },
    'group-subtitle': { fill: text }
  }
};

/**
 * The spec as the lab should draw it: the theme's config under the spec's own, and the SVG
 * renderer (vega-embed reads `usermeta.embedOptions`), since a canvas cannot resolve CSS variables.
 */
export function themedSpec(spec: VegaLiteSpec): VegaLiteSpec {
  const own = (spec.config ?? {}) as Record<string, unknown>;
  const config: Record<string, unknown> = { ...THEME_CONFIG };
  for (const [k, v] of Object.entries(own)) {
    const ours = config[k];
    config[k] = isObject(v) && isObject(ours) ? { ...ours, ...v } : v;
  }
  const usermeta = (spec.usermeta ?? {}) as Record<string, unknown>;
  const embedOptions = isObject(usermeta.embedOptions) ? usermeta.embedOptions : {};
  return { ...spec, config, usermeta: { ...usermeta, embedOptions: { renderer: 'svg', ...embedOptions } } };
}

/**
 * The spec with every theme variable of its config replaced by its fallback: what the kernel
 * renders to a static SVG for GitHub, nbviewer and exports, where no lab stylesheet defines them.
 */
export function withoutThemeVariables(spec: VegaLiteSpec): VegaLiteSpec {
  return spec.config === undefined ? spec : { ...spec, config: fallbacks(spec.config) as Record<string, unknown> };
}

function fallbacks(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/^var\(--[\w-]+, (.+)\)$/, '$1');
  if (Array.isArray(value)) return value.map(fallbacks);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fallbacks(v)]));
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
