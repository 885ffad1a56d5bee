import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isFinal, type Job } from '@genesis-lab/contract';
import { JobsClient } from '@genesis-lab/client';
import { parseJobcomp, parseSqueueJson } from '../../src/facilities/slurm/status';
import { describeWithService, slurmUp, startPlatformProcess, tempHome, until } from '@genesis-lab/test-support';

const N = 50;

/** Each job writes its id to a ledger once per run: the ledger shows any double submission. */
function spec(i: number, facility: string, ledger: string) {
  const code = i % 10 === 9 ? 3 : 0;
  return {
    name: `r${i}`,
    facility,
    executable: '/bin/sh',
    arguments: ['-c', `echo "$GENESIS_JOB_ID" >> "$LEDGER"; sleep ${facility === 'local' ? 0.6 : 0.3}; exit ${code}`],
    environment: { LEDGER: ledger },
    tags: { batch: 'reliability' }
  };
}

const FACILITY_CONFIG = {
  local: { name: 'local', kind: 'local', maxConcurrent: 4 },
  slurm: { name: 'slurm', kind: 'slurm', pollIntervalMs: 500 }
};

/** Submit N jobs to each facility, kill -9 the platform, start it again, and check every job. */
async function crashAndRecover(facilities: Array<keyof typeof FACILITY_CONFIG>): Promise<void> {
  const home = tempHome('genesis-crash-');
  fs.writeFileSync(
    path.join(home, 'facilities.json'),
    JSON.stringify({ facilities: facilities.map((f) => FACILITY_CONFIG[f]) })
  );
  const ledgers = { local: path.join(home, 'ledger-local'), slurm: path.join(home, 'ledger-slurm') };
  const first = await startPlatformProcess({ home });
  const c1 = new JobsClient(first);
  const accepted: Job[] = [];
  for (let i = 0; i < N; i += 10) {
    const batch = [];
    for (let k = i; k < i + 10; k++) for (const f of facilities) batch.push(c1.submit(spec(k, f, ledgers[f])));
    accepted.push(...(await Promise.all(batch)).map((r) => r.job));
  }
  const atKill = (await c1.list({ limit: 1000 })).jobs;
  c1.close();
  await first.kill(); // SIGKILL: no shutdown code runs
  const open = atKill.filter((j) => !isFinal(j.state));
  for (const f of facilities) expect(open.filter((j) => j.facility === f).length).toBeGreaterThan(20);
  expect(accepted.every((j) => j.state !== 'NEW')).toBe(true);

  // Jobs run on while the platform is down.
  await new Promise((r) => setTimeout(r, 1500));
  const second = await startPlatformProcess({ home });
  const c2 = new JobsClient(second);
  try {
    const all = await until(
      'every job final',
      async () => {
        const jobs = (await c2.list({ limit: 1000, tag: 'batch=reliability' })).jobs;
        return jobs.length === facilities.length * N && jobs.every((j) => isFinal(j.state)) ? jobs : undefined;
      },
      150000
    );
    // None lost, each with its true final state.
    expect(new Set(all.map((j) => j.id))).toEqual(new Set(accepted.map((j) => j.id)));
    for (const j of all) {
      const i = Number(j.spec.name.slice(1));
      if (i % 10 === 9) expect([j.id, j.state, j.exitCode, j.reason]).toEqual([j.id, 'FAILED', 3, 'NONZERO_EXIT']);
      else expect([j.id, j.state, j.exitCode]).toEqual([j.id, 'COMPLETED', 0]);
      // Forward only, every transition once.
      const states = j.history.map((e) => e.state);
      expect(new Set(states).size).toBe(states.length);
      expect(j.history.map((e) => e.seq)).toEqual(states.map((_, k) => k));
    }
    // None run twice: each job id is in its ledger exactly once.
    for (const facility of facilities) {
      const lines = fs.readFileSync(ledgers[facility], 'utf8').trim().split('\n').sort();
      expect(lines).toEqual(
        all
          .filter((j) => j.facility === facility)
          .map((j) => j.id)
          .sort()
      );
    }
    // None submitted twice to Slurm: one Slurm job per job directory, in the queue or the completion log.
    if (!facilities.includes('slurm')) return;
    const slurmJobs = all.filter((j) => j.facility === 'slurm');
    const q = parseSqueueJson(execFileSync('squeue', ['--json'], { encoding: 'utf8', maxBuffer: 1 << 28 }));
    const comp = parseJobcomp(
      execFileSync('sacct', ['-c', '-P', '-n', '-o', 'jobid,state,exitcode,workdir'], {
        encoding: 'utf8',
        maxBuffer: 1 << 28
      })
    );
    const byDir = new Map<string, Set<string>>();
    for (const s of [...q, ...comp])
      if (s.workDir) byDir.set(s.workDir, (byDir.get(s.workDir) ?? new Set()).add(s.nativeId));
    for (const j of slurmJobs) expect([j.id, [...(byDir.get(j.workDir!) ?? [])]]).toEqual([j.id, [j.nativeId]]);
  } finally {
    c2.close();
    await second.stop();
  }
}

const CLAIM = 'finds every job again after a restart: true final states, none lost, none run twice';

// The local half needs nothing but this machine: it runs everywhere, Slurm or not.
describe('kill -9 of the platform with 50 local jobs queued or running', () => {
  it(CLAIM, () => crashAndRecover(['local']), 240000);
});

describeWithService('Slurm', slurmUp, 'kill -9 of the platform with 50 Slurm jobs queued or running', () => {
  it(CLAIM, () => crashAndRecover(['slurm']), 240000);
});
