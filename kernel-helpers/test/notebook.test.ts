import * as path from 'node:path';
import { startPlatformProcess, tempHome, type PlatformProcess } from '../../platform/test/support/process';
import {
  KERNELS,
  REPO_ROOT,
  htmlOf,
  lineageOf,
  printedBy,
  requireKernelSetup,
  runNotebook,
  seedExamples,
  sourceOf,
  type Notebook,
  type NotebookCell
} from './support/kernel';

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
});
