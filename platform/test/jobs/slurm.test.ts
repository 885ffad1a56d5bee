import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorBody, type JobUpdate } from '@genesis-lab/contract';
import type { JobsClient } from '@genesis-lab/kernel';
import { authedFetch, type PlatformProcess } from '../support/process';
import { platformWithFacilities, until, untilFinal } from '../support/jobs';
import { describeWithService, slurmUp, slurmctld } from '../support/services';

/** The Slurm facility against the real one-node cluster that scripts/slurm-up starts. */
describeWithService('Slurm', slurmUp, 'slurm facility (real Slurm)', () => {
  let p: PlatformProcess;
  let client: JobsClient;
  let timeoutJob: string;
  beforeAll(async () => {
    ({ p, client } = await platformWithFacilities([
      { name: 'local', kind: 'local' },
      { name: 'slurm', kind: 'slurm', pollIntervalMs: 500, statusRetries: 1, commandTimeoutMs: 3000 }
    ]));
    // Slurm enforces limits in whole minutes: start the TIMEOUT job first, check it last.
    timeoutJob = (
      await client.submit({
        name: 'too-long',
        facility: 'slurm',
        executable: '/bin/sleep',
        arguments: ['600'],
        attributes: { duration: '1m' }
      })
    ).job.id;
  });
  afterAll(async () => {
    client?.close();
    await p?.stop();
  });

  it('lists the facility with capabilities discovered from the cluster', async () => {
    const slurm = (await client.facilities()).find((f) => f.name === 'slurm')!;
    expect(slurm.healthy).toBe(true);
    expect(slurm.capabilities.queues).toEqual(expect.arrayContaining(['debug', 'short']));
    expect(slurm.capabilities.maxNodes).toBe(1);
    expect(slurm.capabilities.maxCpusPerNode).toBeGreaterThanOrEqual(1);
    expect(slurm.capabilities.customAttributes).toContain('slurm.hold');
  });

  it('runs a job that exits 3 to FAILED with exit code 3, keeping Slurm’s words', async () => {
    const { job } = await client.submit({
      name: 'three',
      facility: 'slurm',
      executable: '/bin/sh',
      arguments: ['-c', 'echo from slurm; exit 3']
    });
    expect(job.nativeId).toMatch(/^\d+$/);
    expect(job.state).toBe('QUEUED');
    const done = await untilFinal(client, job.id);
    expect(done).toMatchObject({
      state: 'FAILED',
      exitCode: 3,
      reason: 'NONZERO_EXIT',
      nativeState: 'FAILED',
      nativeReason: 'NonZeroExitCode'
    });
    expect(done.history[done.history.length - 1]).toMatchObject({
      state: 'FAILED',
      exitCode: 3,
      nativeState: 'FAILED',
      nativeReason: 'NonZeroExitCode'
    });
    expect((await client.logs(job.id)).data).toBe('from slurm\n');
    expect(fs.readFileSync(path.join(done.workDir!, 'exit'), 'utf8')).toBe('3\n');
  });

  it('completes a job with arguments that look like shell and directives, passed literally', async () => {
    const tricky = ["it's", '$(touch pwned)', '\n#SBATCH --partition=nope', 'a;b'];
    const { job } = await client.submit({
      name: 'literal',
      facility: 'slurm',
      executable: '/usr/bin/printf',
      arguments: ['%s|', ...tricky],
      attributes: { queue: 'short', duration: '2m' }
    });
    const done = await untilFinal(client, job.id);
    expect(done.state).toBe('COMPLETED');
    expect(done.exitCode).toBe(0);
    expect((await client.logs(job.id)).data).toBe(tricky.map((t) => `${t}|`).join(''));
    expect(fs.existsSync(path.join(done.workDir!, 'pwned'))).toBe(false);
  });

  it('holds a job (QUEUED <-> HELD) and cancels it', async () => {
    const updates: JobUpdate[] = [];
    const { job } = await client.submit({
      name: 'held',
      facility: 'slurm',
      executable: '/bin/true',
      attributes: { custom: { 'slurm.hold': 'true' } }
    });
    const stop = await client.watch({ jobId: job.id }, (u) => updates.push(u));
    await until('HELD', async () => (await client.get(job.id)).state === 'HELD' || undefined, 15000);
    const held = await client.get(job.id);
    expect(held.nativeState).toBe('PENDING');
    expect(held.nativeReason).toMatch(/JobHeld/);
    const canceled = await client.cancel(job.id);
    const done = canceled.state === 'CANCELED' ? canceled : await untilFinal(client, job.id);
    stop();
    expect(done).toMatchObject({ state: 'CANCELED', reason: 'CANCELED_BY_USER', nativeState: 'CANCELLED' });
  });

  it('cancels a running job (scancel)', async () => {
    const { job } = await client.submit({
      name: 'long',
      facility: 'slurm',
      executable: '/bin/sleep',
      arguments: ['300']
    });
    await until('ACTIVE', async () => (await client.get(job.id)).state === 'ACTIVE' || undefined, 20000);
    await client.cancel(job.id);
    const done = await untilFinal(client, job.id, 20000);
    expect(done).toMatchObject({ state: 'CANCELED', reason: 'CANCELED_BY_USER' });
    expect(done.history.map((e) => e.state)).toEqual(expect.arrayContaining(['NEW', 'QUEUED', 'ACTIVE', 'CANCELED']));
  });

  it('refuses before submission what the cluster cannot honour: cpus, partition, time limit', async () => {
    const caps = (await client.facilities()).find((f) => f.name === 'slurm')!.capabilities;
    const post = (extra: object) =>
      authedFetch(p, '/api/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x', facility: 'slurm', executable: '/bin/true', ...extra })
      });
    const cases: Array<[object, string, RegExp]> = [
      [
        { resources: { cpuCoresPerProcess: caps.maxCpusPerNode! + 1 } },
        'body.resources.cpuCoresPerProcess',
        /CPU cores per node/
      ],
      [{ attributes: { queue: 'gpu-huge' } }, 'body.attributes.queue', /unknown queue "gpu-huge".*debug/],
      [{ attributes: { queue: 'short', duration: '10m' } }, 'body.attributes.duration', /600 s; the limit .* 300 s/],
      [
        { attributes: { custom: { 'slurm.wrap': 'rm -rf /' } } },
        'body.attributes.custom.slurm.wrap',
        /does not understand/
      ]
    ];
    for (const [extra, where, message] of cases) {
      const r = await post(extra);
      expect(r.status).toBe(422);
      const e = ErrorBody.parse(await r.json()).error;
      expect(e.issues?.[0]?.path).toBe(where);
      expect(e.message).toMatch(message);
    }
  });

  it('never takes a failed status query for a failed job: the controller goes away and comes back', async () => {
    const { job } = await client.submit({
      name: 'outage',
      facility: 'slurm',
      executable: '/bin/sleep',
      arguments: ['10']
    });
    await until('ACTIVE', async () => (await client.get(job.id)).state === 'ACTIVE' || undefined, 20000);
    slurmctld.stop();
    try {
      await until(
        'unhealthy',
        async () => (await client.facilities()).find((f) => f.name === 'slurm')!.healthy === false || undefined,
        20000
      );
      const during = await client.get(job.id);
      expect(during.state).toBe('ACTIVE');
      const f = (await client.facilities()).find((x) => x.name === 'slurm')!;
      expect(f.message).toMatch(/status query failed/);
    } finally {
      slurmctld.start();
    }
    const done = await untilFinal(client, job.id, 60000);
    expect(done.state).toBe('COMPLETED');
    expect(done.exitCode).toBe(0);
  });

  it('ends a job over its time limit FAILED with reason TIMEOUT (Slurm’s own TIMEOUT kept)', async () => {
    const done = await untilFinal(client, timeoutJob, 180000);
    expect(done).toMatchObject({ state: 'FAILED', reason: 'TIMEOUT', nativeState: 'TIMEOUT' });
  }, 200000);
});
