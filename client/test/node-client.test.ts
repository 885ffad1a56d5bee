import * as fs from 'node:fs';
import * as path from 'node:path';
import { GenesisClient, JobsClient } from '@genesis-lab/client';
import { GenesisError, type LogChunk } from '@genesis-lab/contract';
import { freePort, startPlatformProcess, tempHome, type PlatformProcess } from '@genesis-lab/test-support';

/** The Node client against a real platform process: typed calls, the platform's errors, live jobs across a restart. */
describe('the Node client', () => {
  let p: PlatformProcess;
  beforeAll(async () => {
    p = await startPlatformProcess();
  });
  afterAll(() => p.stop());

  it('calls any route of the contract, its answer validated and typed from the route table', async () => {
    const c = new GenesisClient(p);
    const health = await c.call('health');
    expect(health.status).toBe('ok');
    const facilities = (await c.call('facilities')).facilities;
    expect(facilities.map((f) => f.name)).toContain('local');
    const { status, value } = await c.send('submitJob', {
      body: { name: 'echo', executable: '/bin/echo', arguments: ['hi'] }
    });
    expect(status).toBe(201);
    expect(value.state).toMatch(/NEW|QUEUED|ACTIVE|COMPLETED/);
  });

  it('raises the platform’s own error (code, message, suggestions), readable when printed', async () => {
    const c = new GenesisClient(p);
    const err = (await c
      .call('record', { params: { ns: 'noaa', name: 'nothing-here' } })
      .catch((e: unknown) => e)) as GenesisError;
    expect(err).toBeInstanceOf(GenesisError);
    expect(err.code).toBe('not_found');
    expect(err.status).toBe(404);
    expect(String(err.stack)).toMatch(/^GenesisError \[not_found\]: No record "noaa\/nothing-here"/);
    const wrong = await new GenesisClient({ url: p.url, token: 'x'.repeat(32) })
      .call('facilities')
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('follows a job and its log across a platform restart: resubscribes, catches up, misses no byte', async () => {
    const home = tempHome('genesis-client-restart-');
    fs.writeFileSync(
      path.join(home, 'facilities.json'),
      JSON.stringify({ facilities: [{ name: 'local', kind: 'local', pollIntervalMs: 100 }] })
    );
    // Same port and token after the restart, as the Jupyter supervisor restarts a platform.
    const port = await freePort();
    const token = 't'.repeat(40);
    const start = () => startPlatformProcess({ home, args: ['--port', String(port)], env: { GENESIS_TOKEN: token } });
    let first: PlatformProcess | undefined = await start();
    let second: PlatformProcess | undefined;
    const jobs = new JobsClient({ url: first.url, token });
    try {
      const { job } = await jobs.submit({
        name: 'ticker',
        executable: '/bin/sh',
        arguments: ['-c', 'for i in $(seq 1 40); do echo "tick $i ✓"; sleep 0.1; done']
      });
      const seen: string[] = [];
      const chunks: LogChunk[] = [];
      const waited = jobs.wait(job.id, { onUpdate: (j) => seen.push(j.state) });
      const followed = jobs.followLogs(job.id, 'stdout', 0, (c) => chunks.push(c));
      await new Promise((r) => setTimeout(r, 1200));
      await first.stop();
      first = undefined;
      second = await start();
      const final = await waited;
      const end = await followed;
      expect(final.state).toBe('COMPLETED');
      expect(seen[seen.length - 1]).toBe('COMPLETED');
      const file = fs.readFileSync(path.join(final.workDir!, 'stdout'));
      expect(Buffer.concat(chunks.map((c) => Buffer.from(c.data, 'utf8'))).equals(file)).toBe(true);
      expect(end).toBe(file.length);
      for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.offset).toBe(chunks[i - 1]!.nextOffset);
    } finally {
      jobs.close();
      await first?.stop();
      await second?.stop();
    }
  }, 90000);
});
