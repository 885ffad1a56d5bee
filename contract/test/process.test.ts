import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { processAlive } from '@genesis-lab/contract/node';

describe('processAlive (the one rule for discovery files, home locks and temp files)', () => {
  test('this process is running', () => {
    expect(processAlive(process.pid)).toBe(true);
  });

  test('a process that exited and was reaped is gone', () => {
    const done = spawnSync('true');
    expect(done.status).toBe(0);
    expect(processAlive(done.pid)).toBe(false);
  });

  test("someone else's process (pid 1) counts as running", () => {
    expect(processAlive(1)).toBe(true);
  });

  test('a zombie (exited, parent never reaps it) counts as gone', async () => {
    // The background `sleep 0` exits at once; its parent became `sleep 5`, which never waits.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const zombie = await new Promise<number>((resolve) =>
        parent.stdout.once('data', (b: Buffer) => resolve(Number.parseInt(b.toString(), 10)))
      );
      const state = () => /\) (\S)/.exec(fs.readFileSync(`/proc/${zombie}/stat`, 'utf8'))?.[1];
      const deadline = Date.now() + 5000;
      while (state() !== 'Z' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(state()).toBe('Z');
      expect(processAlive(zombie)).toBe(false);
      // Signal 0 alone would still say yes: the pid exists until its parent reaps it.
      expect(() => process.kill(zombie, 0)).not.toThrow();
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
