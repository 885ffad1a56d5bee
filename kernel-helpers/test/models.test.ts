import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelUse } from '@genesis-lab/contract';
import {
  REPO_ROOT,
  dataOf,
  lineageOf,
  outputsOf,
  printedBy,
  requireKernelSetup,
  runNotebook,
  sourceOf,
  type Notebook
} from './support/kernel';
import {
  runCliOk,
  startPlatformProcess,
  tempHome,
  type PlatformProcess,
  exampleIngestArgs
} from '@genesis-lab/test-support';

/**
 * genesis.model(ref) from cells of a real tslab kernel against a real platform holding the
 * example dataset and the example model (onnxruntime-node behind it): signature, versions, the
 * card shown as markdown, predict with its lineage output, a refused input, a large streamed predict.
 */
const EXAMPLE = path.join(REPO_ROOT, 'platform/seed/models/co2-trend');
let p: PlatformProcess;
let nb: Notebook;

beforeAll(async () => {
  requireKernelSetup();
  const home = tempHome('genesis-models-nb-');
  runCliOk(exampleIngestArgs(home, 'noaa-mauna-loa-co2'));
  runCliOk([
    'models',
    'register',
    EXAMPLE,
    '--id',
    'climate/co2-trend',
    '--card',
    path.join(EXAMPLE, 'card.json'),
    '--home',
    home
  ]);
  p = await startPlatformProcess({ home });
  const env = { GENESIS_HOME: home, GENESIS_URL: '', GENESIS_TOKEN: '', GENESIS_RUNTIME_DIR: '' };
  nb = await runNotebook(path.join(REPO_ROOT, 'kernel-helpers/test/notebooks/models.ipynb'), env, 240_000, 'tslab');
}, 300_000);

afterAll(async () => {
  await p?.stop();
});

const cell = (needle: string) => nb.cells.find((c) => sourceOf(c).includes(needle))!;

describe('genesis.model in a real tslab kernel', () => {
  it('reads the signature with units and the versions', () => {
    const c = cell('co2.signature()');
    expect(printedBy(c)).toContain('inputs: decimal_year [a], month [-]');
    expect(printedBy(c)).toContain('versions: 1.0.0');
  });

  it('shows the card as markdown', () => {
    const c = cell('co2.card()');
    const md = outputsOf(c)
      .map((o) => dataOf(o)['text/markdown'])
      .find((x) => typeof x === 'string') as string;
    expect(md).toContain('# Keeling curve trend and seasonal cycle');
    expect(md).toContain('### Out-of-scope use');
    expect(printedBy(c)).toContain('out of scope: 4');
  });

  it('predicts, and leaves a lineage output naming the version and weights digest', () => {
    const c = cell('co2.predict(months)');
    const values = /co2: ([\d.]+), ([\d.]+)/.exec(printedBy(c))!;
    expect(Math.abs(Number(values[1]) - 399.98)).toBeLessThan(5);
    expect(Number(values[2])).toBeGreaterThan(Number(values[1]));
    const uses = lineageOf(c).map((u) => ModelUse.parse(u));
    expect(uses).toHaveLength(1);
    expect(uses[0]).toMatchObject({
      kind: 'model',
      id: 'climate/co2-trend',
      version: '1.0.0',
      runtime: 'onnx',
      rowCount: 2
    });
    expect(uses[0]!.sha256).toBe(
      createHash('sha256')
        .update(fs.readFileSync(path.join(EXAMPLE, 'model.onnx')))
        .digest('hex')
    );
  });

  it('refuses a mismatched input naming the column and what the signature expects', () => {
    expect(printedBy(cell('{ year: Float64Array'))).toMatch(
      /refused: .*missing input column "decimal_year" \(expected float64 in a\)/
    );
  });

  it('streams a million rows in batches', () => {
    expect(printedBy(cell('const n = 1_000_000'))).toContain('big: 1000000 10');
  });
});
