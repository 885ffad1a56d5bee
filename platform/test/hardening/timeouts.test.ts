import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { tempHome } from '@genesis-lab/test-support';
import { SlurmCommands } from '../../src/facilities/slurm/commands';
import { SlurmRestTransport } from '../../src/facilities/slurm/rest-transport';

/**
 * Every outbound call of the platform has a deadline: slurmrestd over HTTP and the Slurm
 * commands. A peer that accepts and never answers, or a command that hangs, becomes a clear
 * error within the configured time instead of a stuck request.
 */
describe('outbound calls time out', () => {
  it('slurmrestd that accepts the connection and never answers', async () => {
    const held: http.ServerResponse[] = [];
    const server = http.createServer((_req, res) => held.push(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const t = new SlurmRestTransport(
        {
          kind: 'rest',
          url: `http://127.0.0.1:${port}`,
          user: 'root',
          tokenEnv: 'FAKE_JWT',
          apiVersion: 'v0.0.38'
        } as never,
        300,
        { FAKE_JWT: 'x.eyJleHAiOjQxMDI0NDQ4MDB9.x' }
      );
      const started = Date.now();
      await expect(t.fetchQueue()).rejects.toThrow(/no answer within 300 ms/);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      for (const r of held) r.destroy();
      server.close();
    }
  });

  it('a Slurm command that hangs', async () => {
    const bin = tempHome('genesis-hang-bin-');
    fs.writeFileSync(path.join(bin, 'squeue'), '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const c = new SlurmCommands(bin, 300);
    await expect(c.run('squeue', [])).rejects.toThrow(/timed out after 300 ms/);
  });
});
