import * as fs from 'node:fs';
import * as path from 'node:path';
import { ReproducibilityReport } from '@genesis-lab/contract';
import { reproduceCommand, runCommand } from '@genesis-lab/notebook-runner';
import { authedFetch, tempHome, type PlatformProcess } from '@genesis-lab/test-support';
import { platformWithFacilities } from '@genesis-lab/test-support';
import { ingestCsv } from '../../platform/test/support/provenance';
import { KERNEL_SEARCH, VENV, notebookCopy, requireKernel } from './support/kernels';

/**
 * `genesis reproduce` (the command module): a real platform with the local facility, the
 * reproduction running as a real job, a real tslab kernel, the report recorded on the platform.
 */

let p: PlatformProcess;
beforeAll(async () => {
  requireKernel('tslab');
  const home = tempHome('genesis-reproduce-');
  await ingestCsv(home, 'test/co2', 'year,ppm\n2019,411.4\n2020,414.2\n2021,416.4\n');
  ({ p } = await platformWithFacilities([{ name: 'local', kind: 'local' }], home));
}, 120_000);
afterAll(async () => {
  await p?.stop();
});

const connect = () => ({ url: p.url, token: p.token });
/** Reproduce on the test platform; `lines` collects what a terminal would show. */
const reproduce = (source: string, lines: string[] = []) =>
  reproduceCommand({ source, connect: connect(), kernelSearchPrefixes: [VENV], progress: (l) => lines.push(l) });

describe('genesis reproduce', () => {
  let file: string;
  let runId: string;
  beforeAll(async () => {
    file = notebookCopy('co2.ipynb');
    ({ runId } = await runCommand({ notebook: file, connect: connect(), kernelSearch: KERNEL_SEARCH }));
  }, 120_000);

  it('re-executes a recorded run as a job and reports every cell reproduced (the timestamp cell by declaration)', async () => {
    const lines: string[] = [];
    const r = await reproduce(file, lines);
    expect(r.job.state).toBe('COMPLETED');
    expect(r.report).toMatchObject({
      state: 'completed',
      reproducible: true,
      originalRunId: runId,
      facility: 'local',
      jobId: r.job.id
    });
    expect(r.report.cells.map((c) => [c.cellId, c.status])).toEqual([
      ['setup', 'reproduced'],
      ['pull', 'reproduced'],
      ['mean', 'reproduced'],
      ['stamp', 'reproduced']
    ]);
    expect(r.report.cells[3]!.ignoredOutputs).toEqual([0]);
    expect(Object.keys(r.report.pins)).toEqual(['test/co2']);
    expect(lines.join('\n')).toMatch(/pinned test\/co2@/);
    expect(lines.join('\n')).toMatch(/\[4\/4\] stamp ok/);
    expect(r.markdown).toContain('**Reproduced**: 4 of 4 cells reproduced.');
    // Recorded on the platform, final, and the same report the files hold.
    const stored = ReproducibilityReport.parse(
      await (await authedFetch(p, `/api/provenance/reproductions/${r.report.reproductionId}`)).json()
    );
    expect(stored).toEqual(r.report);
    expect(JSON.parse(fs.readFileSync(r.files.json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(r.report)));
    // The original notebook is left as it was; the reproduced one has fresh outputs.
    expect(JSON.parse(fs.readFileSync(r.files.notebook, 'utf8')).metadata.genesis.runId).toBe(r.report.runId);
  }, 180_000);

  it('reports exactly the cell whose filter changed as differing, with the diff', async () => {
    const edited = JSON.parse(fs.readFileSync(file, 'utf8'));
    edited.cells[2].source = edited.cells[2].source
      .join('')
      .replace('args: [{ property: "ppm" }, threshold]', 'args: [{ property: "ppm" }, threshold - 2]');
    fs.writeFileSync(file, JSON.stringify(edited));
    const r = await reproduce(file);
    expect(r.report.cells.map((c) => [c.cellId, c.status])).toEqual([
      ['setup', 'reproduced'],
      ['pull', 'differs'],
      ['mean', 'reproduced'],
      ['stamp', 'reproduced']
    ]);
    const pull = r.report.cells[1]!;
    if (pull.status !== 'differs') throw new Error('pull must differ');
    expect(pull.diff).toContain('-rows above 413: 2');
    expect(pull.diff).toContain('+rows above 413: 3');
    expect(r.report.reproducible).toBe(false);
    expect(r.markdown).toContain('## cell 3 (pull) differs');
  }, 180_000);

  it('refuses malformed tolerance metadata before starting a job, naming the cell', async () => {
    const bad = JSON.parse(fs.readFileSync(file, 'utf8'));
    bad.cells[3].metadata = { genesis: { tolerance: { abs: 'small' } } };
    fs.writeFileSync(file, JSON.stringify(bad));
    await expect(reproduce(file)).rejects.toThrow(/cell "mean" \(cell 4\) metadata\.genesis\.tolerance\.abs/);
  });
});

describe('genesis reproduce of a notebook never run with Genesis', () => {
  it('runs against latest, says so up front, and lists the refs it did not pin', async () => {
    const file = notebookCopy('co2.ipynb');
    const lines: string[] = [];
    const r = await reproduce(file, lines);
    expect(lines[0]).toBe(
      'This notebook was never run with Genesis: nothing is pinned, every dataset ref resolves to its latest version.'
    );
    expect(r.report.originalRunId).toBeNull();
    expect(r.report.unpinned.map((u) => [u.ref, u.cellId])).toEqual([
      ['test/co2', 'pull'],
      ['test/co2', 'mean']
    ]);
    // Nothing recorded to compare with: the committed notebook has no outputs.
    expect(r.report.cells.map((c) => c.status)).toEqual(['reproduced', 'differs', 'differs', 'reproduced']);
    expect(r.markdown).toContain('never run with Genesis');
  }, 180_000);
});

describe('genesis reproduce of an exported crate', () => {
  it('imports it into a fresh, empty platform and reproduces every cell', async () => {
    const file = notebookCopy('co2.ipynb');
    const { runId } = await runCommand({ notebook: file, connect: connect(), kernelSearch: KERNEL_SEARCH });
    const res = await fetch(`${p.url}/api/provenance/runs/${runId}/crate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ notebook: JSON.parse(fs.readFileSync(file, 'utf8')), notebookName: 'co2.ipynb' })
    });
    expect(res.status).toBe(200);
    const crate = path.join(path.dirname(file), 'co2.crate.zip');
    fs.writeFileSync(crate, Buffer.from(await res.arrayBuffer()));

    const { p: fresh } = await platformWithFacilities(
      [{ name: 'local', kind: 'local' }],
      tempHome('genesis-reproduce-fresh-')
    );
    try {
      const lines: string[] = [];
      const r = await reproduceCommand({
        source: crate,
        connect: { url: fresh.url, token: fresh.token },
        // In the project (as a user would run it), so the kernel finds @genesis-lab/kernel.
        outputDir: path.join(path.dirname(file), 'reproduction'),
        kernelSearchPrefixes: [VENV],
        progress: (l) => lines.push(l)
      });
      expect(lines[0]).toMatch(
        /^imported .*co2\.crate\.zip: run .*, 1 dataset version\(s\) \(test\/co2@\S+ imported\)/
      );
      expect(r.report).toMatchObject({ originalRunId: runId, state: 'completed', reproducible: true });
      expect(r.report.cells.map((c) => c.status)).toEqual(['reproduced', 'reproduced', 'reproduced', 'reproduced']);
    } finally {
      await fresh.stop();
    }
  }, 240_000);
});
