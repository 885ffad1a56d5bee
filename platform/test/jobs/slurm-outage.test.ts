import { JobsClient } from '@genesis-lab/client';
import {
  describeWithService,
  type PlatformProcess,
  platformWithFacilities,
  slurmctld,
  slurmUp,
  until,
  untilFinal
} from '@genesis-lab/test-support';

/**
 * A real controller outage for the CLI transport: slurmctld is stopped and started again.
 * Every other suite that uses Slurm would see it go away (and a suite loaded meanwhile would
 * find no Slurm), so this runs in the serial suite only (jest.config.js, scripts/test).
 */
describeWithService('Slurm', slurmUp, 'slurm facility through a controller outage (real slurmctld stopped)', () => {
  let p: PlatformProcess;
  let client: JobsClient;
  beforeAll(async () => {
    ({ p, client } = await platformWithFacilities([
      { name: 'slurm', kind: 'slurm', pollIntervalMs: 500, statusRetries: 1, commandTimeoutMs: 3000 }
    ]));
  });
  afterAll(async () => {
    client?.close();
    await p?.stop();
  });

  it('never takes a failed status query for a failed job: Slurm goes away and comes back', async () => {
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
      expect((await client.get(job.id)).state).toBe('ACTIVE');
      const f = (await client.facilities()).find((x) => x.name === 'slurm')!;
      expect(f.message).toMatch(/status query failed/);
    } finally {
      slurmctld.start();
    }
    const done = await untilFinal(client, job.id, 60000);
    expect(done.state).toBe('COMPLETED');
    expect(done.exitCode).toBe(0);
  }, 120000);
});
