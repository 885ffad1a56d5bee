import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JobsClient } from '@genesis-lab/client';
import { SLURMRESTD_URL, mintSlurmToken, removeTokenFiles, slurmRestUp, tokenFile } from '../support/slurm-rest';
import {
  describeWithService,
  isAlive,
  platformWithFacilities,
  slurmUp,
  until,
  untilFinal,
  type PlatformProcess
} from '@genesis-lab/test-support';

/**
 * Failures of the cluster itself, on the real one-node Slurm of scripts/slurm-up. Setting the
 * node DOWN kills EVERY job running on it, so this file never runs next to other Slurm tests:
 * jest.config.js leaves it out of the normal run and scripts/test runs it alone afterwards
 * (suite "serial", GENESIS_SERIAL_TESTS=1, --runInBand). It still refuses to take the node down
 * while a job it did not submit is running there.
 */

const slurm = (...args: string[]) =>
  execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout: 15000, stdio: ['ignore', 'pipe', 'pipe'] });

/** Running Slurm jobs other than `ours`: "id state node" lines. */
function othersRunning(ours: string): string[] {
  return slurm('squeue', '-h', '-t', 'CF,R,CG,S,ST', '-o', '%i %T %N')
    .split('\n')
    .filter((l) => l.trim() && l.split(' ')[0] !== ours);
}

/** Put the node back in service if it is still DOWN (ReturnToService=2 usually has done it). */
async function resume(node: string): Promise<void> {
  if (/down|drain|fail/i.test(slurm('sinfo', '-h', '-n', node, '-o', '%T')))
    slurm('scontrol', 'update', `nodename=${node}`, 'state=resume');
  await until(
    `node ${node} back in service`,
    () => /^(idle|mixed|allocated)/.test(slurm('sinfo', '-h', '-n', node, '-o', '%T').trim()) || undefined,
    30000
  );
}

const transports = [
  { name: 'cli', service: 'Slurm', check: slurmUp, transport: () => ({ kind: 'cli' }) },
  {
    name: 'rest',
    service: 'slurmrestd',
    check: slurmRestUp,
    transport: () => {
      const user = os.userInfo().username;
      return { kind: 'rest', url: SLURMRESTD_URL, user, tokenFile: tokenFile(mintSlurmToken(user)) };
    }
  }
];

for (const t of transports)
  describeWithService(t.service, t.check, `slurm cluster failures (real Slurm, ${t.name} transport)`, () => {
    let p: PlatformProcess;
    let client: JobsClient;
    beforeAll(async () => {
      ({ p, client } = await platformWithFacilities([
        { name: 'slurm', kind: 'slurm', pollIntervalMs: 500, statusRetries: 1, transport: t.transport() }
      ]));
    });
    afterAll(async () => {
      client?.close();
      await p?.stop();
      removeTokenFiles();
    });

    it('ends a running job FAILED with reason NODE_FAIL when its node goes DOWN (Slurm’s NODE_FAIL kept)', async () => {
      const { job } = await client.submit({
        name: 'on-a-failing-node',
        facility: 'slurm',
        executable: '/bin/sh',
        arguments: ['-c', 'echo $$ > program.pid; exec sleep 300']
      });
      const pidFile = path.join(job.workDir!, 'program.pid');
      await until('ACTIVE with its program started', async () => {
        const j = await client.get(job.id);
        return (j.state === 'ACTIVE' && fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim()) || undefined;
      });
      const programPid = Number(fs.readFileSync(pidFile, 'utf8'));
      const node = slurm('squeue', '-h', '-j', job.nativeId!, '-o', '%N').trim();
      expect(node).not.toBe('');
      // Never kill somebody else's job: wait for the node to be ours alone, else fail.
      try {
        await until(
          'no other job running on the node',
          () => othersRunning(job.nativeId!).length === 0 || undefined,
          120000
        );
      } catch {
        await client.cancel(job.id);
        throw new Error(
          `refusing to set node ${node} DOWN: other jobs run there (${othersRunning(job.nativeId!).join('; ')}); ` +
            'this file must run alone (scripts/test suite "serial")'
        );
      }
      try {
        slurm('scontrol', 'update', `nodename=${node}`, 'state=down', 'reason=genesis-test');
        const done = await untilFinal(client, job.id, 30000);
        const verdict = { state: 'FAILED', reason: 'NODE_FAIL', nativeState: 'NODE_FAIL', nativeReason: 'NodeDown' };
        expect(done).toMatchObject(verdict);
        expect(done.history[done.history.length - 1]).toMatchObject(verdict);
        expect(done.history.map((e) => e.state)).toEqual(['NEW', 'QUEUED', 'ACTIVE', 'FAILED']);
        // Slurm really stopped the program (JobRequeue=0: it does not run again either).
        await until('the program to be gone', () => !isAlive(programPid) || undefined, 20000);
      } finally {
        await resume(node);
      }
      expect(slurm('squeue', '-h', '-t', 'all', '-j', job.nativeId!, '-o', '%T').trim()).toBe('NODE_FAIL');
    }, 240000);
  });
