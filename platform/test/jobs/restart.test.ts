import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobsClient } from '@genesis-lab/client';
import { startPlatformProcess, tempHome, until, untilFinal } from '@genesis-lab/test-support';

/** Local jobs outlive a platform crash and are found again, running or finished. */
describe('local jobs across a platform crash', () => {
  it('adopts a job still running, finishes one that ended meanwhile, starts one never launched', async () => {
    const home = tempHome('genesis-restart-');
    fs.writeFileSync(
      path.join(home, 'facilities.json'),
      JSON.stringify({ facilities: [{ name: 'local', kind: 'local', maxConcurrent: 2, pollIntervalMs: 100 }] })
    );
    const first = await startPlatformProcess({ home });
    const c1 = new JobsClient(first);
    const long = (
      await c1.submit({ name: 'long', executable: '/bin/sh', arguments: ['-c', 'sleep 6; echo survived; exit 4'] })
    ).job;
    const short = (await c1.submit({ name: 'short', executable: '/bin/sh', arguments: ['-c', 'sleep 0.5; exit 0'] }))
      .job;
    const waiting = (await c1.submit({ name: 'waiting', executable: '/bin/echo', arguments: ['late start'] })).job;
    await until('both running', async () =>
      (await c1.get(short.id)).state === 'ACTIVE' && (await c1.get(long.id)).state === 'ACTIVE' ? true : undefined
    );
    expect((await c1.get(waiting.id)).state).toBe('QUEUED');
    const longPid = (await c1.get(long.id)).nativeId;
    c1.close();
    await first.kill();

    await new Promise((r) => setTimeout(r, 1000)); // "short" ends while nobody watches
    const second = await startPlatformProcess({ home });
    const c2 = new JobsClient(second);
    try {
      const s = await untilFinal(c2, short.id);
      expect([s.state, s.exitCode]).toEqual(['COMPLETED', 0]);
      const adopted = await c2.get(long.id);
      expect(adopted.state).toBe('ACTIVE');
      expect(adopted.history.map((e) => e.state)).toEqual(['NEW', 'QUEUED', 'ACTIVE']);
      expect(adopted.nativeId).toBe(longPid);
      const l = await untilFinal(c2, long.id, 20000);
      expect([l.state, l.exitCode, l.reason]).toEqual(['FAILED', 4, 'NONZERO_EXIT']);
      expect((await c2.logs(long.id)).data).toBe('survived\n');
      const w = await untilFinal(c2, waiting.id);
      expect(w.state).toBe('COMPLETED');
      expect((await c2.logs(waiting.id)).data).toBe('late start\n');
    } finally {
      c2.close();
      await second.stop();
    }
  }, 60000);
});
