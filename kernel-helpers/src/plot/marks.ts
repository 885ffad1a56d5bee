import type { Table } from 'apache-arrow';
import {
  GenesisError,
  PLOT_MAX_POINTS_DEFAULT,
  type BarOptions,
  type HistogramOptions,
  type PlotKind,
  type PlotReduction,
  type PointOptions,
  type SeriesOptions
} from '@genesis-lab/contract';
import { presentable } from '@genesis-lab/client';
import { columnTitle, PlotColumns, type PlotColumn } from './columns';
import { countBins, extentOf, numberChunks } from './bins';
import { lttb, shareBudget, stride } from './downsample';
import { channel, count, fieldRef, frame, freeKey, tooltip, type PlotSpec } from './spec';
import { categoryOf, inlineValue, positionsOf } from './values';
import type { BinRule } from './vega';

export const HISTOGRAM_BINS_DEFAULT = 40;

type SeriesMark = 'line' | 'area' | 'point';

const X_KINDS: Record<SeriesMark, PlotKind[]> = {
  line: ['temporal', 'quantitative'],
  area: ['temporal', 'quantitative'],
  point: ['quantitative', 'temporal']
};

function nullNote(nulls: number, what: string): string | undefined {
  return nulls ? `${count(nulls)} ${nulls === 1 ? 'point' : 'points'} with a null or NaN ${what} not drawn` : undefined;
}

/** Rows of a pulled series usually come in x order already: skip the sort then. */
function sortedBy(rows: readonly number[], xs: Float64Array): boolean {
  for (let j = 1; j < rows.length; j++) if (xs[rows[j]!]! < xs[rows[j - 1]!]!) return false;
  return true;
}

const joined = (...parts: (string | undefined)[]): string | undefined => parts.filter(Boolean).join('; ') || undefined;

function facetOf(cols: PlotColumns, o: { facet?: string }): PlotColumn | undefined {
  return o.facet ? cols.pick('facet', o.facet, ['nominal', 'quantitative']) : undefined;
}

/**
 * `line`, `area`, `point`: y against x; one series per color value, or per y column when y lists
 * several (folded into one value column). Over `maxPoints`, lines and areas are downsampled per
 * series with LTTB, points sampled every k-th row; the subtitle says so.
 */
export function seriesSpec(table: Table, mark: SeriesMark, o: SeriesOptions & Partial<PointOptions>): PlotSpec {
  const cols = new PlotColumns(table, mark);
  const x = cols.pick('x', o.x, X_KINDS[mark]);
  const several = Array.isArray(o.y);
  const ys = (Array.isArray(o.y) ? o.y : [o.y]).map((name, i) =>
    cols.pick(several ? `y[${i}]` : 'y', name, ['quantitative'])
  );
  if (several && o.color)
    throw presentable(
      new GenesisError('validation_failed', `Cannot draw the ${mark}: give color or several y columns, not both`, {
        issues: [{ path: 'color', message: 'each y column already has its own colour' }]
      })
    );
  const color = o.color
    ? cols.pick('color', o.color, mark === 'point' ? ['nominal', 'quantitative', 'temporal'] : ['nominal'])
    : undefined;
  const facet = facetOf(cols, o);
  const size = o.size ? cols.pick('size', o.size, ['quantitative']) : undefined;

  const xs = positionsOf(x);
  const yPos = ys.map(positionsOf);
  const sizes = size ? positionsOf(size) : undefined;
  // Lines connect the rows of one series; points need no grouping.
  const groups = new Map<string, { y: number; rows: number[] }>();
  let nulls = 0;
  // Table.numRows sums its batches on every read: read it once. One group per y column (no color,
  // no facet, or points) needs no key per row: no string per row to build and collect.
  const n = table.numRows;
  const oneGroupPerY = mark === 'point' || (!color && !facet);
  for (let k = 0; k < ys.length; k++) {
    const yk = yPos[k]!;
    let only: { y: number; rows: number[] } | undefined;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(xs[i]!) || !Number.isFinite(yk[i]!) || (sizes && !Number.isFinite(sizes[i]!))) {
        nulls++;
        continue;
      }
      if (oneGroupPerY) {
        if (!only) groups.set(`${k}`, (only = { y: k, rows: [] }));
        only.rows.push(i);
        continue;
      }
      const key = `${k}\u0000${categoryOf(color, i)}\u0000${categoryOf(facet, i)}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { y: k, rows: [] }));
      g.rows.push(i);
    }
  }
  const valid = [...groups.values()].reduce((s, g) => s + g.rows.length, 0);
  const budget = o.maxPoints ?? PLOT_MAX_POINTS_DEFAULT;
  const reduce = valid > budget;
  const shares = shareBudget(
    [...groups.values()].map((g) => g.rows.length),
    budget
  );
  let k = 1;
  const drawn = [...groups.values()].map((g, gi) => {
    if (mark !== 'point' && !sortedBy(g.rows, xs)) g.rows.sort((a, b) => xs[a]! - xs[b]!);
    if (!reduce) return g;
    if (mark === 'point') {
      const s = stride(g.rows, shares[gi]!);
      k = Math.max(k, s.k);
      return { y: g.y, rows: s.rows };
    }
    return { y: g.y, rows: lttb(g.rows, xs, yPos[g.y]!, shares[gi]!) };
  });

  const names = [x, ...ys, color, facet, size].filter((c): c is PlotColumn => c !== undefined).map((c) => c.name);
  const seriesKey = freeKey('column', names);
  const valueKey = several ? freeKey('value', [...names, seriesKey]) : ys[0]!.name;
  const values: Record<string, unknown>[] = [];
  for (const g of drawn) {
    const yc = ys[g.y]!;
    for (const i of g.rows) {
      const row: Record<string, unknown> = { [x.name]: inlineValue(x, xs, i), [valueKey]: yPos[g.y]![i]! };
      if (several) row[seriesKey] = yc.name;
      if (color) row[color.name] = inlineValue(color, undefined, i);
      if (facet) row[facet.name] = inlineValue(facet, undefined, i);
      if (size) row[size.name] = sizes![i]!;
      values.push(row);
    }
  }

  const method: PlotReduction['method'] = !reduce ? 'none' : mark === 'point' ? 'stride' : 'lttb';
  const reduction: PlotReduction = { rows: table.numRows, drawn: values.length, method, nulls };
  const reduced =
    method === 'lttb'
      ? `${count(valid)} points drawn as ${count(values.length)}: downsampled per line (largest-triangle-three-buckets), the table is unchanged`
      : method === 'stride'
        ? `a sample of ${count(values.length)} of ${count(valid)} points (1 row in ${count(k)}) is drawn, the table is unchanged`
        : undefined;
  const note = joined(
    reduced,
    nullNote(
      nulls,
      [x, ...ys, size]
        .filter(Boolean)
        .map((c) => c!.name)
        .join(' or ')
    )
  );

  const t = o.titles ?? {};
  const units = [...new Set(ys.map((c) => c.unit))];
  const yTitle =
    t.y ??
    (several
      ? `${ys.map((c) => c.name).join(', ')}${units.length === 1 && units[0] ? ` (${units[0]})` : ''}`
      : columnTitle(ys[0]!));
  const description = `${yTitle} by ${t.x ?? columnTitle(x)}`;
  if (o.scales?.x && o.scales.x !== 'linear' && x.kind !== 'quantitative')
    throw presentable(
      new GenesisError(
        'validation_failed',
        `Cannot draw the ${mark}: a ${o.scales.x} scale needs a quantitative x, and "${x.name}" is ${x.kind}`,
        { issues: [{ path: 'scales.x', message: `x is ${x.kind}` }] }
      )
    );
  // Lines and points start the y axis at the data, not at zero (the Keeling curve is 315-415 ppm); areas fill from zero.
  // (A log scale has no zero to start from.)
  const yScale =
    o.scales?.y === 'log'
      ? { type: 'log' }
      : { ...(mark === 'area' ? {} : { zero: false }), ...(o.scales?.y ? { type: o.scales.y } : {}) };
  const xScale =
    x.kind !== 'quantitative'
      ? undefined
      : o.scales?.x === 'log'
        ? { type: 'log' }
        : { zero: false, ...(o.scales?.x ? { type: o.scales.x } : {}) };
  const scaled = Object.keys(yScale).length ? { scale: yScale } : {};
  const yChannel = several
    ? { field: fieldRef(valueKey), type: 'quantitative', title: yTitle, ...scaled }
    : channel(ys[0]!, yTitle, scaled);
  const encoding: Record<string, unknown> = {
    x: channel(x, t.x, xScale ? { scale: xScale } : {}),
    y: yChannel
  };
  if (several) encoding.color = { field: fieldRef(seriesKey), type: 'nominal', title: t.color ?? 'column' };
  else if (color) encoding.color = channel(color, t.color);
  if (size) encoding.size = channel(size, undefined);
  if (mark === 'point') {
    encoding.tooltip = [
      tooltip(x, t.x),
      several ? { field: fieldRef(valueKey), type: 'quantitative', title: yTitle } : tooltip(ys[0]!, t.y),
      ...(several ? [{ field: fieldRef(seriesKey), type: 'nominal', title: t.color ?? 'column' }] : []),
      ...[color, size, facet].filter((c): c is PlotColumn => c !== undefined).map((c) => tooltip(c))
    ];
  }
  return frame({
    mark: { type: mark, ...(mark === 'point' ? { filled: true, size: values.length > 1000 ? 8 : 24 } : {}) },
    encoding,
    values,
    temporal: [x, color].filter((c) => c?.kind === 'temporal').map((c) => c!.name),
    ...(facet ? { facet: { column: facet, title: t.facet, columns: o.columns } } : {}),
    title: o.title,
    description,
    width: o.width,
    height: o.height,
    reduction,
    note
  });
}

/** `bar`: y summed per x (and color, facet) value in the kernel; only the sums are inlined. */
export function barSpec(table: Table, o: BarOptions): PlotSpec {
  const cols = new PlotColumns(table, 'bar');
  const x = cols.pick('x', o.x, ['nominal', 'temporal', 'quantitative']);
  const y = cols.pick('y', o.y, ['quantitative']);
  const color = o.color ? cols.pick('color', o.color, ['nominal']) : undefined;
  const facet = facetOf(cols, o);
  const ys = positionsOf(y);
  const sums = new Map<string, { row: number; sum: number; n: number }>();
  let nulls = 0;
  for (let i = 0, n = table.numRows; i < n; i++) {
    if (!Number.isFinite(ys[i]!) || x.vector.get(i) === null) {
      nulls++;
      continue;
    }
    const key = `${categoryOf(x, i)}\u0000${categoryOf(color, i)}\u0000${categoryOf(facet, i)}`;
    const s = sums.get(key);
    if (s) {
      s.sum += ys[i]!;
      s.n++;
    } else sums.set(key, { row: i, sum: ys[i]!, n: 1 });
  }
  const budget = o.maxPoints ?? PLOT_MAX_POINTS_DEFAULT;
  if (sums.size > budget)
    throw presentable(
      new GenesisError(
        'validation_failed',
        `Cannot draw the bar: ${count(sums.size)} bars (distinct ${[x, color, facet]
          .filter(Boolean)
          .map((c) => c!.name)
          .join(' × ')}) are more than ${count(budget)}`,
        {
          issues: [{ path: 'x', message: `${count(sums.size)} distinct values` }],
          hint: `Aggregate the table first, draw a line or histogram instead, or raise maxPoints (at most 1,000,000)`
        }
      )
    );
  const summed = [...sums.values()].some((s) => s.n > 1);
  const values = [...sums.values()].map((s) => ({
    [x.name]: inlineValue(x, undefined, s.row),
    [y.name]: s.sum,
    ...(color ? { [color.name]: inlineValue(color, undefined, s.row) } : {}),
    ...(facet ? { [facet.name]: inlineValue(facet, undefined, s.row) } : {})
  }));
  const reduction: PlotReduction = {
    rows: table.numRows,
    drawn: values.length,
    method: summed ? 'sum' : 'none',
    nulls
  };
  const t = o.titles ?? {};
  const yTitle = t.y ?? (summed ? `sum of ${columnTitle(y)}` : columnTitle(y));
  const note = joined(
    summed ? `${count(table.numRows - nulls)} rows summed into ${count(values.length)} bars` : undefined,
    nullNote(nulls, `${y.name} or ${x.name}`)
  );
  const encoding: Record<string, unknown> = {
    x: x.kind === 'quantitative' ? { ...channel(x, t.x), type: 'ordinal' } : channel(x, t.x),
    y: channel(y, yTitle),
    tooltip: [tooltip(x, t.x), tooltip(y, yTitle), ...[color, facet].filter(Boolean).map((c) => tooltip(c!))]
  };
  if (color) encoding.color = channel(color, t.color);
  return frame({
    mark: { type: 'bar' },
    encoding,
    values,
    temporal: x.kind === 'temporal' ? [x.name] : [],
    ...(facet ? { facet: { column: facet, title: t.facet, columns: o.columns } } : {}),
    title: o.title,
    description: `${yTitle} by ${t.x ?? columnTitle(x)}`,
    width: o.width,
    height: o.height,
    reduction,
    note
  });
}

/**
 * `histogram`: counts of x in bins chosen by Vega's rule, counted in the kernel (per color and
 * facet value), so a million rows inline as a few dozen counts; the subtitle says how many
 * values went into how many bins.
 */
export function histogramSpec(table: Table, o: HistogramOptions, binRule: BinRule): PlotSpec {
  const cols = new PlotColumns(table, 'histogram');
  const x = cols.pick('x', o.x, ['quantitative']);
  const color = o.color ? cols.pick('color', o.color, ['nominal']) : undefined;
  const facet = facetOf(cols, o);
  // One group (no color, no facet): two tight passes over Arrow's own buffers, chunk by chunk,
  // no copy and no per-row object. Otherwise (or for int64, half floats) the positions, once.
  const chunks = !color && !facet ? numberChunks(x) : undefined;
  const xs = chunks ? undefined : positionsOf(x);
  const scanned = chunks ?? [{ values: xs!, offset: 0, length: xs!.length, validity: undefined }];
  const { lo, hi, nulls } = extentOf(scanned);
  if (lo > hi)
    throw presentable(
      new GenesisError(
        'validation_failed',
        `Cannot draw the histogram: x column "${x.name}" has no values (every row is null or NaN)`,
        {
          issues: [{ path: 'x', message: 'no values' }]
        }
      )
    );
  const extent: [number, number] = lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
  const { start, stop, step } = binRule({ extent, maxbins: o.bins ?? HISTOGRAM_BINS_DEFAULT });
  const nbins = Math.max(1, Math.round((stop - start) / step));
  const groups = new Map<string, { row: number; counts: Float64Array }>();
  if (!xs) groups.set('', { row: 0, counts: countBins(scanned, start, step, nbins) });
  else
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i]!;
      if (!Number.isFinite(v)) continue;
      const key = `${categoryOf(color, i)}\u0000${categoryOf(facet, i)}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { row: i, counts: new Float64Array(nbins) }));
      g.counts[Math.min(nbins - 1, Math.floor((v - start) / step))]!++;
    }
  const names = [x, color, facet].filter((c): c is PlotColumn => c !== undefined).map((c) => c.name);
  const startKey = freeKey('bin_start', names);
  const endKey = freeKey('bin_end', [...names, startKey]);
  const countKey = freeKey('count', [...names, startKey, endKey]);
  // Bin edges as multiples of the step, so 0.1 + 0.2 does not print as 0.30000000000000004.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const edge = (b: number): number => Number((start + b * step).toFixed(decimals));
  const values: Record<string, unknown>[] = [];
  for (const g of groups.values())
    g.counts.forEach((n, b) => {
      if (!n) return;
      values.push({
        [startKey]: edge(b),
        [endKey]: edge(b + 1),
        [countKey]: n,
        ...(color ? { [color.name]: inlineValue(color, undefined, g.row) } : {}),
        ...(facet ? { [facet.name]: inlineValue(facet, undefined, g.row) } : {})
      });
    });
  const counted = table.numRows - nulls;
  const reduction: PlotReduction = { rows: table.numRows, drawn: values.length, method: 'bins', nulls };
  const note = joined(
    `${count(counted)} ${counted === 1 ? 'value' : 'values'} in ${count(nbins)} bins of ${Number(step.toPrecision(6))}${x.unit ? ` ${x.unit}` : ''}`,
    nulls ? `${count(nulls)} null or NaN not counted` : undefined
  );
  const t = o.titles ?? {};
  const xTitle = t.x ?? columnTitle(x);
  const encoding: Record<string, unknown> = {
    x: { field: fieldRef(startKey), type: 'quantitative', bin: { binned: true, step }, title: xTitle },
    x2: { field: fieldRef(endKey) },
    y: { field: fieldRef(countKey), type: 'quantitative', title: t.y ?? 'rows' },
    tooltip: [
      { field: fieldRef(startKey), type: 'quantitative', title: `${xTitle} from` },
      { field: fieldRef(endKey), type: 'quantitative', title: 'to' },
      { field: fieldRef(countKey), type: 'quantitative', title: t.y ?? 'rows' },
      ...[color, facet].filter(Boolean).map((c) => tooltip(c!))
    ]
  };
  if (color) encoding.color = channel(color, t.color);
  return frame({
    mark: { type: 'bar' },
    encoding,
    values,
    temporal: [],
    ...(facet ? { facet: { column: facet, title: t.facet, columns: o.columns } } : {}),
    title: o.title,
    description: `distribution of ${xTitle}`,
    width: o.width,
    height: o.height,
    reduction,
    note
  });
}
