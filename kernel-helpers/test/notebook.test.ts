import * as path from 'node:path';
import { DatasetUse, DatasetVersion, LINEAGE_MIME_TYPE } from '@genesis-lab/contract';
import { authedFetch, startPlatformProcess, tempHome, type PlatformProcess } from '../../platform/test/support/process';
import {
  REPO_ROOT,
  dataOf,
  outputsOf,
  requireKernelSetup,
  runNotebook,
  seedExamples,
  text,
  type Notebook,
  type NotebookCell
} from './support/kernel';

/**
 * The tutorial notebook, executed headless by a real tslab kernel against a real platform
 * seeded with `genesis seed examples`: every cell runs, the values are the real ones, and every
 * pull left one valid lineage output.
 */

let p: PlatformProcess;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  requireKernelSetup();
  const home = tempHome('genesis-nb-home-');
  seedExamples(home);
  p = await startPlatformProcess({ home });
  // The kernel finds the platform through its discovery file, as on a user's machine.
  env = { GENESIS_HOME: home, GENESIS_URL: '', GENESIS_TOKEN: '', GENESIS_RUNTIME_DIR: '' };
}, 300_000);

afterAll(async () => {
  await p?.stop();
});

const src = (c: NotebookCell) => text(c.source);
const stdout = (c: NotebookCell) =>
  outputsOf(c)
    .map((o) => (o.output_type === 'stream' && o.name === 'stdout' ? text(o.text) : ''))
    .join('');
const lineageOf = (c: NotebookCell) =>
  outputsOf(c)
    .filter((o) => dataOf(o)[LINEAGE_MIME_TYPE] !== undefined)
    .map((o) => dataOf(o)[LINEAGE_MIME_TYPE]);
const htmlOf = (c: NotebookCell) =>
  outputsOf(c)
    .filter((o) => dataOf(o)['text/html'] !== undefined)
    .map((o) => text(dataOf(o)['text/html'] as string));

describe('examples/01-catalog-and-data.ipynb in a real tslab kernel', () => {
  let nb: Notebook;
  let latest: DatasetVersion;
  beforeAll(async () => {
    nb = await runNotebook(path.join(REPO_ROOT, 'examples/01-catalog-and-data.ipynb'), env);
    latest = DatasetVersion.parse(
      await (await authedFetch(p, '/api/datasets/noaa/mauna-loa-co2/versions/latest')).json()
    );
  }, 300_000);

  const code = () => nb.cells.filter((c) => c.cell_type === 'code');
  const cellWith = (needle: string) => {
    const c = code().find((x) => src(x).includes(needle));
    if (!c) throw new Error(`no cell contains ${needle}`);
    return c;
  };

  it('runs every code cell', () => {
    for (const c of code()) expect(c.execution_count).toEqual(expect.any(Number));
  });

  it('pulls the filtered CO2 table with the real April 2020 monthly mean (416.18 ppm)', () => {
    expect(stdout(cellWith('April 2020 monthly mean'))).toMatch(/April 2020 monthly mean: 416\.18 ppm/);
    expect(stdout(cellWith('{ date: "2020-04-01" }'))).toContain('2020-04-01: 416.18 ppm');
  });

  it('shows the table as compact HTML with schema, units, row count and the exact version', () => {
    const [html] = htmlOf(cellWith('filter: { op: ">", args: [{ property: "co2" }, 400] }'));
    expect(html).toContain(`noaa/mauna-loa-co2@${latest.version}`);
    expect(html).toContain(latest.sha256.slice(0, 12));
    expect(html).toContain('[ppm]');
    expect(html).toMatch(/\d+ rows × 2 columns/);
    expect(html).toContain('co2 &gt; 400');
  });

  it('leaves exactly one valid lineage output per pull, naming the resolved version', () => {
    const pull = cellWith('filter: { op: ">", args: [{ property: "co2" }, 400] }');
    const [one, ...more] = lineageOf(pull);
    expect(more).toHaveLength(0);
    const use = DatasetUse.parse(one);
    expect(use).toMatchObject({
      kind: 'dataset',
      ref: 'noaa/mauna-loa-co2',
      id: 'noaa/mauna-loa-co2',
      version: latest.version,
      sha256: latest.sha256,
      columns: ['date', 'co2'],
      filter: { op: '>', args: [{ property: 'co2' }, 400] },
      mode: 'table'
    });
    const months = Number(/(\d+) months above 400 ppm/.exec(stdout(cellWith('April 2020 monthly mean')))![1]);
    expect(use.rowCount).toBe(months);

    const streamed = DatasetUse.parse(lineageOf(cellWith('.batches('))[0]);
    expect(streamed).toMatchObject({ mode: 'batches', rowCount: latest.rowCount, columns: ['co2'] });
    // Cells without a pull leave none; the failing pull (unknown column) leaves none.
    expect(lineageOf(cellWith('genesis.search('))).toHaveLength(0);
    expect(lineageOf(cellWith('"c02"'))).toHaveLength(0);
  });

  it('brings the platform error message into the notebook unchanged', async () => {
    const r = await authedFetch(p, '/api/datasets/noaa/mauna-loa-co2/versions/latest/arrow?columns=date,c02');
    const body = (await r.json()) as { error: { message: string } };
    expect(stdout(cellWith('"c02"')).trim()).toBe(body.error.message);
  });
});

describe('live progress and display switches in a real tslab kernel', () => {
  let nb: Notebook;
  beforeAll(async () => {
    nb = await runNotebook(path.join(REPO_ROOT, 'kernel-helpers/test/notebooks/progress-and-display.ipynb'), env);
  }, 300_000);

  const progressOutputs = (c: NotebookCell) => htmlOf(c).filter((h) => h.includes('genesis-progress'));

  it('shows one progress output for a pull over a second, updated in place to a summary', () => {
    const slow = nb.cells.find((c) => src(c).includes('slowPull'))!;
    expect(stdout(slow)).toContain('slow pull: 600000 rows');
    const progress = progressOutputs(slow);
    expect(progress).toHaveLength(1);
    expect(progress[0]).toMatch(/✓ bts\/flights-3m@[^:]+: 600,000 of 600,000 rows/);
  });

  it('shows none for a quick pull, and no table HTML when display is off', () => {
    const quick = nb.cells.find((c) => src(c).includes('quick pull'))!;
    expect(progressOutputs(quick)).toHaveLength(0);
    const off = nb.cells.find((c) => src(c).includes('nist/isotopes'))!;
    expect(stdout(off)).toMatch(/isotopes: 3 rows/);
    expect(htmlOf(off)).toHaveLength(0);
    expect(lineageOf(off)).toHaveLength(1);
  });
});
