/// <reference types="jest" />
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Is a real Slurm controller answering on this machine? */
export function slurmUp(): { ok: boolean; why: string } {
  try {
    const out = execFileSync('scontrol', ['ping'], {
      encoding: 'utf8',
      timeout: 10000,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    if (/UP/.test(out)) return { ok: true, why: 'slurmctld answers' };
    return { ok: false, why: `scontrol ping: ${out.trim()}` };
  } catch (err) {
    return {
      ok: false,
      why: `Slurm is not available (${(err as Error).message.split('\n')[0]}); run scripts/slurm-up`
    };
  }
}

/**
 * `describe` for suites that need a service. Without the service: skipped with the reason in
 * the suite name (visible in jest's output), or, when GENESIS_REQUIRE_SERVICES=1 (CI), a
 * failing test, never a skip.
 */
export function describeWithService(
  service: string,
  check: () => { ok: boolean; why: string },
  name: string,
  fn: () => void
): void {
  const c = check();
  if (c.ok) return describe(name, fn);
  if (process.env.GENESIS_REQUIRE_SERVICES === '1') {
    describe(name, () => {
      it(`needs ${service}`, () => {
        throw new Error(`${service} is required (GENESIS_REQUIRE_SERVICES=1) but missing: ${c.why}`);
      });
    });
    return;
  }
  console.warn(`SKIPPED "${name}": ${service} missing: ${c.why}`);
  describe.skip(`${name} [SKIPPED: ${service} missing: ${c.why}]`, fn);
}

/** Stop slurmctld by its pid file and start it again (to test a controller outage). */
export const slurmctld = {
  pidFile: '/run/slurm/slurmctld.pid',
  stop(): void {
    const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 15000;
    for (;;) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      if (Date.now() > deadline) throw new Error('slurmctld did not stop');
      execFileSync('sleep', ['0.1']);
    }
  },
  start(): void {
    execFileSync('/usr/sbin/slurmctld', [], { stdio: 'ignore' });
    const deadline = Date.now() + 30000;
    while (!slurmUp().ok) {
      if (Date.now() > deadline) throw new Error('slurmctld did not come back');
      execFileSync('sleep', ['0.2']);
    }
  }
};
