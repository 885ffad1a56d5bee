import * as path from 'node:path';
import { LINEAGE_MIME_TYPE, type JobUse } from '@genesis-lab/contract';
import { Genesis, JobFailedError, type MimeBundle } from '@genesis-lab/kernel';
import { tempHome, type PlatformProcess, platformWithFacilities } from '@genesis-lab/test-support';

/** genesis.jobs from a Node script against a real platform process. */
describe('genesis.jobs (kernel helpers)', () => {
  let p: PlatformProcess;
  let g: Genesis;
  beforeAll(async () => {
    ({ p } = await platformWithFacilities([{ name: 'local', kind: 'local' }], tempHome('genesis-kh-jobs-')));
    g = new Genesis({ url: p.url, token: p.token });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('submits, waits, and resolves with the final state and outputs; lineage records both', async () => {
    g.lineage.clear();
    const job = await g.jobs.submit({
      name: 'square',
      executable: '/bin/sh',
      arguments: ['-c', 'echo 49 > result.txt; echo done'],
      stageOut: [{ source: 'result.txt', target: path.join(p.home, 'out', 'result.txt') }]
    });
    expect(job.id).toMatch(/^j/);
    const result = await job.wait();
    expect(result.state).toBe('COMPLETED');
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toEqual([
      { source: 'result.txt', target: path.join(p.home, 'out', 'result.txt'), bytes: 3 }
    ]);
    expect(await job.logs()).toBe('done\n');
    const uses = g.lineage.records().filter((r): r is JobUse => r.kind === 'job');
    expect(uses.map((u) => [u.action, u.state, u.jobId])).toEqual([
      ['submitted', expect.stringMatching(/QUEUED|ACTIVE|NEW/), job.id],
      ['awaited', 'COMPLETED', job.id]
    ]);
    expect(uses[1]).toMatchObject({ facility: 'local', name: 'square', exitCode: 0, platform: p.url });
  });

  it('raises JobFailedError with the reason, exit code and the end of the logs', async () => {
    const job = await g.jobs.submit({
      name: 'bad',
      executable: '/bin/sh',
      arguments: ['-c', 'echo computing; echo "matrix is singular" >&2; exit 3']
    });
    const err = (await job.wait().catch((e: unknown) => e)) as JobFailedError;
    expect(err).toBeInstanceOf(JobFailedError);
    expect(err.exitCode).toBe(3);
    expect(err.reason).toBe('NONZERO_EXIT');
    expect(err.message).toMatch(/ended FAILED: NONZERO_EXIT, exit code 3/);
    expect(err.message).toMatch(/matrix is singular/);
    expect(err.logTail).toMatch(/computing/);
    // Not thrown when asked not to.
    const r = await (await g.jobs.get(job.id)).wait({ throwOnFailure: false });
    expect(r.state).toBe('FAILED');
  });

  it('times a job out with the reason TIMEOUT', async () => {
    const job = await g.jobs.submit({
      name: 'slow',
      executable: '/bin/sleep',
      arguments: ['30'],
      attributes: { duration: 1 }
    });
    await expect(job.wait()).rejects.toMatchObject({ reason: 'TIMEOUT', name: 'JobFailedError' });
  });

  it('lists, gets and cancels', async () => {
    const job = await g.jobs.submit({
      name: 'long',
      executable: '/bin/sleep',
      arguments: ['60'],
      tags: { case: 'kh' }
    });
    expect((await g.jobs.list({ tag: 'case=kh' })).map((j) => j.id)).toEqual([job.id]);
    await job.cancel();
    const err = (await job.wait().catch((e: unknown) => e)) as JobFailedError;
    expect(err.job.state).toBe('CANCELED');
    expect((await g.jobs.get(job.id)).state).toBe('CANCELED');
    expect((await g.jobs.facilities()).map((f) => f.name)).toEqual(['local']);
  });

  it('shows a live status line updated in place, and the lineage output, in a notebook', async () => {
    const shown: MimeBundle[] = [];
    const updates: string[] = [];
    const nb = new Genesis({ url: p.url, token: p.token });
    // The helpers' notebook port, as tslab provides it (the real kernel is exercised by the example notebook test).
    (nb.context as { notebook: () => unknown }).notebook = () => ({
      show: (b: MimeBundle) => shown.push(b),
      live: () => ({ update: (h: string) => updates.push(h) })
    });
    (nb.context.lineage as unknown as { output: () => unknown }).output = nb.context.notebook;
    const job = await nb.jobs.submit({ name: 'nb', executable: '/bin/sleep', arguments: ['1.2'] });
    await job.wait();
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates[updates.length - 1]).toMatch(/data-state="COMPLETED"/);
    expect(updates.some((u) => /data-state="ACTIVE"/.test(u))).toBe(true);
    expect(shown.map((b) => (b[LINEAGE_MIME_TYPE] as JobUse).action)).toEqual(['submitted', 'awaited']);
  });

  it('names what is wrong in a spec, from the platform', async () => {
    await expect(
      g.jobs.submit({ name: 'x', executable: '/bin/true', resources: { cpuCoresPerProcess: 999 } })
    ).rejects.toMatchObject({
      code: 'unprocessable',
      issues: [expect.objectContaining({ path: 'body.resources.cpuCoresPerProcess' })]
    });
  });
});
