import * as fs from 'node:fs';
import * as path from 'node:path';
import { isFinal, type Job, type JobUpdate } from '@genesis-lab/contract';
import { JobsClient } from '@genesis-lab/client';
import { type PlatformProcess, startPlatformProcess, tempHome, until } from '@genesis-lab/test-support';

/**
 * `JobsClient.watch()` (one client, as a notebook or the CLI holds it) across the two
 * disruptions where events go missing: its socket dropped (socket.io reconnects by itself) and
 * the platform restarted at the same address and token, each while jobs are changing. Every
 * transition in the persisted histories must reach the watcher exactly once, in `seq` order.
 */
describe('JobsClient.watch() across a reconnect and a platform restart', () => {
  let platform: PlatformProcess;
  let home: string;
  beforeAll(async () => {
    home = tempHome('genesis-watch-catch-up-');
    fs.writeFileSync(
      path.join(home, 'facilities.json'),
      JSON.stringify({ facilities: [{ name: 'local', kind: 'local' }] })
    );
    platform = await startPlatformProcess({ home });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  /** Per job, the seqs the watcher received, in arrival order. */
  function recorder(tag: string) {
    const seqs = new Map<string, number[]>();
    const onUpdate = (u: JobUpdate) => {
      if (u.job.spec.tags.run !== tag) return;
      const list = seqs.get(u.job.id) ?? [];
      list.push(u.event.seq);
      seqs.set(u.job.id, list);
    };
    return { seqs, onUpdate };
  }

  async function submitMany(client: JobsClient, tag: string, from: number, n: number, seconds: string) {
    const jobs: Job[] = [];
    for (let i = from; i < from + n; i++)
      jobs.push(
        (
          await client.submit(
            { name: `${tag}-${i}`, executable: '/bin/sleep', arguments: [seconds], tags: { run: tag } },
            { idempotencyKey: `${tag}-${i}` }
          )
        ).job
      );
    return jobs;
  }

  /** Once every job of `tag` is final and its history stands: received seqs must equal it. */
  async function expectEveryTransitionOnce(client: JobsClient, tag: string, seqs: Map<string, number[]>, n: number) {
    const persisted = await until(
      `${n} final jobs tagged ${tag}`,
      async () => {
        const { jobs } = await client.list({ facility: 'local', tag: `run=${tag}`, limit: 1000 });
        return jobs.length === n && jobs.every((j) => isFinal(j.state)) ? jobs : undefined;
      },
      60000
    );
    const want = new Map(persisted.map((j) => [j.id, j.history.map((e) => e.seq)]));
    // The last pushes may still be on their way; then the comparison is exact.
    await until(
      'every transition delivered',
      () => [...want].every(([id, w]) => (seqs.get(id)?.length ?? 0) >= w.length) || undefined,
      15000
    ).catch(() => undefined);
    expect(Object.fromEntries(seqs)).toEqual(Object.fromEntries(want));
  }

  it('a dropped socket: every transition once, in order', async () => {
    const client = new JobsClient({ url: platform.url, token: platform.token });
    const rec = recorder('reconnect');
    const stop = await client.watch({ facility: 'local' }, rec.onUpdate);
    try {
      const before = await submitMany(client, 'reconnect', 0, 8, '0.4');
      await until('a job running', () => [...rec.seqs.values()].some((s) => s.length >= 2) || undefined, 20000);
      // A transport drop: socket.io reconnects after its backoff (0.5-1.5 s) while the jobs end.
      const dropped = new Promise((resolve) => client.socket().once('disconnect', resolve));
      client.socket().io.engine.close();
      await dropped;
      const after = await submitMany(client, 'reconnect', 8, 8, '0.2');
      await expectEveryTransitionOnce(client, 'reconnect', rec.seqs, before.length + after.length);
    } finally {
      stop();
      client.close();
    }
  }, 120000);

  it('a platform restart at the same address: every transition once, in order', async () => {
    const client = new JobsClient({ url: platform.url, token: platform.token });
    const rec = recorder('restart');
    const stop = await client.watch({ facility: 'local' }, rec.onUpdate);
    try {
      const before = await submitMany(client, 'restart', 0, 8, '1');
      await until('a job running', () => [...rec.seqs.values()].some((s) => s.length >= 2) || undefined, 20000);
      // The jobs go on (their wrappers are not the platform's children) and end while it is down.
      const port = new URL(platform.url).port;
      await platform.stop();
      platform = await startPlatformProcess({ home, args: ['--port', port], env: { GENESIS_TOKEN: platform.token } });
      const after = await submitMany(client, 'restart', 8, 8, '0.2');
      await expectEveryTransitionOnce(client, 'restart', rec.seqs, before.length + after.length);
    } finally {
      stop();
      client.close();
    }
  }, 180000);
});
