import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DateDay,
  Field,
  Float64,
  RecordBatch,
  Schema,
  Table,
  tableFromArrays,
  vectorFromArray,
  type DataType
} from 'apache-arrow';
import {
  ARROW_META,
  GenesisError,
  PlotReduction,
  VEGALITE_MIME_TYPE,
  VEGALITE_SCHEMA_URL
} from '@genesis-lab/contract';
import { genesis, type Chart } from '@genesis-lab/kernel';
import { lttb } from '../src/plot/downsample';

/**
 * The plot helper in plain Node (no notebook: nothing is displayed, the Chart is returned):
 * Vega-Lite specs with the data inlined from Arrow tables, units in titles, reductions said in
 * the subtitle, the SVG rendered by the real vega + vega-lite, and errors naming the column.
 */

const REPO = path.resolve(__dirname, '../..');

function withUnits(t: Table, units: Record<string, string>): Table {
  const fields = t.schema.fields.map((f) =>
    units[f.name] ? new Field(f.name, f.type as DataType, f.nullable, new Map([[ARROW_META.unit, units[f.name]!]])) : f
  );
  const schema = new Schema(fields, t.schema.metadata);
  return new Table(
    schema,
    t.batches.map((b) => new RecordBatch(schema, b.data))
  );
}

/** The Mauna Loa record from the source's own file as vega-datasets ships it (what `genesis seed examples` ingests). */
function keeling(): Table {
  const lines = fs.readFileSync(path.join(REPO, 'node_modules/vega-datasets/data/co2-concentration.csv'), 'utf8');
  const rows = lines
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const table = new Table({
    date: vectorFromArray(
      rows.map((r) => new Date(`${r[0]}T00:00:00Z`)),
      new DateDay()
    ),
    co2: vectorFromArray(
      rows.map((r) => Number(r[1])),
      new Float64()
    ),
    co2_adjusted: vectorFromArray(
      rows.map((r) => Number(r[2])),
      new Float64()
    )
  });
  return withUnits(table, { co2: 'ppm', co2_adjusted: 'ppm' });
}

const values = (c: Chart) => (c.spec.data as { values: Record<string, unknown>[] }).values;
const enc = (c: Chart) => c.spec.encoding as Record<string, Record<string, unknown>>;
const usermeta = (c: Chart) => PlotReduction.parse((c.spec.usermeta as { genesis: unknown }).genesis);

async function plotError(p: Promise<unknown>): Promise<GenesisError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e
  );
  expect(err).toBeInstanceOf(GenesisError);
  return err as GenesisError;
}

// Vega-Lite warns (console.warn) about specs it has to correct: the helper's own specs never need it.
let warnings: unknown[][] = [];
beforeEach(() => {
  warnings = [];
  jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args));
});
afterEach(() => {
  jest.restoreAllMocks();
  expect(warnings).toEqual([]);
});

describe('genesis.plot(table).line', () => {
  let chart: Chart;
  beforeAll(async () => {
    chart = await genesis.plot(keeling()).line({ x: 'date', y: 'co2' });
  });

  it('is a Vega-Lite 5 spec with every row inlined, dates as UTC dates', () => {
    expect(chart.spec.$schema).toBe(VEGALITE_SCHEMA_URL);
    expect(chart.spec.mark).toEqual({ type: 'line' });
    expect(values(chart)).toHaveLength(741);
    expect(values(chart)).toContainEqual({ date: '2020-04-01', co2: 416.18 });
    expect(values(chart)[0]).toEqual({ date: '1958-03-01', co2: 315.7 });
    expect(chart.spec.data).toMatchObject({ format: { parse: { date: 'date' } } });
    expect(enc(chart).x).toEqual({ field: 'date', type: 'temporal', title: 'date', scale: { type: 'utc' } });
    expect(usermeta(chart)).toEqual({ rows: 741, drawn: 741, method: 'none', nulls: 0 });
    expect(chart.note).toBeUndefined();
  });

  it('titles the axes with the units from the field metadata', () => {
    expect(enc(chart).y).toMatchObject({
      field: 'co2',
      type: 'quantitative',
      title: 'co2 (ppm)',
      scale: { zero: false }
    });
    expect(chart.spec.title).toBe('co2 (ppm) by date');
  });

  it('renders a real SVG with the line and its titles, and bundles both representations', () => {
    expect(chart.svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(chart.svg).toContain('co2 (ppm)');
    expect(chart.svg).toContain('co2 (ppm) by date');
    expect(chart.svg).toMatch(/<path [^>]*d="M[\d.,-]+L/); // the line itself
    expect(chart.svg).toContain('2020'); // a year on the time axis
    const bundle = chart.bundle();
    expect(Object.keys(bundle).sort()).toEqual([VEGALITE_MIME_TYPE, 'image/svg+xml', 'text/plain'].sort());
    expect(bundle[VEGALITE_MIME_TYPE]).toBe(chart.spec);
    expect(bundle['text/plain']).toBe('Chart: co2 (ppm) by date');
    expect(JSON.parse(JSON.stringify(bundle[VEGALITE_MIME_TYPE]))).toEqual(chart.spec); // plain JSON
  });

  it('draws several y columns as one series each, with the shared unit', async () => {
    const c = await genesis.plot(keeling()).line({ x: 'date', y: ['co2', 'co2_adjusted'] });
    expect(values(c)).toHaveLength(741 * 2);
    expect(values(c)).toContainEqual({ date: '2020-04-01', value: 413.35, column: 'co2_adjusted' });
    expect(enc(c).y).toMatchObject({ field: 'value', title: 'co2, co2_adjusted (ppm)' });
    expect(enc(c).color).toEqual({ field: 'column', type: 'nominal', title: 'column' });
  });

  it('downsamples a large table per series with a visible note, keeping the extremes', async () => {
    const n = 200_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = i;
      y[i] = Math.sin(i / 5000) + (i === 123_457 ? 10 : 0);
    }
    const c = await genesis.plot(tableFromArrays({ x, y })).line({ x: 'x', y: 'y' });
    expect(usermeta(c)).toEqual({ rows: n, drawn: 5000, method: 'lttb', nulls: 0 });
    expect(c.note).toBe(
      '200,000 points drawn as 5,000: downsampled per line (largest-triangle-three-buckets), the table is unchanged'
    );
    expect(c.spec.title).toEqual({ text: 'y by x', subtitle: c.note });
    expect(c.svg).toContain('200,000 points drawn as 5,000');
    const ys = values(c).map((r) => r.y as number);
    expect(Math.max(...ys)).toBe(y[123_457]); // the spike survives
    expect(values(c)[0]).toEqual({ x: 0, y: 0 });
    expect(values(c).at(-1)).toEqual({ x: n - 1, y: y[n - 1] });
    expect(String(c)).toContain('downsampled');
  });

  it('says how many points were not drawn because they are null or NaN', async () => {
    const c = await genesis.plot(tableFromArrays({ x: [1, 2, 3, 4], y: [1, null, NaN, 4] })).line({ x: 'x', y: 'y' });
    expect(values(c)).toEqual([
      { x: 1, y: 1 },
      { x: 4, y: 4 }
    ]);
    expect(usermeta(c).nulls).toBe(2);
    expect(c.note).toBe('2 points with a null or NaN x or y not drawn');
  });

  it('escapes field names Vega-Lite would read as nested paths', async () => {
    const c = await genesis.plot(tableFromArrays({ 't.s': [1, 2], 'a[0]': [3, 4] })).line({ x: 't.s', y: 'a[0]' });
    expect(enc(c).x!.field).toBe('t\\.s');
    expect(enc(c).y!.field).toBe('a\\[0\\]');
    expect(values(c)[0]).toEqual({ 't.s': 1, 'a[0]': 3 });
    expect(c.svg).toMatch(/<path [^>]*d="M/);
  });
});

describe('the other marks', () => {
  it('point: samples every k-th row over maxPoints and says so', async () => {
    const n = 1000;
    const t = tableFromArrays({
      a: Float64Array.from({ length: n }, (_, i) => i),
      b: Float64Array.from({ length: n }, (_, i) => i % 7)
    });
    const c = await genesis.plot(t).point({ x: 'a', y: 'b', maxPoints: 100 });
    expect(usermeta(c)).toEqual({ rows: n, drawn: 100, method: 'stride', nulls: 0 });
    expect(c.note).toBe('a sample of 100 of 1,000 points (1 row in 10) is drawn, the table is unchanged');
    expect(values(c).slice(0, 2)).toEqual([
      { a: 0, b: 0 },
      { a: 10, b: 3 }
    ]);
    expect(c.svg).toContain('1 row in 10');
    expect(enc(c).tooltip).toHaveLength(2);
  });

  it('log scales for values spanning decades', async () => {
    const t = tableFromArrays({ n: [10, 100, 1000], err: [0.1, 0.01, 0.001] });
    const c = await genesis.plot(t).line({ x: 'n', y: 'err', scales: { x: 'log', y: 'log' } });
    expect(enc(c).x!.scale).toEqual({ type: 'log' });
    expect(enc(c).y!.scale).toEqual({ type: 'log' });
    expect(c.svg).toMatch(/aria-label="X-axis titled 'n' for a log scale/);
    const err = await plotError(genesis.plot(keeling()).line({ x: 'date', y: 'co2', scales: { x: 'log' } }));
    expect(err.message).toBe('Cannot draw the line: a log scale needs a quantitative x, and "date" is temporal');
  });

  it('area: filled from zero', async () => {
    const c = await genesis.plot(keeling()).area({ x: 'date', y: 'co2' });
    expect(c.spec.mark).toEqual({ type: 'area' });
    expect(enc(c).y!.scale).toBeUndefined();
    expect(c.svg).toMatch(/<path [^>]*d="M/);
  });

  it('bar: sums y per x value in the kernel and says so', async () => {
    const t = tableFromArrays({ source: ['coal', 'wind', 'coal', 'gas'], mwh: [1, 2, 3, 4] });
    const c = await genesis.plot(t).bar({ x: 'source', y: 'mwh' });
    expect(values(c)).toEqual([
      { source: 'coal', mwh: 4 },
      { source: 'wind', mwh: 2 },
      { source: 'gas', mwh: 4 }
    ]);
    expect(c.note).toBe('4 rows summed into 3 bars');
    expect(enc(c).y!.title).toBe('sum of mwh');
    // Vega labels each drawn bar with its values.
    expect(c.svg.match(/aria-roledescription="bar"/g)).toHaveLength(3);
    expect(c.svg).toContain('aria-label="source: coal; sum of mwh: 4"');
  });

  it('histogram: a million values counted into nice bins in the kernel, only the counts inlined', async () => {
    const n = 1_000_000;
    const delay = new Float64Array(n);
    for (let i = 0; i < n; i++) delay[i] = (i % 1000) - 100; // -100 .. 899
    const t = withUnits(tableFromArrays({ delay }), { delay: 'min' });
    const c = await genesis.plot(t).histogram({ x: 'delay', bins: 20 });
    const rows = values(c);
    expect(rows.reduce((s, r) => s + (r.count as number), 0)).toBe(n);
    expect(rows[0]).toEqual({ bin_start: -100, bin_end: -50, count: 50_000 });
    expect(rows).toHaveLength(20);
    expect(c.note).toBe('1,000,000 values in 20 bins of 50 min');
    expect(usermeta(c)).toEqual({ rows: n, drawn: 20, method: 'bins', nulls: 0 });
    expect(enc(c).x).toMatchObject({ field: 'bin_start', bin: { binned: true, step: 50 }, title: 'delay (min)' });
    expect(enc(c).x2).toEqual({ field: 'bin_end' });
    expect(JSON.stringify(c.spec).length).toBeLessThan(5000);
    expect(c.svg).toContain('1,000,000 values in 20 bins of 50 min');
    expect(c.svg.match(/aria-roledescription="bar"/g)).toHaveLength(20);
  });

  it('histogram: counts read in place from chunked, sliced columns with nulls, NaN and infinities, as a row-by-row count', async () => {
    // Several record batches, then a slice: chunks whose validity bits start at an offset.
    const raw: (number | null)[] = Array.from({ length: 30_011 }, (_, i) =>
      i % 97 === 0 ? null : i % 89 === 0 ? NaN : i % 83 === 0 ? Infinity : ((i * 7919) % 1000) / 10
    );
    const parts = [0, 7_001, 19_003, 30_011].map((end, k, a) => (k ? raw.slice(a[k - 1], end) : []));
    const schema = new Schema([new Field('v', new Float64(), true)]);
    const batches = parts
      .slice(1)
      .map((p) => new RecordBatch(schema, new Table({ v: vectorFromArray(p, new Float64()) }).batches[0]!.data));
    const whole = new Table(schema, batches);
    for (const [t, rows] of [
      [whole, raw],
      [whole.slice(13, 29_000), raw.slice(13, 29_000)],
      [tableFromArrays({ v: Int32Array.from({ length: 5000 }, (_, i) => (i * 31) % 700) }), null]
    ] as const) {
      const expected = rows ?? [...(t.getChild('v') as Iterable<number>)];
      const c = await genesis.plot(t).histogram({ x: 'v', bins: 25 });
      const bins = values(c) as { bin_start: number; bin_end: number; count: number }[];
      const last = bins.at(-1)!.bin_end;
      const finite = expected.filter((v): v is number => v !== null && Number.isFinite(v));
      for (const b of bins)
        expect(b.count).toBe(
          finite.filter((v) => v >= b.bin_start && (v < b.bin_end || (b.bin_end === last && v === last))).length
        );
      expect(bins.reduce((n, b) => n + b.count, 0)).toBe(finite.length);
      expect(usermeta(c).nulls).toBe(expected.length - finite.length);
    }
  });

  it('histogram: counts per color value, nulls left out and said', async () => {
    const t = tableFromArrays({ v: [0.1, 0.2, 0.25, null, 0.9], g: ['a', 'a', 'b', 'b', 'b'] });
    const c = await genesis.plot(t).histogram({ x: 'v', color: 'g', bins: 10 });
    expect(values(c).reduce((s, r) => s + (r.count as number), 0)).toBe(4);
    expect(
      values(c)
        .filter((r) => r.g === 'b')
        .map((r) => r.count)
    ).toEqual([1, 1]);
    expect(values(c)[0]).toEqual({ bin_start: 0.1, bin_end: 0.2, count: 1, g: 'a' });
    expect(c.note).toBe('4 values in 8 bins of 0.1; 1 null or NaN not counted');
  });

  it('facets: one small chart per value, wrapped in columns', async () => {
    const t = tableFromArrays({ x: [1, 2, 1, 2], y: [1, 2, 3, 4], site: ['MLO', 'MLO', 'SPO', 'SPO'] });
    const c = await genesis.plot(t).line({ x: 'x', y: 'y', facet: 'site', columns: 2 });
    expect(enc(c).facet).toEqual({ field: 'site', type: 'nominal', title: 'site', columns: 2 });
    expect(values(c)).toContainEqual({ x: 2, y: 4, site: 'SPO' });
    expect(c.spec.width).toBe(220);
    expect(c.svg).toContain('MLO');
    expect(c.svg).toContain('SPO');
  });
});

describe('bad input names the column and the kinds that fit', () => {
  const t = () => tableFromArrays({ site: ['MLO'], co2: [400], n: [1] });

  it('an unknown column', async () => {
    const err = await plotError(genesis.plot(t()).line({ x: 'co2', y: 'c02' }));
    expect(err.code).toBe('unknown_column');
    expect(err.message).toBe(
      'Cannot draw the line: no column "c02" for y; y of a line takes a column that is quantitative: co2, n'
    );
    expect(err.issues).toEqual([{ path: 'y', message: expect.stringContaining('"c02"') }]);
    expect(err.hint).toBe("The table's columns: site (nominal), co2 (quantitative), n (quantitative)");
  });

  it('a column of the wrong kind for the mark', async () => {
    const err = await plotError(genesis.plot(t()).histogram({ x: 'site' }));
    expect(err.message).toBe(
      'Cannot draw the histogram: x column "site" is nominal (string); x of a histogram takes a column that is quantitative: co2, n'
    );
    const line = await plotError(genesis.plot(t()).line({ x: 'site', y: 'co2' }));
    expect(line.message).toContain('x of a line takes a column that is temporal or quantitative: co2, n');
  });

  it('an empty table', async () => {
    const empty = t().slice(0, 0);
    const err = await plotError(genesis.plot(empty).line({ x: 'n', y: 'co2' }));
    expect(err.message).toBe(
      'Cannot draw the line: the table has no rows, so there is nothing to plot (columns: site (nominal), co2 (quantitative), n (quantitative))'
    );
  });

  it('a histogram of only nulls', async () => {
    const err = await plotError(genesis.plot(tableFromArrays({ v: [null, NaN] })).histogram({ x: 'v' }));
    expect(err.message).toContain('x column "v" has no values');
  });

  it('malformed options, named by path', async () => {
    const err = await plotError(genesis.plot(t()).line({ x: 'n', y: 'co2', maxPoints: 5 }));
    expect(err.message).toMatch(/^Invalid options at options\.maxPoints: /);
    const missing = await plotError(genesis.plot(t()).line({ x: 'n' } as never));
    expect(missing.message).toBe(
      'Invalid options at options.y: required (a column name, or a list of them) but missing'
    );
    const extra = await plotError(genesis.plot(t()).bar({ x: 'site', y: 'co2', colour: 'n' } as never));
    expect(extra.message).toContain('colour');
    const both = await plotError(genesis.plot(t()).line({ x: 'n', y: ['co2', 'n'], color: 'site' }));
    expect(both.message).toBe('Cannot draw the line: give color or several y columns, not both');
  });

  it('something that is not an Arrow table', () => {
    expect(() => genesis.plot([{ a: 1 }] as unknown as Table)).toThrow(/takes an Apache Arrow Table/);
  });

  it('too many bars', async () => {
    const many = tableFromArrays({ k: Array.from({ length: 300 }, (_, i) => `k${i}`), v: new Float64Array(300) });
    const err = await plotError(genesis.plot(many).bar({ x: 'k', y: 'v', maxPoints: 100 }));
    expect(err.message).toBe('Cannot draw the bar: 300 bars (distinct k) are more than 100');
  });
});

describe('genesis.vegaLite(spec, table)', () => {
  it('inlines the table as the spec’s data, dates parsed as dates', async () => {
    const c = await genesis.vegaLite(
      {
        mark: 'point',
        encoding: { x: { field: 'date', type: 'temporal' }, y: { field: 'co2', type: 'quantitative' } }
      },
      keeling()
    );
    expect(c.spec.$schema).toBe(VEGALITE_SCHEMA_URL);
    expect(values(c)).toContainEqual({ date: '2020-04-01', co2: 416.18, co2_adjusted: 413.35 });
    expect(c.spec.data).toMatchObject({ format: { parse: { date: 'date' } } });
    expect(c.svg).toMatch(/<path [^>]*aria-roledescription="point"/);
  });

  it('samples a large table with a note in the subtitle', async () => {
    const t = tableFromArrays({ v: Float64Array.from({ length: 12_000 }, (_, i) => i) });
    const c = await genesis.vegaLite(
      { title: 'all of v', mark: 'tick', encoding: { x: { field: 'v', type: 'quantitative' } } },
      t
    );
    expect(values(c)).toHaveLength(4000);
    expect(c.spec.title).toEqual({
      text: 'all of v',
      subtitle: 'a sample of 4,000 of 12,000 rows (1 row in 3) is drawn, the table is unchanged'
    });
  });

  it('refuses another Vega-Lite major, data given twice, and an invalid spec', async () => {
    const t = tableFromArrays({ v: [1] });
    const v4 = await plotError(
      genesis.vegaLite({ $schema: 'https://vega.github.io/schema/vega-lite/v4.json', mark: 'point' }, t)
    );
    expect(v4.message).toContain('is not Vega-Lite 5');
    const twice = await plotError(genesis.vegaLite({ mark: 'point', data: { values: [] } }, t));
    expect(twice.message).toContain('either in the spec or as the table');
    const bad = await plotError(genesis.vegaLite({ mark: 'nonsense' }, t));
    expect(bad.message).toMatch(/^Invalid Vega-Lite spec: /);
  });
});

describe('theme', () => {
  it("colours titles, axes and legends with JupyterLab's theme variables, drawn as SVG in the lab", async () => {
    const c = await genesis.plot(keeling()).line({ x: 'date', y: ['co2', 'co2_adjusted'] });
    const config = c.spec.config as Record<string, Record<string, string>>;
    expect(config.axis).toMatchObject({
      labelColor: 'var(--jp-content-font-color1, #212121)',
      titleColor: 'var(--jp-content-font-color1, #212121)',
      domainColor: 'var(--jp-content-font-color2, #757575)'
    });
    expect(config.legend!.labelColor).toBe('var(--jp-content-font-color1, #212121)');
    expect(config.title!.color).toBe('var(--jp-content-font-color1, #212121)');
    expect((c.spec.config as Record<string, unknown>).background).toBe('var(--jp-layout-color0, white)');
    // A canvas cannot resolve CSS variables: vega-embed reads the renderer from usermeta.
    expect((c.spec.usermeta as { embedOptions: unknown }).embedOptions).toEqual({ renderer: 'svg' });
  });

  it('renders the static SVG with the light fallbacks, no CSS variable left in it', async () => {
    const c = await genesis.plot(keeling()).line({ x: 'date', y: 'co2' });
    expect(c.svg).not.toContain('var(');
    expect(c.svg).toContain('fill="#212121"'); // axis labels and titles
    expect(c.svg).toMatch(/background-color: white|fill="white"/);
    expect((c.spec.config as Record<string, string>).background).toContain('var('); // the spec keeps them
  });

  it("keeps a full spec's own config, section by section, and its own embed options", async () => {
    const c = await genesis.vegaLite(
      {
        mark: 'point',
        encoding: { x: { field: 'co2', type: 'quantitative' }, y: { field: 'co2', type: 'quantitative' } },
        config: { axis: { labelColor: 'red' }, background: '#fafafa' },
        usermeta: { embedOptions: { renderer: 'canvas', actions: false } }
      },
      keeling()
    );
    const config = c.spec.config as Record<string, Record<string, string>>;
    expect(config.axis!.labelColor).toBe('red');
    expect(config.axis!.titleColor).toBe('var(--jp-content-font-color1, #212121)');
    expect((c.spec.config as Record<string, unknown>).background).toBe('#fafafa');
    expect((c.spec.usermeta as { embedOptions: unknown }).embedOptions).toEqual({ renderer: 'canvas', actions: false });
    expect(c.svg).toContain('fill="red"');
  });
});

describe('LTTB', () => {
  it('keeps the ends and the largest triangle in each bucket', () => {
    const xs = Float64Array.from({ length: 10 }, (_, i) => i);
    const ys = Float64Array.from([0, 0, 5, 0, 0, 0, -5, 0, 0, 0]);
    const rows = Array.from({ length: 10 }, (_, i) => i);
    expect(lttb(rows, xs, ys, 4)).toEqual([0, 2, 6, 9]);
    expect(lttb(rows, xs, ys, 20)).toEqual(rows);
  });
});
