import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorBody, FacilityRefresh, Health, type FacilityInfo } from '@genesis-lab/contract';
import { JobsClient } from '@genesis-lab/kernel';
import { authedFetch, runCli, startPlatformProcess, tempHome, type PlatformProcess } from '@genesis-lab/test-support';
import { until, untilFinal } from '@genesis-lab/test-support';
import { describeWithService, slurmUp } from '@genesis-lab/test-support';

const SLURM_TOOLS = ['sbatch', 'squeue', 'scancel', 'scontrol', 'sacct'];

/** Where a tool is on this machine's PATH. */
function which(tool: string): string {
  return execFileSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
}

/** Make the real Slurm tools appear in `dir` (as a cluster's client tools appear when it is installed). */
function linkSlurmTools(dir: string): void {
  for (const tool of SLURM_TOOLS) fs.symlinkSync(which(tool), path.join(dir, tool));
}

function unlinkSlurmTools(dir: string): void {
  for (const tool of SLURM_TOOLS) fs.rmSync(path.join(dir, tool), { force: true });
}

const facility = async (client: JobsClient, name: string): Promise<FacilityInfo | undefined> =>
  (await client.facilities()).find((f) => f.name === name);

describeWithService('Slurm', slurmUp, 'facilities that come up after the platform started', () => {
  it('a Slurm facility whose tools are missing at start turns healthy once they appear, and back after an outage, without a restart', async () => {
    const bin = tempHome('genesis-slurm-bin-');
    const home = tempHome('genesis-refresh-');
    // Probed again every second here (30 s by default).
    fs.writeFileSync(
      path.join(home, 'facilities.json'),
      JSON.stringify({
        probeIntervalMs: 1000,
        facilities: [{ name: 'hpc', kind: 'slurm', binDir: bin, pollIntervalMs: 500, commandTimeoutMs: 5000 }]
      })
    );
    const q = await startPlatformProcess({ home });
    const c = new JobsClient(q);
    try {
      const startedAt = Health.parse(await (await fetch(`${q.url}/api/health`)).json()).startedAt;
      const before = (await facility(c, 'hpc'))!;
      expect(before.healthy).toBe(false);
      expect(before.message).toMatch(/ENOENT|not found|No such file/);
      const refused = await authedFetch(q, '/api/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'early', facility: 'hpc', executable: '/bin/true' })
      });
      expect(refused.status).toBe(503);
      expect(ErrorBody.parse(await refused.json()).error.message).toMatch(/not reachable/);

      // The tools appear; nobody restarts anything or asks for a refresh.
      linkSlurmTools(bin);
      const healthy = await until('hpc healthy', async () => ((await facility(c, 'hpc'))?.healthy ? true : undefined));
      expect(healthy).toBe(true);
      const after = (await facility(c, 'hpc'))!;
      expect(after.capabilities.queues).toEqual(expect.arrayContaining(['debug']));
      expect(after.capabilities.maxNodes).toBe(1);
      const { job } = await c.submit({
        name: 'late',
        facility: 'hpc',
        executable: '/bin/sh',
        arguments: ['-c', 'exit 0']
      });
      expect(await untilFinal(c, job.id)).toMatchObject({ state: 'COMPLETED', exitCode: 0 });

      // The tools go away (unhealthy at the next probe) and come back (healthy again).
      unlinkSlurmTools(bin);
      await until('hpc unhealthy', async () => ((await facility(c, 'hpc'))?.healthy === false ? true : undefined));
      linkSlurmTools(bin);
      await until('hpc healthy again', async () => ((await facility(c, 'hpc'))?.healthy ? true : undefined));

      // The same platform process all along.
      expect(Health.parse(await (await fetch(`${q.url}/api/health`)).json()).startedAt).toBe(startedAt);
    } finally {
      c.close();
      await q.stop();
    }
  }, 120000);
});

describeWithService('Slurm', slurmUp, 'genesis facilities --refresh (POST /api/facilities/refresh)', () => {
  let p: PlatformProcess;
  let bin: string;
  beforeAll(async () => {
    // No facilities file: the defaults, with a PATH where Slurm's tools are not (yet).
    bin = tempHome('genesis-path-');
    for (const tool of ['setsid', 'sleep', 'mv']) fs.symlinkSync(which(tool), path.join(bin, tool));
    p = await startPlatformProcess({ env: { PATH: bin } });
  });
  afterAll(async () => {
    await p?.stop();
  });
  const refresh = (...extra: string[]) =>
    runCli(['facilities', '--refresh', ...extra], { GENESIS_URL: p.url, GENESIS_TOKEN: p.token });

  it('adds the default Slurm facility once its tools are on PATH, healthy, without a restart', async () => {
    const c = new JobsClient(p);
    try {
      expect((await c.facilities()).map((f) => f.name)).toEqual(['local']);
      const nothing = refresh('--json');
      expect(nothing.status).toBe(0);
      expect(FacilityRefresh.parse(JSON.parse(nothing.stdout)).added).toEqual([]);

      linkSlurmTools(bin);
      const r = refresh();
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^new facility: slurm$/m);
      expect(r.stdout).toMatch(/^slurm \(slurm\) healthy: Slurm cluster/m);
      const slurm = (await facility(c, 'slurm'))!;
      expect(slurm.healthy).toBe(true);
      expect(slurm.capabilities.queues).toEqual(expect.arrayContaining(['debug']));
      // Once there, it stays the one facility of that name.
      expect(FacilityRefresh.parse(JSON.parse(refresh('--json').stdout)).added).toEqual([]);
      expect((await c.facilities()).map((f) => f.name)).toEqual(['local', 'slurm']);
    } finally {
      c.close();
    }
  });

  it('keeps the running facilities when the configuration cannot be read, and says why', async () => {
    fs.writeFileSync(
      path.join(p.home, 'facilities.json'),
      JSON.stringify({ facilities: [{ name: 'local', kind: 'local', maxConcurrent: 0 }] })
    );
    try {
      const r = await authedFetch(p, '/api/facilities/refresh', { method: 'POST' });
      expect(r.status).toBe(200);
      const body = FacilityRefresh.parse(await r.json());
      expect(body.notes).toEqual([expect.stringMatching(/facilities\[0\]\.maxConcurrent.*stay as they are/)]);
      expect(body.facilities.map((f) => f.name)).toEqual(['local', 'slurm']);
    } finally {
      fs.rmSync(path.join(p.home, 'facilities.json'));
    }
  });
});
