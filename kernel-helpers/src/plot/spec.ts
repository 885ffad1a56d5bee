import { DataType } from 'apache-arrow';
import { VEGALITE_SCHEMA_URL, type PlotReduction } from '@genesis-lab/contract';
import { columnTitle, type PlotColumn } from './columns';

/** A Vega-Lite spec as JSON (vega-lite's own types are not part of the helpers' API). */
export type VegaLiteSpec = Record<string, unknown>;

/** What a mark hands to the chart: its spec, how the table was reduced, and a one-line description. */
export interface PlotSpec {
  spec: VegaLiteSpec;
  reduction: PlotReduction;
  /** `co2 (ppm) by date`: the default title and the text/plain form. */
  description: string;
  /** Why fewer rows are drawn than the table has (also the chart's subtitle), if they are. */
  note: string | undefined;
}

/** Vega-Lite reads dots and brackets in a field name as nested access; a column name is one key. */
export function fieldRef(name: string): string {
  return name.replace(/[\\.[\]]/g, (c) => `\\${c}`);
}

/** A key for a field the chart adds (bin edges, counts, folded values) that no plotted column already uses. */
export function freeKey(wanted: string, taken: readonly string[]): string {
  let key = wanted;
  while (taken.includes(key)) key = `${key}_`;
  return key;
}

/**
 * A channel (x, y, color, ...) drawing a column: its kind, the title with its unit, and for
 * instants a UTC scale, so a date is the same day on the axis wherever the lab runs (dates are
 * inlined as UTC ISO 8601 text).
 */
export function channel(
  c: PlotColumn,
  title: string | undefined,
  extra: { scale?: Record<string, unknown> } & Record<string, unknown> = {}
): Record<string, unknown> {
  const { scale, ...rest } = extra;
  const merged = c.kind === 'temporal' ? { type: 'utc', ...scale } : scale;
  return {
    field: fieldRef(c.name),
    type: c.kind ?? 'nominal',
    title: title ?? columnTitle(c),
    ...rest,
    ...(merged ? { scale: merged } : {})
  };
}

/** A tooltip entry for a column; instants shown in UTC, at day precision for date columns. */
export function tooltip(c: PlotColumn, title?: string): Record<string, unknown> {
  const base = { field: fieldRef(c.name), type: c.kind ?? 'nominal', title: title ?? columnTitle(c) };
  if (c.kind !== 'temporal') return base;
  return {
    ...base,
    timeUnit: DataType.isDate(c.field.type) ? 'utcyearmonthdate' : 'utcyearmonthdatehoursminutesseconds'
  };
}

/** `1,000,000`. */
export const count = (n: number): string => n.toLocaleString('en-US');

export interface Frame {
  mark: Record<string, unknown>;
  encoding: Record<string, unknown>;
  values: Record<string, unknown>[];
  /** Inlined keys holding instants (ISO text), parsed as dates by Vega. */
  temporal: string[];
  facet?: { column: PlotColumn; title?: string; columns?: number };
  title?: string;
  description: string;
  width?: number;
  height?: number;
  reduction: PlotReduction;
  note: string | undefined;
}

/**
 * The whole spec around a mark: title (with the reduction note as subtitle, so it shows in the
 * lab, in the static SVG and in every export), size, inlined data, optional facets, and the
 * reduction under `usermeta.genesis`. Colours come later, from the lab's theme (theme.ts).
 */
export function frame(f: Frame): PlotSpec {
  const text = f.title ?? f.description;
  const faceted = f.facet !== undefined;
  const parse = Object.fromEntries(f.temporal.map((k) => [k, 'date']));
  const spec: VegaLiteSpec = {
    $schema: VEGALITE_SCHEMA_URL,
    description: f.note ? `${f.description}. ${f.note}` : f.description,
    title: f.note ? { text, subtitle: f.note } : text,
    width: f.width ?? (faceted ? 220 : 600),
    height: f.height ?? (faceted ? 160 : 300),
    data: { values: f.values, ...(f.temporal.length ? { format: { parse } } : {}) },
    mark: f.mark,
    encoding: {
      ...f.encoding,
      ...(f.facet
        ? {
            facet: {
              field: fieldRef(f.facet.column.name),
              type: f.facet.column.kind === 'quantitative' ? 'ordinal' : 'nominal',
              title: f.facet.title ?? columnTitle(f.facet.column),
              columns: f.facet.columns ?? 3
            }
          }
        : {})
    },
    usermeta: { genesis: f.reduction }
  };
  return { spec, reduction: f.reduction, description: f.description, note: f.note };
}
