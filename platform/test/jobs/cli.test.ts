import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Job, JobList } from '@genesis-lab/contract';
import type { JobsClient } from '@genesis-lab/client';
import { GENESIS_BIN, type PlatformProcess, platformWithFacilities, untilFinal } from '@genesis-lab/test-support';

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

  it('reaches older jobs: --limit, --cursor from the hint, --all following the pages, no duplicates', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { job } = await client.submit({ name: `page-${i}`, executable: '/bin/true', tags: { case: 'paging' } });
      ids.push(job.id);
    }
    await Promise.all(ids.map((id) => untilFinal(client, id)));
    const newestFirst = [...ids].reverse();
    const idsIn = (stdout: string) => [...stdout.matchAll(/^(j\w+)\s+page-/gm)].map((m) => m[1]);

    // One page of 3, and where to go on.
    const first = await cli('jobs', 'list', '--tag', 'case=paging', '--limit', '3');
    expect(first.code).toBe(0);
    expect(idsIn(first.stdout)).toEqual(newestFirst.slice(0, 3));
    const cursor = first.stderr.match(/--cursor (\S+)\)/)?.[1];
    expect(cursor).toBeDefined();
    const next = await cli('jobs', 'list', '--tag', 'case=paging', '--limit', '3', '--cursor', cursor!);
    expect(idsIn(next.stdout)).toEqual(newestFirst.slice(3, 6));

    // --all follows nextCursor page after page (pages of 2: four requests) to the oldest.
    const all = await cli('jobs', 'list', '--tag', 'case=paging', '--all', '--page-size', '2', '--json');
    expect(all.code).toBe(0);
    const list = JobList.parse(JSON.parse(all.stdout));
    expect(list.jobs.map((j) => j.id)).toEqual(newestFirst);
    expect(list.nextCursor).toBeUndefined();
    // A --limit beyond one page is read a page at a time too, and says where to go on.
    const five = JobList.parse(
      JSON.parse(
        (await cli('jobs', 'list', '--tag', 'case=paging', '--limit', '5', '--page-size', '2', '--json')).stdout
      )
    );
    expect(five.jobs.map((j) => j.id)).toEqual(newestFirst.slice(0, 5));
    const rest = JobList.parse(
      JSON.parse(
        (await cli('jobs', 'list', '--tag', 'case=paging', '--all', '--cursor', five.nextCursor!, '--json')).stdout
      )
    );
    expect(rest.jobs.map((j) => j.id)).toEqual(newestFirst.slice(5));
  });

  it('names a bad --limit, --page-size or --cursor', async () => {
    const zero = await cli('jobs', 'list', '--limit', '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--limit/);
    const big = await cli('jobs', 'list', '--page-size', '5000');
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/--page-size/);
    const bad = await cli('jobs', 'list', '--cursor', 'nonsense');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/Invalid cursor/);
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
