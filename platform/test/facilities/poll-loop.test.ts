import { PollLoop } from '../../src/facilities/poll-loop';
import { retry } from '../../src/facilities/retry';
import { FacilityStats } from '../../src/facilities/stats';

/** Spend `ms` of this process's CPU time (not wall time: a loaded machine only makes it take longer). */
function spin(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const d = process.cpuUsage(start);
    if ((d.user + d.system) / 1000 >= ms) return;
  }
}

/** A promise and the function that settles it. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('retry with backoff (shared by every connector)', () => {
  it('tries again until the call succeeds, counting each failure', async () => {
    let calls = 0;
    const failures: unknown[] = [];
    const value = await retry(
      async () => {
        if (++calls < 3) throw new Error(`attempt ${calls}`);
        return 'ok';
      },
      { retries: 3, baseMs: 1, onFailure: (e) => failures.push(e) }
    );
    expect([value, calls, failures.map((e) => (e as Error).message)]).toEqual(['ok', 3, ['attempt 1', 'attempt 2']]);
  });

  it('gives up with the last failure after the retries, at once for an answer that is final, and on abort', async () => {
    let calls = 0;
    await expect(
      retry(async () => Promise.reject(new Error(`no ${++calls}`)), { retries: 2, baseMs: 1 })
    ).rejects.toThrow('no 3');
    calls = 0;
    const refused = new Error('refused');
    await expect(
      retry(async () => (calls++, Promise.reject(refused)), { retries: 5, baseMs: 1, retryable: (e) => e !== refused })
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
    const stop = new AbortController();
    calls = 0;
    const pending = retry(async () => Promise.reject(new Error(`down ${++calls}`)), {
      retries: 10,
      baseMs: 60_000,
      signal: stop.signal
    });
    stop.abort();
    await expect(pending).rejects.toThrow('down 1');
  });
});

describe('the poll loop (status polls, file checks, probes, retries)', () => {
  it('runs one cycle at a time: concurrent requests share the running one, and it reschedules itself', async () => {
    const release = deferred();
    let cycles = 0;
    const loop = new PollLoop(
      async () => {
        cycles++;
        if (cycles === 1) await release.promise;
      },
      { intervalMs: 60_000 }
    );
    loop.start(60_000);
    const a = loop.now();
    const b = loop.now();
    expect(cycles).toBe(1);
    release.resolve();
    await Promise.all([a, b]);
    expect(cycles).toBe(1);
    await loop.now();
    expect(cycles).toBe(2);
    await loop.stop();
  });

  it('coalesces a burst of soon() into one cycle', async () => {
    const done = deferred();
    let cycles = 0;
    const loop = new PollLoop(
      () => {
        cycles++;
        done.resolve();
      },
      { intervalMs: 60_000, soonMs: 20 }
    );
    loop.start(60_000);
    for (let i = 0; i < 50; i++) loop.soon();
    await done.promise;
    await new Promise((r) => setTimeout(r, 100));
    expect(cycles).toBe(1);
    await loop.stop();
  });

  it('stop() waits for the running cycle and then runs no more', async () => {
    const inCycle = deferred();
    const release = deferred();
    let ended = false;
    let cycles = 0;
    const loop = new PollLoop(
      async () => {
        cycles++;
        inCycle.resolve();
        await release.promise;
        ended = true;
      },
      { intervalMs: 1, soonMs: 1 }
    );
    loop.start(0);
    await inCycle.promise;
    const stopped = loop.stop();
    release.resolve();
    await stopped;
    expect(ended).toBe(true);
    loop.soon();
    await new Promise((r) => setTimeout(r, 50));
    expect(cycles).toBe(1);
  });

  it('counts completed cycles in the stats, not idle ones, with the CPU spent outside waitFor', async () => {
    const stats = new FacilityStats();
    let work = true;
    const loop = new PollLoop(
      async (cycle) => {
        if (!work) return false;
        // 300 ms of CPU "elsewhere" (inside waitFor) and about 100 ms of the cycle's own.
        await cycle.waitFor(new Promise<void>((r) => setTimeout(() => (spin(300), r()), 0)));
        spin(100);
        return true;
      },
      { intervalMs: 60_000, stats }
    );
    await loop.now();
    work = false;
    await loop.now();
    await loop.now();
    const s = stats.snapshot();
    expect(s.cycles).toBe(1);
    expect(s.lastCycleMs).toBeGreaterThan(0);
    expect(s.lastCycleCpuMs).toBeGreaterThanOrEqual(100);
    expect(s.lastCycleCpuMs).toBeLessThan(300);
    await loop.stop();
  });

  it('carries on after a cycle that throws', async () => {
    let cycles = 0;
    const stats = new FacilityStats();
    const loop = new PollLoop(
      () => {
        if (++cycles === 1) throw new Error('boom');
      },
      { intervalMs: 60_000, stats }
    );
    await loop.now();
    await loop.now();
    expect([cycles, stats.get('cycles')]).toEqual([2, 1]);
    await loop.stop();
  });
});

describe('facility stats (one object per connector)', () => {
  it('merges counters with gauges read at snapshot time', () => {
    const stats = new FacilityStats();
    let tracked = 1;
    stats.add('submits');
    stats.add('submits', 2);
    stats.set('lastCycleJobs', 7);
    stats.gauge(() => ({ tracked }));
    tracked = 5;
    expect(stats.snapshot()).toEqual({ submits: 3, lastCycleJobs: 7, tracked: 5 });
  });
});
