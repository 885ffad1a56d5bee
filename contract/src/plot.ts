import { z } from 'zod';

/**
 * Plots the kernel helpers draw from Arrow tables (`genesis.plot(table).line({...})`): the options
 * of each mark and the note a chart carries when it shows fewer rows than the table has.
 */

/** JupyterLab 4 renders this MIME type natively (its vega5 extension: Vega-Lite 5). */
export const VEGALITE_MIME_TYPE = 'application/vnd.vegalite.v5+json';
export const VEGALITE_SCHEMA_URL = 'https://vega.github.io/schema/vega-lite/v5.json';

/** How a plot reads a column: numbers, instants (dates, timestamps), or categories (text, booleans). */
export const PlotKind = z.enum(['quantitative', 'temporal', 'nominal']);
export type PlotKind = z.infer<typeof PlotKind>;

/** Rows drawn at most before a line is downsampled or points are sampled (the spec's JSON grows with every row). */
export const PLOT_MAX_POINTS_DEFAULT = 5000;

const Column = z.string().min(1, 'a column name');

/** Options every mark takes. */
const Look = {
  title: z.string().optional().describe('Chart title (default: what is plotted against what)'),
  titles: z
    .object({ x: z.string(), y: z.string(), color: z.string(), facet: z.string() })
    .partial()
    .strict()
    .optional()
    .describe('Axis and legend titles instead of "column (unit)"'),
  width: z.number().int().min(50).max(4000).optional().describe('Width in pixels (of each facet)'),
  height: z.number().int().min(50).max(4000).optional().describe('Height in pixels (of each facet)'),
  facet: Column.optional().describe('One small chart per value of this column'),
  columns: z.number().int().min(1).max(12).optional().describe('Facets per row (default 3)'),
  maxPoints: z
    .number()
    .int()
    .min(100)
    .max(1_000_000)
    .optional()
    .describe(`Rows drawn at most; more are downsampled with a note (default ${PLOT_MAX_POINTS_DEFAULT})`)
};

/** Scale types of a quantitative axis (log for values spanning decades; log needs values above zero). */
export const PlotScale = z.enum(['linear', 'log', 'sqrt', 'symlog']);
export type PlotScale = z.infer<typeof PlotScale>;

/** `line`, `area`: y against x, one line per color value (or per y column when y lists several). */
export const SeriesOptions = z
  .object({
    ...Look,
    x: Column,
    y: z.union([Column, z.array(Column).min(1)], {
      error: (issue) =>
        issue.input === undefined
          ? 'required (a column name, or a list of them) but missing'
          : 'a column name, or a list of column names'
    }),
    color: Column.optional(),
    scales: z
      .object({ x: PlotScale, y: PlotScale })
      .partial()
      .strict()
      .optional()
      .describe('Scale of a quantitative x or y axis (default linear)')
  })
  .strict();
export type SeriesOptions = z.infer<typeof SeriesOptions>;

/** `point`: a scatter plot, optionally sized by a third column. */
export const PointOptions = SeriesOptions.extend({ size: Column.optional() }).strict();
export type PointOptions = z.infer<typeof PointOptions>;

/** `bar`: y summed per x (and color) value. */
export const BarOptions = z.object({ ...Look, x: Column, y: Column, color: Column.optional() }).strict();
export type BarOptions = z.infer<typeof BarOptions>;

/** `histogram`: counts of x in bins, binned in the kernel (only the counts are inlined). */
export const HistogramOptions = z
  .object({ ...Look, x: Column, bins: z.number().int().min(2).max(500).optional(), color: Column.optional() })
  .strict();
export type HistogramOptions = z.infer<typeof HistogramOptions>;

/** `genesis.vegaLite(spec, table, options)`. */
export const VegaLiteOptions = z.object({ maxPoints: Look.maxPoints }).strict();
export type VegaLiteOptions = z.infer<typeof VegaLiteOptions>;

/**
 * What a chart shows of its table (kept in the spec's `usermeta.genesis`, and said in its
 * subtitle whenever rows were reduced): never a silently shortened table.
 */
export const PlotReduction = z.object({
  rows: z.number().int().nonnegative().describe('Rows of the table'),
  drawn: z.number().int().nonnegative().describe('Data rows inlined in the spec'),
  method: z
    .enum(['none', 'lttb', 'stride', 'sum', 'bins'])
    .describe(
      'none: every row; lttb: largest-triangle-three-buckets per series; stride: every k-th row; sum: y summed per x; bins: counts per bin'
    ),
  nulls: z.number().int().nonnegative().describe('Rows not drawn because a plotted value is null or NaN')
});
export type PlotReduction = z.infer<typeof PlotReduction>;
