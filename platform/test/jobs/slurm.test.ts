import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ErrorBody, type FacilityInfo, type JobUpdate } from '@genesis-lab/contract';
import { JobsClient } from '@genesis-lab/client';
import {
  countingProxy,
  mintSlurmToken,
  removeTokenFiles,
  slurmRestUp,
  tokenFile,
  type CountingProxy
} from '../support/slurm-rest';
import {
  authedFetch,
  describeWithService,
  type PlatformProcess,
  platformWithFacilities,
  slurmctld,
  slurmUp,
  startPlatformProcess,
  until,
  untilFinal
} from '@genesis-lab/test-support';

/**
 * How a suite reaches Slurm: the transport config, the status calls it made (as counted
 * outside the connector where possible), and a way to make Slurm unreachable for a while.
 */
interface TransportUnderTest {
  transport(): Promise<object>;
  /** Status calls so far (read right after `stats`, which the CLI's count comes from). */
  statusCalls(stats: FacilityInfo['stats']): number;
  /**
   * Slurm unreachable for a while; `shared` when that takes down a service other suites use
   * (slurmctld): then the test runs in the serial suite (slurm-outage.test.ts), not here.
   */
  outage: { start(): void; end(): void; shared: boolean };
  close(): Promise<void>;
}

const transports: Array<{
  name: string;
  service: string;
  check: () => { ok: boolean; why: string };
  make(): TransportUnderTest;
}> = [
  {
    name: 'cli',
    service: 'Slurm',
    check: slurmUp,
    make: () => ({
      transport: async () => ({ kind: 'cli' }),
      statusCalls: (stats) => (stats['calls.squeue'] ?? 0) + (stats['calls.sacct'] ?? 0),
      // A real controller outage (slurmctld stopped and started again): in the serial suite.
      outage: { start: () => slurmctld.stop(), end: () => slurmctld.start(), shared: true },
      close: async () => undefined
    })
  },
  {
    name: 'rest',
    service: 'slurmrestd',
    check: slurmRestUp,
    make: () => {
      let proxy: CountingProxy | undefined;
      let config: object | undefined;
      return {
        transport: async () => {
          proxy ??= await countingProxy();
          const user = os.userInfo().username;
          config ??= { kind: 'rest', url: proxy.url, user, tokenFile: tokenFile(mintSlurmToken(user)) };
          return config;
        },
        // Requests that really reached the proxy in front of slurmrestd.
        statusCalls: () =>
          [...proxy!.counts]
            .filter(([k]) => k === 'GET /jobs' || k.startsWith('GET /job/'))
            .reduce((a, [, n]) => a + n, 0),
        // slurmrestd unreachable (502 from the proxy); slurmctld, shared with other suites, stays up.
        outage: { start: () => (proxy!.failing = true), end: () => (proxy!.failing = false), shared: false },
        close: async () => {
          removeTokenFiles();
          await proxy?.close();
        }
      };
    }
  }
];

/** The Slurm facility against the real one-node cluster that scripts/slurm-up starts, through each transport. */
for (const t of transports)
  describeWithService(t.service, t.check, `slurm facility (real Slurm, ${t.name} transport)`, () => {
    let p: PlatformProcess;
    let client: JobsClient;
    let timeoutJob: string;
    const via = t.make();
    const slurmFacility = async () => ({
      name: 'slurm',
      kind: 'slurm',
      pollIntervalMs: 500,
      statusRetries: 1,
      commandTimeoutMs: 3000,
      transport: await via.transport()
    });
    beforeAll(async () => {
      ({ p, client } = await platformWithFacilities([{ name: 'local', kind: 'local' }, await slurmFacility()]));
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
      // Held jobs never end on their own: leave nothing of this suite in the shared cluster.
      if (client)
        for (const j of (await client.list({ state: ['NEW', 'QUEUED', 'HELD', 'ACTIVE'], limit: 1000 })).jobs)
          await client.cancel(j.id).catch(() => undefined);
      client?.close();
      await p?.stop();
      await via.close();
    });

    it('lists the facility with capabilities discovered from the cluster', async () => {
      const slurm = (await client.facilities()).find((f) => f.name === 'slurm')!;
      expect(slurm.healthy).toBe(true);
      expect(slurm.capabilities.transport).toMatch(new RegExp(`^${t.name}\\b`));
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

    it('ends a job over its memory FAILED with reason OUT_OF_MEMORY (Slurm’s own OUT_OF_MEMORY kept)', async () => {
      // 1 GiB written byte by byte (so it is really resident) under a 100 MB limit: the memory
      // cgroup of task/cgroup (scripts/slurm-up) has the kernel kill it and Slurm says so.
      const { job } = await client.submit({
        name: 'too-big',
        facility: 'slurm',
        executable: process.execPath,
        arguments: ['-e', 'const b = Buffer.alloc(1 << 30, 1); console.log("allocated", b.length)'],
        resources: { memory: '100M' }
      });
      const done = await untilFinal(client, job.id);
      const verdict = {
        state: 'FAILED',
        reason: 'OUT_OF_MEMORY',
        nativeState: 'OUT_OF_MEMORY',
        nativeReason: 'OutOfMemory',
        // The program's own status as our script saw it: killed by SIGKILL.
        exitCode: 137
      };
      expect(done).toMatchObject(verdict);
      expect(done.history[done.history.length - 1]).toMatchObject(verdict);
      expect((await client.logs(job.id)).data).not.toMatch(/allocated/);
      expect((await client.logs(job.id, { stream: 'stderr' })).data).toMatch(/oom-kill/);
    });

    it('completes a job with arguments that look like shell and directives, passed literally, with its outputs', async () => {
      const tricky = ["it's", '$(touch pwned)', '\n#SBATCH --partition=nope', 'a;b'];
      const outTarget = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'slurm-out-')), 'out.txt');
      const { job } = await client.submit({
        name: 'literal',
        facility: 'slurm',
        executable: '/bin/sh',
        arguments: ['-c', 'printf "%s|" "$@" | tee out.txt', 'sh', ...tricky],
        attributes: { queue: 'short', duration: '2m' },
        stageOut: [{ source: 'out.txt', target: outTarget }]
      });
      const done = await untilFinal(client, job.id);
      const printed = tricky.map((a) => `${a}|`).join('');
      expect(done.state).toBe('COMPLETED');
      expect(done.exitCode).toBe(0);
      expect((await client.logs(job.id)).data).toBe(printed);
      expect(fs.existsSync(path.join(done.workDir!, 'pwned'))).toBe(false);
      expect(fs.readFileSync(outTarget, 'utf8')).toBe(printed);
      expect(done.outputs).toEqual([{ source: 'out.txt', target: outTarget, bytes: Buffer.byteLength(printed) }]);
    });

    it('asks Slurm once per poll cycle however many jobs are tracked', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++)
        ids.push(
          (
            await client.submit({
              name: `many-${i}`,
              facility: 'slurm',
              executable: '/bin/true',
              attributes: { custom: { 'slurm.hold': 'true' } }
            })
          ).job.id
        );
      await until(
        'all HELD',
        async () => (await Promise.all(ids.map((id) => client.get(id)))).every((j) => j.state === 'HELD') || undefined,
        30000
      );
      const stats = async () => (await client.facilities()).find((f) => f.name === 'slurm')!.stats;
      const s0 = await stats();
      const calls0 = via.statusCalls(s0);
      await until('4 more poll cycles', async () => (await stats()).cycles >= s0.cycles! + 4 || undefined, 20000);
      const s1 = await stats();
      const calls1 = via.statusCalls(s1);
      const cycles = s1.cycles! - s0.cycles!;
      expect(s1.lastCycleJobs).toBeGreaterThanOrEqual(20);
      // Counted where the calls go (the proxy in front of slurmrestd; squeue/sacct runs for the CLI).
      // A cycle may be running while the stats are read: allow that one.
      expect(Math.abs(calls1 - calls0 - cycles)).toBeLessThanOrEqual(1);
      expect(s1.cycleCalls! - s0.cycleCalls!).toBe(cycles);
      for (const id of ids) await client.cancel(id);
      for (const id of ids) expect((await untilFinal(client, id, 20000)).state).toBe('CANCELED');
    }, 90000);

    it('holds a job (QUEUED <-> HELD), releases it and cancels it', async () => {
      // Subscribed before the submit: the transitions asserted are the ones the socket pushed.
      const updates: JobUpdate[] = [];
      const stop = await client.watch({ facility: 'slurm' }, (u) => updates.push(u));
      // Held, and once released still waiting for its begin time: it stays QUEUED until canceled.
      const { job } = await client.submit({
        name: 'held',
        facility: 'slurm',
        executable: '/bin/true',
        attributes: { custom: { 'slurm.hold': 'true', 'slurm.begin': 'now+1hour' } }
      });
      await until('HELD', async () => (await client.get(job.id)).state === 'HELD' || undefined, 15000);
      const held = await client.get(job.id);
      expect(held.nativeState).toBe('PENDING');
      expect(held.nativeReason).toMatch(/JobHeld/);
      // Only a HELD job can be released: a second release is a conflict, not a silent success.
      const released = await client.release(job.id);
      expect(released.state).toBe('QUEUED');
      expect(released.nativeState).toBe('PENDING');
      expect(released.nativeReason ?? '').not.toMatch(/JobHeld/);
      await expect(client.release(job.id)).rejects.toMatchObject({ code: 'conflict', status: 409 });
      const canceled = await client.cancel(job.id);
      const done = canceled.state === 'CANCELED' ? canceled : await untilFinal(client, job.id);
      expect(done).toMatchObject({ state: 'CANCELED', reason: 'CANCELED_BY_USER', nativeState: 'CANCELLED' });
      await until('the CANCELED update', () => updates.some((u) => u.job.id === job.id && u.job.state === 'CANCELED'));
      stop();
      const pushed = updates.filter((u) => u.job.id === job.id).map((u) => u.event.state);
      expect(pushed).toEqual(['NEW', 'QUEUED', 'HELD', 'QUEUED', 'CANCELED']);
      expect(done.history.map((e) => e.state)).toEqual(pushed);
    });

    /** A `sleep` job, once Slurm runs it. */
    async function running(name: string, seconds: number) {
      const { job } = await client.submit({
        name,
        facility: 'slurm',
        executable: '/bin/sleep',
        arguments: [String(seconds)]
      });
      await until('ACTIVE', async () => (await client.get(job.id)).state === 'ACTIVE' || undefined, 20000);
      return job;
    }

    it('cancels a running job', async () => {
      const job = await running('long', 300);
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

    // The CLI transport's outage stops the shared slurmctld: slurm-outage.test.ts (serial suite) runs it.
    if (!via.outage.shared)
      it('never takes a failed status query for a failed job: Slurm goes away and comes back', async () => {
        const job = await running('outage', 10);
        via.outage.start();
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
          via.outage.end();
        }
        const done = await untilFinal(client, job.id, 60000);
        expect(done.state).toBe('COMPLETED');
        expect(done.exitCode).toBe(0);
      });

    it('finds its jobs again after a platform crash: one that ended meanwhile, one that ran on', async () => {
      const first = await platformWithFacilities([await slurmFacility()]);
      let second: PlatformProcess | undefined;
      let c2: JobsClient | undefined;
      try {
        const submit = async (name: string, script: string) =>
          (await first.client.submit({ name, facility: 'slurm', executable: '/bin/sh', arguments: ['-c', script] }))
            .job;
        // Both are in Slurm (native ids stored at submit); on a 2-CPU node shared with the
        // suite's other jobs they may still wait for a CPU when the platform dies.
        const ended = await submit('ends-meanwhile', 'sleep 1; exit 5');
        const ranOn = await submit('runs-on', 'sleep 6; echo done');
        first.client.close();
        await first.p.kill();
        await until(
          'the first job to end while nobody watches',
          () => fs.existsSync(path.join(ended.workDir!, 'exit')) || undefined,
          60000
        );
        second = await startPlatformProcess({ home: first.home });
        c2 = new JobsClient(second);
        expect(await untilFinal(c2, ended.id)).toMatchObject({ state: 'FAILED', exitCode: 5, reason: 'NONZERO_EXIT' });
        const done = await untilFinal(c2, ranOn.id, 60000);
        expect(done).toMatchObject({ state: 'COMPLETED', exitCode: 0, nativeId: ranOn.nativeId });
        const states = done.history.map((e) => e.state);
        expect(states.slice(0, 2)).toEqual(['NEW', 'QUEUED']);
        expect(states[states.length - 1]).toBe('COMPLETED');
        expect(new Set(states).size).toBe(states.length);
        expect((await c2.logs(ranOn.id)).data).toBe('done\n');
      } finally {
        first.client.close();
        await first.p.kill();
        c2?.close();
        await second?.stop();
      }
    }, 150000);

    it('ends a job over its time limit FAILED with reason TIMEOUT (Slurm’s own TIMEOUT kept)', async () => {
      const done = await untilFinal(client, timeoutJob, 180000);
      expect(done).toMatchObject({ state: 'FAILED', reason: 'TIMEOUT', nativeState: 'TIMEOUT' });
    }, 200000);
  });
