import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { LINEAGE_MIME_TYPE } from '@genesis-lab/contract';
import {
  REPO_ROOT,
  startPlatformProcess,
  tempHome,
  type PlatformProcess
} from '../../../platform/test/support/process';
import { describeWithService, slurmUp } from '../../../platform/test/support/services';

const PYTHON = path.join(REPO_ROOT, '.venv/bin/python');
const KERNEL = path.join(REPO_ROOT, '.venv/share/jupyter/kernels/tslab/kernel.json');

function tslabReady(): { ok: boolean; why: string } {
  if (!fs.existsSync(PYTHON)) return { ok: false, why: `no ${PYTHON} (run scripts/setup)` };
  if (!fs.existsSync(KERNEL)) return { ok: false, why: `no tslab kernel in .venv (run scripts/setup)` };
  if (!fs.existsSync(path.join(REPO_ROOT, 'kernel-helpers/dist/index.js')))
    return { ok: false, why: 'kernel helpers not built' };
  return { ok: true, why: '' };
}

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}

/** examples/02-jobs.ipynb, executed headless by a real tslab kernel against a real platform. */
describeWithService('tslab kernel', tslabReady, 'examples/02-jobs.ipynb in a real tslab kernel', () => {
  let p: PlatformProcess;
  beforeAll(async () => {
    const home = tempHome('genesis-nb-jobs-');
    const facilities = [
      { name: 'local', kind: 'local' },
      ...(slurmUp().ok ? [{ name: 'slurm', kind: 'slurm', pollIntervalMs: 500 }] : [])
    ];
    fs.writeFileSync(path.join(home, 'facilities.json'), JSON.stringify({ facilities }));
    p = await startPlatformProcess({ home });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('submits and awaits jobs with a live status line updated in place, errors with reasons, and job lineage', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nb-out-')), '02-jobs.out.ipynb');
    await promisify(execFile)(
      PYTHON,
      [
        path.join(REPO_ROOT, 'kernel-helpers/test/support/run_notebook.py'),
        path.join(REPO_ROOT, 'examples/02-jobs.ipynb'),
        out,
        '--kernel',
        'tslab',
        '--cwd',
        REPO_ROOT,
        '--timeout',
        '180'
      ],
      {
        env: {
          ...process.env,
          GENESIS_URL: p.url,
          GENESIS_TOKEN: p.token,
          JUPYTER_PATH: path.join(REPO_ROOT, '.venv/share/jupyter')
        },
        timeout: 240000
      }
    );
    const nb = JSON.parse(fs.readFileSync(out, 'utf8')) as { cells: Array<{ cell_type: string; outputs?: Output[] }> };
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    const text = (o: Output[]) =>
      o
        .filter((x) => x.output_type === 'stream')
        .map((x) => (Array.isArray(x.text) ? x.text.join('') : x.text))
        .join('');
    const statusLines = (o: Output[]) =>
      o.filter((x) => String(x.data?.['text/html'] ?? '').includes('genesis-job-status'));
    const lineage = (o: Output[]) =>
      o
        .filter((x) => x.data?.[LINEAGE_MIME_TYPE])
        .map((x) => x.data![LINEAGE_MIME_TYPE] as { action: string; state: string });

    // The local job: one status output (updated in place to its final state), two lineage records.
    const local = code[1]!.outputs!;
    expect(statusLines(local)).toHaveLength(1);
    expect(String(statusLines(local)[0]!.data!['text/html'])).toMatch(/data-state="COMPLETED"/);
    expect(lineage(local).map((l) => [l.action, l.state])).toEqual([
      ['submitted', expect.any(String)],
      ['awaited', 'COMPLETED']
    ]);
    expect(text(local)).toMatch(/COMPLETED, exit code 0; pi ≈ 3\.1415/);

    // The failing job: the error carried the reason, the exit code and the stderr tail.
    const failing = code[2]!.outputs!;
    expect(String(statusLines(failing)[0]!.data!['text/html'])).toMatch(/data-state="FAILED"/);
    expect(text(failing)).toMatch(/caught JobFailedError: reason NONZERO_EXIT, exit code 3/);
    expect(text(failing)).toMatch(/matrix is singular/);

    // Slurm, when this machine has it.
    const slurm = text(code[3]!.outputs!);
    if (slurmUp().ok) expect(slurm).toMatch(/Slurm job \d+: COMPLETED; hello from/);
    else expect(slurm).toMatch(/No healthy Slurm facility/);
  }, 300000);
});
