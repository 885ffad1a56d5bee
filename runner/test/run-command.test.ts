import * as fs from 'node:fs';
import * as path from 'node:path';
import { unzipSync } from 'fflate';
import { readNotebookProvenance, RunDetail, sha256Hex, type CodeCell } from '@genesis-lab/contract';
import { readNotebook, runCommand } from '@genesis-lab/notebook-runner';
import { authedFetch, startPlatformProcess, tempHome, type PlatformProcess } from '@genesis-lab/test-support';
import { ingestCsv } from '../../platform/test/support/provenance';
import { KERNEL_SEARCH, REPO_ROOT, notebook, notebookCopy, requireKernel, tempDir } from './support/kernels';

/** `genesis run` (the command module) against a real platform process and a real tslab kernel. */

let p: PlatformProcess;
let co2: { version: string; sha256: string };
beforeAll(async () => {
  requireKernel('tslab');
  const home = tempHome('genesis-run-');
  co2 = await ingestCsv(home, 'test/co2', 'year,ppm\n2019,411.4\n2020,414.2\n2021,416.4\n');
  p = await startPlatformProcess({ home });
}, 120_000);
afterAll(async () => {
  await p?.stop();
});

const connect = () => ({ url: p.url, token: p.token });

describe('genesis run', () => {
  it('executes the notebook, records every cell, and writes outputs and metadata.genesis back', async () => {
    const file = notebookCopy('co2.ipynb');
    const lines: string[] = [];
    const r = await runCommand({
      notebook: file,
      connect: connect(),
      kernelSearch: KERNEL_SEARCH,
      progress: (l) => lines.push(l)
    });
    expect(r.result.ok).toBe(true);
    expect(lines).toEqual([
      expect.stringMatching(/^\[1\/4\] setup ok/),
      expect.stringMatching(/^\[2\/4\] pull ok/),
      expect.stringMatching(/^\[3\/4\] mean ok/),
      expect.stringMatching(/^\[4\/4\] stamp ok/)
    ]);

    const nb = readNotebook(file);
    const code = nb.cells.filter((c): c is CodeCell => c.cell_type === 'code');
    expect(code.map((c) => c.execution_count)).toEqual([1, 2, 3, 4]);
    expect(JSON.stringify(code[1]!.outputs)).toContain('rows above 413: 2');
    expect(JSON.stringify(code[2]!.outputs)).toContain('mean: 414.00 ppm');
    const meta = readNotebookProvenance(nb.metadata)!;
    expect(meta).toMatchObject({
      runId: r.runId,
      notebookId: r.notebookId,
      platform: p.url,
      pins: { datasets: { 'test/co2': co2 } }
    });

    const run = RunDetail.parse(await (await authedFetch(p, `/api/provenance/runs/${r.runId}`)).json());
    expect(run.run).toMatchObject({ recordedBy: 'runner', executions: 4, failed: 0, kernel: { name: 'tslab' } });
    expect(run.executions.map((e) => e.cellId)).toEqual(['setup', 'pull', 'mean', 'stamp']);
    expect(run.executions[1]!.lineage).toEqual([
      expect.objectContaining({ kind: 'dataset', id: 'test/co2', version: co2.version, sha256: co2.sha256 })
    ]);
    expect(run.pins.datasets['test/co2']).toEqual(co2);

    // A second run keeps the notebook's id and records a new run.
    const again = await runCommand({ notebook: file, connect: connect(), kernelSearch: KERNEL_SEARCH });
    expect(again.notebookId).toBe(r.notebookId);
    expect(again.runId).not.toBe(r.runId);
  }, 120_000);

  it('writes to --output and leaves the input alone; a failing cell fails the run and every later cell is still recorded', async () => {
    const file = notebookCopy('co2.ipynb');
    const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
    nb.cells[2].source = 'throw new Error("no data today")';
    fs.writeFileSync(file, JSON.stringify(nb));
    const before = fs.readFileSync(file, 'utf8');
    const out = file.replace(/\.ipynb$/, '.out.ipynb');
    const r = await runCommand({ notebook: file, output: out, connect: connect(), kernelSearch: KERNEL_SEARCH });
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(r.written).toBe(out);
    expect(r.result.ok).toBe(false);
    expect(r.result.cells.map((c) => c.status)).toEqual(['ok', 'error', 'ok', 'ok']);
    // The cell right after the error was aborted by tslab and sent again, not skipped.
    expect(r.result.cells[2]!.attempts).toBeGreaterThan(1);
    const run = RunDetail.parse(await (await authedFetch(p, `/api/provenance/runs/${r.runId}`)).json());
    expect(run.executions.map((e) => [e.cellId, e.success])).toEqual([
      ['setup', true],
      ['pull', false],
      ['mean', true],
      ['stamp', true]
    ]);
    expect(run.executions[1]!.error).toMatch(/no data today/);
  }, 120_000);
});

describe('the environment a headless run records', () => {
  it("names the kernel helpers' version and the project's lockfile digest, in the record, PROV-JSON and the crate", async () => {
    const file = notebookCopy('co2.ipynb');
    const r = await runCommand({ notebook: file, connect: connect(), kernelSearch: KERNEL_SEARCH });
    const helper = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'kernel-helpers/package.json'), 'utf8')).version;
    const lockfile = sha256Hex(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json')));
    const run = RunDetail.parse(await (await authedFetch(p, `/api/provenance/runs/${r.runId}`)).json());
    for (const e of run.executions)
      expect(e.environment).toMatchObject({
        helperVersion: helper,
        lockfileSha256: lockfile,
        lockfile: path.relative(path.dirname(file), path.join(REPO_ROOT, 'package-lock.json'))
      });
    const prov = JSON.stringify(await (await authedFetch(p, `/api/provenance/runs/${r.runId}/prov`)).json());
    expect(prov).toContain(`"genesis:helperVersion":"${helper}"`);
    expect(prov).toContain(`"genesis:lockfileSha256":"${lockfile}"`);
    const crate = new Uint8Array(await (await authedFetch(p, `/api/provenance/runs/${r.runId}/crate`)).arrayBuffer());
    const meta = JSON.parse(new TextDecoder().decode(unzipSync(crate)['ro-crate-metadata.json']!)) as {
      '@graph': { '@id': string; '@type': string; name?: string; value?: string; additionalProperty?: unknown }[];
    };
    const values = meta['@graph'].filter((n) => n['@type'] === 'PropertyValue').map((n) => [n.name, n.value]);
    expect(values).toEqual(
      expect.arrayContaining([
        ['genesis:helperVersion', helper],
        ['genesis:lockfileSha256', lockfile]
      ])
    );
    expect(meta['@graph'].filter((n) => n['@type'] === 'CreateAction').every((a) => a.additionalProperty)).toBe(true);
  }, 120_000);

  it('says "none" (null) outside a project: no helpers installed, no lockfile', async () => {
    const dir = tempDir('genesis-run-bare-');
    const file = path.join(dir, 'bare.ipynb');
    fs.writeFileSync(file, JSON.stringify(notebook('tslab', ['console.log(6 * 7);'])));
    const r = await runCommand({ notebook: file, connect: connect(), kernelSearch: KERNEL_SEARCH });
    expect(r.executions[0]!.environment).toMatchObject({ helperVersion: null, lockfileSha256: null });
  }, 120_000);
});
