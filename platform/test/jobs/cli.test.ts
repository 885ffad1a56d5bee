import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Job } from '@genesis-lab/contract';
import { GENESIS_BIN, type PlatformProcess } from '../support/process';
import { platformWithFacilities } from '../support/jobs';
import type { JobsClient } from '@genesis-lab/kernel';

const run = promisify(execFile);

/** The `genesis jobs` and `genesis facilities` commands against a real platform process. */
describe('genesis jobs / facilities CLI', () => {
  let p: PlatformProcess;
  let client: JobsClient;
  const cli = async (...args: string[]) => {
    try {
      const r = await run(process.execPath, [GENESIS_BIN, ...args], {
        env: { ...process.env, GENESIS_URL: p.url, GENESIS_TOKEN: p.token }
      });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  beforeAll(async () => {
    ({ p, client } = await platformWithFacilities([{ name: 'local', kind: 'local', maxConcurrent: 2 }]));
  });
  afterAll(async () => {
    client?.close();
    await p?.stop();
  });

  it('lists facilities with capabilities', async () => {
    const r = await cli('facilities');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^local \(local\) healthy/m);
    expect(r.stdout).toMatch(/limits: 1 node\(s\), \d+ cpus\/node/);
  });

  it('submits and waits with a live view, following the log; a failure exits 1 with the reason', async () => {
    const r = await cli(
      'jobs',
      'submit',
      '--wait',
      '--follow',
      '-n',
      'cli-demo',
      '--',
      '/bin/sh',
      '-c',
      'echo one; sleep 0.3; echo two; exit 3'
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('one\ntwo\n');
    expect(r.stderr).toMatch(/ACTIVE/);
    expect(r.stderr).toMatch(/FAILED NONZERO_EXIT exit 3/);
    expect(r.stderr).toMatch(/genesis: job j\w+ FAILED \(NONZERO_EXIT\), exit code 3/);
  });

  it('submits with options, lists, shows, reads logs and cancels', async () => {
    const sub = await cli(
      'jobs',
      'submit',
      '--json',
      '-n',
      'sleepy',
      '-e',
      'X=1',
      '--tag',
      'case=cli',
      '-t',
      '5m',
      '--',
      '/bin/sh',
      '-c',
      'echo "x=$X"; sleep 30'
    );
    expect(sub.code).toBe(0);
    const job = Job.parse(JSON.parse(sub.stdout));
    expect(job.spec).toMatchObject({
      name: 'sleepy',
      environment: { X: '1' },
      tags: { case: 'cli' },
      attributes: { duration: '5m' }
    });
    const list = await cli('jobs', 'list', '--tag', 'case=cli');
    expect(list.stdout).toMatch(new RegExp(`^${job.id}\\s+sleepy\\s+local\\s+(QUEUED|ACTIVE)`, 'm'));
    for (let i = 0; i < 50 && !(await cli('jobs', 'logs', job.id)).stdout; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await cli('jobs', 'logs', job.id)).stdout).toBe('x=1\n');
    const cancel = await cli('jobs', 'cancel', job.id);
    expect(cancel.stdout).toMatch(/CANCELED CANCELED_BY_USER/);
    const show = await cli('jobs', 'show', job.id);
    expect(show.stdout).toMatch(/history:\n\s+0 .* NEW/);
    expect(show.stdout).toMatch(/CANCELED\s+CANCELED_BY_USER/);
  });

  it('names what is wrong in a spec before sending it, and what the facility cannot honour', async () => {
    const bad = await cli('jobs', 'submit', '-t', 'soon', '--', '/bin/true');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/spec\.attributes\.duration: must be seconds or a duration/);
    const big = await cli('jobs', 'submit', '--cpus', '999', '--', '/bin/true');
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/cannot run this job: asks for 999 CPU cores per node/);
  });
});
