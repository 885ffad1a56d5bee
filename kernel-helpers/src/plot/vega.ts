import { GenesisError } from '@genesis-lab/contract';
import { presentable } from '@genesis-lab/client';
import type { VegaLiteSpec } from './spec';

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');

let modules: { vega: Vega; vegaLite: VegaLite } | undefined;

/**
 * vega 5 and vega-lite 5, loaded on first plot (about 0.4 s; importing the helpers stays fast).
 * Both majors are the ones JupyterLab 4 renders with, and both ship CommonJS builds with
 * top-level main/types, which tslab (CommonJS, Node10 resolution) and Deno both load; 6.x is
 * ES-module-only. Deprecation warnings are muted while loading: vega-loader requires
 * node-fetch 2, whose tr46 requires the deprecated `punycode`; Node hides that warning for
 * code in node_modules, Deno prints it into the cell.
 */
export function vegaModules(): { vega: Vega; vegaLite: VegaLite } {
  if (!modules) {
    const quiet = process.noDeprecation;
    process.noDeprecation = true;
    try {
      /* eslint-disable @typescript-eslint/no-require-imports */
      modules = { vega: require('vega') as Vega, vegaLite: require('vega-lite') as VegaLite };
      /* eslint-enable @typescript-eslint/no-require-imports */
    } finally {
      process.noDeprecation = quiet;
    }
  }
  return modules;
}

/** The bins of a histogram: start, stop and a nice step, at most `maxbins` of them. */
export type BinRule = (options: { extent: [number, number]; maxbins: number }) => {
  start: number;
  stop: number;
  step: number;
};

/** Vega's bin rule (vega-statistics' `bin`, which Vega-Lite's `bin` uses; vega's typings leave it out). */
export const binRule: BinRule = (options) => (vegaModules().vega as unknown as { bin: BinRule }).bin(options);

/**
 * The static SVG of a Vega-Lite spec, rendered in the kernel (no browser): what GitHub,
 * nbviewer and HTML export show. Vega-Lite's compile errors come back as a GenesisError.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const { vega, vegaLite } = vegaModules();
  let compiled: ReturnType<VegaLite['compile']>['spec'];
  try {
    // A copy: Vega tags the data objects it reads (a vega_id symbol) and must not touch the spec the cell shows.
    const copy = JSON.parse(JSON.stringify(spec)) as Parameters<VegaLite['compile']>[0];
    compiled = vegaLite.compile(copy).spec;
  } catch (err) {
    throw presentable(
      new GenesisError('validation_failed', `Invalid Vega-Lite spec: ${(err as Error).message}`, {
        hint: 'See https://vega.github.io/vega-lite/docs/ (Vega-Lite 5, the version JupyterLab 4 renders)'
      })
    );
  }
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } catch (err) {
    throw presentable(
      new GenesisError('validation_failed', `Vega could not draw the spec: ${(err as Error).message}`, {
        hint: 'A spec that reads data from a URL needs that URL reachable from the kernel; pass a table instead'
      })
    );
  } finally {
    view.finalize();
  }
}
