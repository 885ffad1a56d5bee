import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Job } from '@genesis-lab/contract';
import type { JobsClient } from '@genesis-lab/client';
import {
  describeWithService,
  type PlatformProcess,
  platformWithFacilities,
  slurmUp,
  until,
  untilFinal
} from '@genesis-lab/test-support';
import { submitRetryDelayMs } from '../../src/jobs/submissions';

const COMMANDS = ['squeue', 'sacct', 'scontrol', 'scancel', 'sinfo'];

/**
 * The facility's binDir: the real Slurm commands, except `sbatch`, a shim that follows a plan
 * (one line per call: `fail` = refused with a transient error, `lost` = the real sbatch runs
 * and then its answer is lost as a timeout, `slow:N` = the real one after N s, `slowlost:N`)
 * and logs every attempt and every job it really submitted.
 */
function sbatchShim() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-sbatch-shim-'));
  const real = (cmd: string) => execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
  for (const cmd of COMMANDS) fs.symlinkSync(real(cmd), path.join(dir, cmd));
  const plan = path.join(dir, 'plan');
  const log = path.join(dir, 'log');
  fs.writeFileSync(plan, '');
  fs.writeFileSync(log, '');
  fs.writeFileSync(
    path.join(dir, 'sbatch'),
    `#!/bin/sh
# The platform passes the job's environment: no PATH of its own.
PATH=/usr/bin:/bin
step=$(head -n1 '${plan}'); sed -i '1d' '${plan}'
echo "attempt \${step:-ok}" >> '${log}'
case "$step" in
  fail) echo 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)' >&2; exit 1 ;;
  slow*) sleep "\${step#*:}" ;;
esac
out=$('${real('sbatch')}' "$@") || exit $?
echo "submitted $out" >> '${log}'
case "$step" in
  *lost*) echo 'sbatch: error: Socket timed out on send/recv operation' >&2; exit 1 ;;
esac
echo "$out"
`,
    { mode: 0o755 }
  );
  return {
    dir,
    plan: (...steps: string[]) => fs.writeFileSync(plan, steps.map((s) => s + '\n').join('')),
    attempts: () =>
      fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('attempt')).length,
    /** Slurm job ids the real sbatch returned. */
    submitted: () =>
      fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('submitted '))
        .map((l) => l.slice('submitted '.length).split(';')[0]!),
    reset: () => fs.writeFileSync(log, ''),
    remove: () => fs.rmSync(dir, { recursive: true, force: true })
  };
}

/** Slurm's own state of a job (squeue keeps finished jobs for MinJobAge), '' once it forgot it. */
function slurmState(nativeId: string): string {
  try {
    return execFileSync('squeue', ['-h', '-j', nativeId, '-t', 'all', '-o', '%T'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

describe('the backoff between retries of a transiently failed submission', () => {
  it('doubles per failure from 5 s, up to 5 minutes', () => {
    expect([1, 2, 3, 4].map(submitRetryDelayMs)).toEqual([5000, 10000, 20000, 40000]);
    expect(submitRetryDelayMs(30)).toBe(300_000);
  });
});

/**
 * Submissions against the real Slurm (shared: slurmctld is never stopped; the failures are
 * injected by the sbatch shim on the facility's binDir).
 */
describeWithService('Slurm', slurmUp, 'slurm submissions that fail transiently or are canceled in flight', () => {
  let p: PlatformProcess;
  let client: JobsClient;
  const shim = sbatchShim();
  beforeAll(async () => {
    ({ p, client } = await platformWithFacilities([
      { name: 'slurm', kind: 'slurm', pollIntervalMs: 500, statusRetries: 1, commandTimeoutMs: 10000, binDir: shim.dir }
    ]));
  });
  beforeEach(() => shim.reset());
  afterAll(async () => {
    // Leave nothing of this suite in the shared cluster.
    if (client)
      for (const j of (await client.list({ state: ['NEW', 'QUEUED', 'HELD', 'ACTIVE'], limit: 1000 })).jobs)
        await client.cancel(j.id).catch(() => undefined);
    client?.close();
    await p?.stop();
    shim.remove();
  });

  const states = (j: Job) => j.history.map((e) => e.state);

  it('retries a transient sbatch failure with backoff and submits the job exactly once', async () => {
    shim.plan('fail', 'fail');
    const key = `retry-${process.pid}`;
    const first = await client.submit(
      { name: 'retried', facility: 'slurm', executable: '/bin/true' },
      { idempotencyKey: key }
    );
    expect(first.created).toBe(true);
    expect(first.job.state).toBe('NEW'); // the failure is not a verdict on the job
    const done = await untilFinal(client, first.job.id, 120000);
    expect(done.state).toBe('COMPLETED');
    expect(states(done)).not.toContain('FAILED');
    expect(shim.attempts()).toBe(3);
    expect(shim.submitted()).toEqual([done.nativeId]);
    // The same key again: the same job, and sbatch is not called.
    const again = await client.submit(
      { name: 'retried', facility: 'slurm', executable: '/bin/true' },
      { idempotencyKey: key }
    );
    expect(again).toMatchObject({ created: false, job: { id: first.job.id } });
    expect(shim.attempts()).toBe(3);
  }, 180000);

  it('an sbatch whose answer was lost after Slurm took the job: found by its directory, not sent twice', async () => {
    shim.plan('lost');
    const { job } = await client.submit({ name: 'answer-lost', facility: 'slurm', executable: '/bin/true' });
    const done = await untilFinal(client, job.id, 120000);
    expect(done.state).toBe('COMPLETED');
    expect(shim.submitted()).toHaveLength(1);
    expect(done.nativeId).toBe(shim.submitted()[0]);
    expect(shim.attempts()).toBe(1);
  }, 180000);

  for (const step of ['slow:3', 'slowlost:3'])
    it(`a cancel while sbatch runs (${step === 'slow:3' ? 'it succeeds' : 'its answer is lost'}) ends CANCELED, nothing left in Slurm`, async () => {
      shim.plan(step);
      const tag = `cancel-${step.replace(':', '-')}-${process.pid}`;
      const submitting = client.submit({
        name: 'cancel-in-flight',
        facility: 'slurm',
        executable: '/bin/sleep',
        arguments: ['600'],
        tags: { t: tag }
      });
      // The job is stored (NEW) before sbatch is called; cancel it while sbatch runs.
      const stored = await until('the stored job', async () => (await client.list({ tag: `t=${tag}` })).jobs[0], 20000);
      await until('sbatch running', () => shim.attempts() === 1 || undefined, 20000);
      await client.cancel(stored.id);
      await submitting;
      const done = await untilFinal(client, stored.id, 120000);
      expect(done.state).toBe('CANCELED');
      const ids = shim.submitted();
      expect(ids).toHaveLength(1);
      expect(shim.attempts()).toBe(1);
      // Slurm's own word: the job is not pending or running there.
      await until(
        'Slurm to end the job',
        () => !/PENDING|RUNNING|CONFIGURING/.test(slurmState(ids[0]!)) || undefined,
        30000
      );
      expect(slurmState(ids[0]!)).not.toMatch(/PENDING|RUNNING/);
    }, 180000);
});
