import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LogChunk } from '@genesis-lab/contract';
import { JobsClient } from '@genesis-lab/client';
import { type PlatformProcess, startPlatformProcess, tempHome, until } from '@genesis-lab/test-support';

/**
 * One JobsClient (the same object, as a cell's `job.wait()` holds it) across a platform crash
 * and restart at the same address and token (what Jupyter's supervisor does): its socket
 * reconnects and resubscribes by itself, `wait()` resolves with the final job, and
 * `followLogs()` delivers the whole log, no gap and no duplicate.
 */
describe('a JobsClient across a platform restart', () => {
  let first: PlatformProcess;
  let second: PlatformProcess | undefined;
  let home: string;
  beforeAll(async () => {
    home = tempHome('genesis-client-restart-');
    fs.writeFileSync(
      path.join(home, 'facilities.json'),
      JSON.stringify({ facilities: [{ name: 'local', kind: 'local' }] })
    );
    first = await startPlatformProcess({ home });
  });
  afterAll(async () => {
    await first?.kill();
    await second?.stop();
  });

  it('wait() and followLogs() of the same client survive kill -9 and a restart', async () => {
    const client = new JobsClient({ url: first.url, token: first.token });
    try {
      // 40 lines over ~4 s: the crash falls in the middle of the job.
      const { job } = await client.submit({
        name: 'through-restart',
        executable: '/bin/sh',
        arguments: ['-c', 'i=0; while [ $i -lt 40 ]; do echo "line $i"; i=$((i+1)); sleep 0.1; done']
      });
      const chunks: LogChunk[] = [];
      const waited = client.wait(job.id);
      const followed = client.followLogs(job.id, 'stdout', 0, (c) => chunks.push(c));
      await until('the first live chunk', () => chunks.length > 0 || undefined, 20000);
      // Still running when the platform dies (it has no exit file yet).
      expect(fs.existsSync(path.join(job.workDir!, 'exit'))).toBe(false);
      await first.kill();
      const port = new URL(first.url).port;
      second = await startPlatformProcess({ home, args: ['--port', port], env: { GENESIS_TOKEN: first.token } });
      expect(second.url).toBe(first.url);
      const [done, end] = await Promise.all([waited, followed]);
      expect(done.state).toBe('COMPLETED');
      const file = fs.readFileSync(path.join(job.workDir!, 'stdout'));
      expect(end).toBe(file.length);
      expect(Buffer.concat(chunks.map((c) => Buffer.from(c.data))).equals(file)).toBe(true);
      for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.offset).toBe(chunks[i - 1]!.nextOffset);
      expect(chunks.at(-1)!.eof).toBe(true);
    } finally {
      client.close();
    }
  }, 90000);
});
