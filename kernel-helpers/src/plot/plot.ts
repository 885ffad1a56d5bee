import type { Table } from 'apache-arrow';
import {
  BarOptions,
  GenesisError,
  HistogramOptions,
  parseOrThrow,
  PLOT_MAX_POINTS_DEFAULT,
  PointOptions,
  SeriesOptions,
  VEGALITE_SCHEMA_URL,
  VegaLiteOptions,
  type PlotReduction
} from '@genesis-lab/contract';
import { z } from 'zod';
import { presentable, rethrowPresentable } from '@genesis-lab/client';
import type { NotebookOutput } from '../notebook/tslab';
import { Chart } from './chart';
import { PlotColumns } from './columns';
import { stride } from './downsample';
import { barSpec, histogramSpec, seriesSpec } from './marks';
import { count, type PlotSpec } from './spec';
import { inlineValue, positionsOf } from './values';
import { binRule, renderSvg } from './vega';
import { themedSpec, withoutThemeVariables } from './theme';

type Output = () => NotebookOutput | undefined;

function parsed<S extends z.ZodType>(schema: S, value: unknown, root: string): z.output<S> {
  try {
    return parseOrThrow(schema, value, root);
  } catch (err) {
    rethrowPresentable(err);
  }
}

/** Arrow tables from another copy of apache-arrow (duckdb-wasm) are not `instanceof` ours: check the shape. */
function requireTable(table: unknown, where: string): Table {
  const t = table as Partial<Table> | null;
  if (t && typeof t === 'object' && typeof t.getChild === 'function' && typeof t.numRows === 'number' && t.schema)
    return table as Table;
  throw presentable(
    new GenesisError(
      'validation_failed',
      `${where} takes an Apache Arrow Table (what genesis.dataset(ref).table() returns), not ${table === null ? 'null' : typeof table}`,
      { hint: 'Build one from arrays with tableFromArrays({ x: [...], y: [...] }) from "apache-arrow"' }
    )
  );
}

/** Render, show in the running cell (when there is one), return. */
async function draw(drawn: PlotSpec, output: Output): Promise<Chart> {
  const spec = themedSpec(drawn.spec);
  const chart = new Chart({ ...drawn, spec }, await renderSvg(withoutThemeVariables(spec)));
  await output()?.show(chart.bundle());
  return chart;
}

/**
 * `genesis.plot(table)`: one-line charts of an Arrow table, e.g.
 * `await genesis.plot(co2).line({ x: "date", y: "co2" })`. Each mark validates its options,
 * inlines only the columns it draws (downsampled or binned with a note when large), shows the
 * chart in the cell (Vega-Lite + SVG) and resolves to the Chart.
 */
export class Plot {
  private readonly table: Table;

  constructor(
    table: Table,
    private readonly output: Output
  ) {
    this.table = requireTable(table, 'genesis.plot(table)');
  }

  /** y against x joined by lines, one per color value (or per y column when y lists several). */
  async line(options: SeriesOptions): Promise<Chart> {
    return draw(seriesSpec(this.table, 'line', parsed(SeriesOptions, options, 'options')), this.output);
  }

  /** Like line, filled down to zero; several series stack. */
  async area(options: SeriesOptions): Promise<Chart> {
    return draw(seriesSpec(this.table, 'area', parsed(SeriesOptions, options, 'options')), this.output);
  }

  /** A scatter plot; `size` sizes each point by a column. */
  async point(options: PointOptions): Promise<Chart> {
    return draw(seriesSpec(this.table, 'point', parsed(PointOptions, options, 'options')), this.output);
  }

  /** Bars of y summed per x value (stacked by color). */
  async bar(options: BarOptions): Promise<Chart> {
    return draw(barSpec(this.table, parsed(BarOptions, options, 'options')), this.output);
  }

  /** Counts of x in bins (Vega's nice bins, `bins` at most; default 40), counted in the kernel. */
  async histogram(options: HistogramOptions): Promise<Chart> {
    return draw(histogramSpec(this.table, parsed(HistogramOptions, options, 'options'), binRule), this.output);
  }
}

const Spec = z.record(z.string(), z.unknown());
const SUPPORTED_SCHEMA = /\/vega-lite\/v5(\.\d+){0,2}\.json$/;

/** The spec's own title, with the reduction note as (an added line of) its subtitle. */
function withSubtitle(title: unknown, note: string): unknown {
  if (title && typeof title === 'object') {
    const t = title as { subtitle?: string | string[] };
    const prior = t.subtitle === undefined ? [] : Array.isArray(t.subtitle) ? t.subtitle : [t.subtitle];
    return { ...t, subtitle: [...prior, note] };
  }
  return { text: typeof title === 'string' ? title : '', subtitle: note };
}

/**
 * `genesis.vegaLite(spec, table?)`: any Vega-Lite 5 spec, with the table's rows inlined as its
 * data (every column; sampled every k-th row over `maxPoints`, said in the subtitle), shown like
 * the marks (Vega-Lite + SVG).
 */
export function vegaLiteSpec(spec: unknown, table: unknown, options: unknown): PlotSpec {
  const s = parsed(Spec, spec, 'spec');
  const o = parsed(VegaLiteOptions, options ?? {}, 'options');
  const schemaUrl = s.$schema ?? VEGALITE_SCHEMA_URL;
  if (typeof schemaUrl !== 'string' || !SUPPORTED_SCHEMA.test(schemaUrl))
    throw presentable(
      new GenesisError(
        'validation_failed',
        `Invalid spec at spec.$schema: ${JSON.stringify(schemaUrl)} is not Vega-Lite 5`,
        {
          issues: [{ path: 'spec.$schema', message: 'not Vega-Lite 5' }],
          hint: `JupyterLab 4 renders Vega-Lite 5: use ${VEGALITE_SCHEMA_URL} (or leave $schema out)`
        }
      )
    );
  if (table === undefined) {
    const rows = Array.isArray((s.data as { values?: unknown } | undefined)?.values)
      ? (s.data as { values: unknown[] }).values.length
      : 0;
    const reduction: PlotReduction = { rows, drawn: rows, method: 'none', nulls: 0 };
    return { spec: { ...s, $schema: schemaUrl }, reduction, description: 'Vega-Lite chart', note: undefined };
  }
  const t = requireTable(table, 'genesis.vegaLite(spec, table)');
  if (s.data !== undefined)
    throw presentable(
      new GenesisError(
        'validation_failed',
        'Invalid spec at spec.data: give the data either in the spec or as the table, not both',
        {
          issues: [{ path: 'spec.data', message: 'the table is the data' }]
        }
      )
    );
  const cols = new PlotColumns(t, 'chart').all;
  const budget = o.maxPoints ?? PLOT_MAX_POINTS_DEFAULT;
  const all = Array.from({ length: t.numRows }, (_, i) => i);
  const sample = t.numRows > budget ? stride(all, budget) : { rows: all, k: 1 };
  const positions = cols.map((c) => (c.kind === 'quantitative' ? positionsOf(c) : undefined));
  const values = sample.rows.map((i) =>
    Object.fromEntries(cols.map((c, j) => [c.name, inlineValue(c, positions[j], i)]))
  );
  const temporal = cols.filter((c) => c.kind === 'temporal').map((c) => c.name);
  const note =
    sample.k > 1
      ? `a sample of ${count(values.length)} of ${count(t.numRows)} rows (1 row in ${count(sample.k)}) is drawn, the table is unchanged`
      : undefined;
  const reduction: PlotReduction = {
    rows: t.numRows,
    drawn: values.length,
    method: sample.k > 1 ? 'stride' : 'none',
    nulls: 0
  };
  const data = {
    values,
    ...(temporal.length ? { format: { parse: Object.fromEntries(temporal.map((k) => [k, 'date'])) } } : {})
  };
  const usermeta = { ...(s.usermeta as object | undefined), genesis: reduction };
  return {
    spec: { ...s, $schema: schemaUrl, data, usermeta, ...(note ? { title: withSubtitle(s.title, note) } : {}) },
    reduction,
    description: `Vega-Lite chart of ${count(t.numRows)} rows`,
    note
  };
}

/** Draw a full spec (see vegaLiteSpec) and show it. */
export async function vegaLite(spec: unknown, table: unknown, options: unknown, output: Output): Promise<Chart> {
  return draw(vegaLiteSpec(spec, table, options), output);
}
