import * as path from 'node:path';
import { DatasetUse, DatasetVersion } from '@genesis-lab/contract';
import {
  KERNELS,
  REPO_ROOT,
  dataOf,
  htmlOf,
  lineageOf,
  outputsOf,
  printedBy,
  requireKernelSetup,
  runNotebook,
  seedExamples,
  sourceOf,
  text,
  type Notebook,
  type NotebookCell
} from './support/kernel';
import { authedFetch, type PlatformProcess, startPlatformProcess, tempHome } from '@genesis-lab/test-support';

/**
 * The helpers' notebook outputs in both real kernels (tslab, Deno's) against a real platform seeded
 * with `genesis seed examples`: the live pull progress updated in place, the display switches, and
 * one lineage output per pull. The tutorials have their own test (tutorials.test.ts).
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

const src = sourceOf;
const stdout = printedBy;

describe.each(KERNELS)('live progress and display switches in a real %s kernel', (kernel) => {
  let nb: Notebook;
  beforeAll(async () => {
    nb = await runNotebook(
      path.join(REPO_ROOT, 'kernel-helpers/test/notebooks/progress-and-display.ipynb'),
      env,
      240_000,
      kernel
    );
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

  it('shows search highlights as the text reads: an apostrophe, not &#39;', () => {
    const search = nb.cells.find((c) => src(c).includes("vega-datasets' scripts"))!;
    const html = htmlOf(search).find((h) => h.includes('genesis-search'))!;
    expect(html).toContain('<mark>');
    // What a browser shows: tags gone, entities decoded once.
    const shown = html
      .replace(/<[^>]+>/g, '')
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    expect(shown).toContain("vega-datasets' scripts");
    expect(shown).not.toContain('&#39;');
  });

  it('says a limited pull is "first 100,000 of N rows": table HTML, text form and lineage record', async () => {
    const version = DatasetVersion.parse(
      await (await authedFetch(p, '/api/datasets/bts/flights-3m/versions/latest')).json()
    );
    const total = version.rowCount.toLocaleString('en-US');
    const cell = nb.cells.find((c) => src(c).includes('limit: 100000'))!;
    expect(stdout(cell)).toContain('limited: 100000 rows');
    const table = htmlOf(cell).find((h) => h.includes('genesis-table'))!;
    expect(table).toContain(`first 100,000 of ${total} rows × 1 column`);
    const plain = outputsOf(cell)
      .map((o) => text((dataOf(o)['text/plain'] as string) ?? ''))
      .join('\n');
    expect(plain).toContain(`first 100,000 of ${total} rows × 1 column`);
    const use = DatasetUse.parse(lineageOf(cell)[0]);
    expect(use).toMatchObject({ rowCount: 100000, totalRows: version.rowCount, limit: 100000 });
    expect(plain).toContain(`first 100,000 of ${total} rows`);
  });
});
