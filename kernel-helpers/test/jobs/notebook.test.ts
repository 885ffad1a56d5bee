import * as fs from 'node:fs';
import * as path from 'node:path';
import { LINEAGE_MIME_TYPE } from '@genesis-lab/contract';
import { tempHome, type PlatformProcess } from '../../../platform/test/support/process';
import { platformWithFacilities } from '../../../platform/test/support/jobs';
import { describeWithService, slurmUp } from '../../../platform/test/support/services';
import {
  REPO_ROOT,
  TSLAB_KERNELSPEC,
  VENV_PYTHON,
  dataOf,
  outputsOf,
  runNotebook,
  text,
  type NotebookOutput
} from '../support/kernel';

function tslabReady(): { ok: boolean; why: string } {
  if (!fs.existsSync(VENV_PYTHON)) return { ok: false, why: `no ${VENV_PYTHON} (run scripts/setup)` };
  if (!fs.existsSync(TSLAB_KERNELSPEC)) return { ok: false, why: `no tslab kernel in .venv (run scripts/setup)` };
  if (!fs.existsSync(path.join(REPO_ROOT, 'kernel-helpers/dist/index.js')))
    return { ok: false, why: 'kernel helpers not built' };
  return { ok: true, why: '' };
}

/** examples/02-jobs.ipynb, executed headless by a real tslab kernel against a real platform. */
describeWithService('tslab kernel', tslabReady, 'examples/02-jobs.ipynb in a real tslab kernel', () => {
  let p: PlatformProcess;
  beforeAll(async () => {
    const facilities = [
      { name: 'local', kind: 'local' },
      ...(slurmUp().ok ? [{ name: 'slurm', kind: 'slurm', pollIntervalMs: 500 }] : [])
    ];
    ({ p } = await platformWithFacilities(facilities, tempHome('genesis-nb-jobs-')));
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('submits and awaits jobs with a live status line updated in place, errors with reasons, and job lineage', async () => {
    const nb = await runNotebook(
      path.join(REPO_ROOT, 'examples/02-jobs.ipynb'),
      { GENESIS_URL: p.url, GENESIS_TOKEN: p.token, JUPYTER_PATH: path.join(REPO_ROOT, '.venv/share/jupyter') },
      180_000
    );
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    const streams = (o: NotebookOutput[]) => o.map((x) => (x.output_type === 'stream' ? text(x.text) : '')).join('');
    const statusLines = (o: NotebookOutput[]) =>
      o.filter((x) => String(dataOf(x)['text/html'] ?? '').includes('genesis-job-status'));
    const lineage = (o: NotebookOutput[]) =>
      o
        .filter((x) => dataOf(x)[LINEAGE_MIME_TYPE])
        .map((x) => dataOf(x)[LINEAGE_MIME_TYPE] as { action: string; state: string });

    // The local job: one status output (updated in place to its final state), two lineage records.
    const local = outputsOf(code[1]!);
    expect(statusLines(local)).toHaveLength(1);
    expect(String(dataOf(statusLines(local)[0]!)['text/html'])).toMatch(/data-state="COMPLETED"/);
    expect(lineage(local).map((l) => [l.action, l.state])).toEqual([
      ['submitted', expect.any(String)],
      ['awaited', 'COMPLETED']
    ]);
    expect(streams(local)).toMatch(/COMPLETED, exit code 0; pi ≈ 3\.1415/);

    // The failing job: the error carried the reason, the exit code and the stderr tail.
    const failing = outputsOf(code[2]!);
    expect(String(dataOf(statusLines(failing)[0]!)['text/html'])).toMatch(/data-state="FAILED"/);
    expect(streams(failing)).toMatch(/caught JobFailedError: reason NONZERO_EXIT, exit code 3/);
    expect(streams(failing)).toMatch(/matrix is singular/);

    // Slurm, when this machine has it.
    const slurm = streams(outputsOf(code[3]!));
    if (slurmUp().ok) expect(slurm).toMatch(/Slurm job \d+: COMPLETED; hello from/);
    else expect(slurm).toMatch(/No healthy Slurm facility/);
  }, 300000);
});
