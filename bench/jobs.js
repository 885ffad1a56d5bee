#!/usr/bin/env node
'use strict';
/**
 * npm run bench:jobs — jobs across facilities, against a real platform process (`genesis serve`)
 * and the real one-node Slurm of scripts/slurm-up.
 *
 *  1. Event latency: local no-op jobs; for every `job:update` a socket.io client receives, the
 *     time from the connector observing the change (the event's `at`) to its arrival. p50/p95.
 *  2. Throughput: 10,000 local no-op jobs (/bin/true) submitted over HTTP through the
 *     facility's queue (concurrency limit = 2 x cores) while a socket.io client counts every
 *     update: lost (a transition in the job's persisted history never pushed) and duplicated
 *     events. Baseline in the same run: the same no-op program spawned bare by Node with the
 *     same concurrency and no bookkeeping at all.
 *  3. Slurm: 1,000 jobs submitted held (`--hold`, so one node is not flooded and they stay
 *     tracked), then N poll cycles: Slurm commands per cycle (target 1) and the platform's CPU
 *     per cycle (from /proc). Baseline in the same run: polling each job on its own (one squeue
 *     per job), timed on a sample and scaled to all jobs.
 *
 * Ends with ONE JSON line: slurm_calls_per_cycle, slurm_cpu_ms_per_cycle, event_latency_p95_ms,
 * local_jobs_per_s, lost_events, duplicate_events (+ baselines and ratios).
 * GENESIS_BENCH_SMOKE=1: 20 Slurm jobs, 100 local jobs, 20 latency jobs, 2 cycles (seconds).
 * Without Slurm the Slurm figures are null (an error when GENESIS_REQUIRE_SERVICES=1).
 */
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, logger, requireBuilt } = require('./support/run');
const { percentile, round } = require('./support/stats');

const SMOKE = process.env.GENESIS_BENCH_SMOKE === '1';
const REQUIRE = process.env.GENESIS_REQUIRE_SERVICES === '1';
const N_SLURM = Number(process.env.GENESIS_BENCH_SLURM_JOBS || (SMOKE ? 20 : 1000));
const N_LOCAL = Number(process.env.GENESIS_BENCH_LOCAL_JOBS || (SMOKE ? 100 : 10000));
const N_LATENCY = SMOKE ? 20 : 300;
const CYCLES = SMOKE ? 2 : 10;
const CONCURRENCY = os.cpus().length * 2;
requireBuilt('jobs', ['client/dist/index.js', 'contract/dist/index.js', 'test-support/dist/index.js']);
const { startPlatformProcess } = require(path.join(ROOT, 'test-support/dist/index.js'));
const { JobsClient } = require(path.join(ROOT, 'client/dist/index.js'));
const { isFinal } = require(path.join(ROOT, 'contract/dist/index.js'));

const log = logger('jobs');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function slurmUp() {
  try {
    return /UP/.test(
      execFileSync('scontrol', ['ping'], { encoding: 'utf8', timeout: 10000, stdio: ['ignore', 'pipe', 'ignore'] })
    );
  } catch {
    return false;
  }
}

/** CPU time (ms) a process used so far, from /proc. */
function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]); // utime + stime
  return (ticks * 1000) / 100;
}

/** Run `fn` over `items` with at most `n` at once. */
async function pool(items, n, fn) {
  let i = 0;
  const workers = Array.from({ length: n }, async () => {
    while (i < items.length) {
      const k = i++;
      await fn(items[k], k);
    }
  });
  await Promise.all(workers);
}

/** Baseline: spawn the no-op program bare, same concurrency, no queue, no state, no events. */
async function bareSpawnRate(n) {
  const t0 = performance.now();
  await pool(
    Array.from({ length: n }),
    CONCURRENCY,
    () => new Promise((resolve) => spawn('/bin/true', [], { stdio: 'ignore' }).once('exit', resolve))
  );
  return n / ((performance.now() - t0) / 1000);
}

async function main() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-bench-jobs-'));
  const haveSlurm = slurmUp();
  if (!haveSlurm && REQUIRE)
    throw new Error('Slurm is required (GENESIS_REQUIRE_SERVICES=1) but scontrol ping fails; run scripts/slurm-up');
  if (!haveSlurm) log('Slurm is not running: Slurm figures will be null (run scripts/slurm-up)');
  const facilities = [{ name: 'local', kind: 'local', maxConcurrent: CONCURRENCY }];
  if (haveSlurm) facilities.push({ name: 'slurm', kind: 'slurm', pollIntervalMs: 1000 });
  fs.writeFileSync(path.join(home, 'facilities.json'), JSON.stringify({ facilities }));
  const platform = await startPlatformProcess({ home, echoStderr: true, timeoutMs: 30_000 });
  const client = new JobsClient(platform);
  const result = {};
  try {
    // ---- 1. event latency ---------------------------------------------------------------
    const latencies = [];
    let stop = await client.watch({}, (u) => latencies.push(Date.now() - Date.parse(u.event.at)));
    await pool(Array.from({ length: N_LATENCY }), 2, async () => {
      const { job } = await client.submit({ name: 'lat', executable: '/bin/true' });
      await client.wait(job.id);
    });
    stop();
    result.event_latency_p50_ms = percentile(latencies, 50);
    result.event_latency_p95_ms = percentile(latencies, 95);
    result.event_latency_samples = latencies.length;
    log(
      `event latency over ${latencies.length} updates: p50 ${result.event_latency_p50_ms} ms, p95 ${result.event_latency_p95_ms} ms`
    );

    // ---- 2. local throughput, lost and duplicated events ----------------------------------
    const seen = new Map(); // jobId -> Set of seq
    let duplicates = 0;
    let finals = 0;
    let lastFinalAt = 0;
    let allFinal;
    const allDone = new Promise((r) => (allFinal = r));
    stop = await client.watch({ facility: 'local' }, (u) => {
      if (u.job.spec.tags.bench !== 'throughput') return;
      const s = seen.get(u.job.id) ?? new Set();
      if (s.has(u.event.seq)) duplicates++;
      s.add(u.event.seq);
      seen.set(u.job.id, s);
      if (isFinal(u.event.state)) {
        finals++;
        lastFinalAt = performance.now();
        if (finals === N_LOCAL) allFinal();
      }
    });
    const t0 = performance.now();
    let submitted = 0;
    await pool(Array.from({ length: N_LOCAL }), 32, async (_, i) => {
      await client.submit({ name: `noop-${i}`, executable: '/bin/true', tags: { bench: 'throughput' } });
      if (++submitted % 1000 === 0) log(`submitted ${submitted}/${N_LOCAL}`);
    });
    await Promise.race([allDone, sleep(SMOKE ? 30000 : 600000)]);
    await sleep(500); // late duplicates would arrive now
    stop();
    const secs = ((lastFinalAt || performance.now()) - t0) / 1000;
    // Compare with the persisted histories: every transition after NEW must have been pushed.
    let lost = 0;
    let listed = 0;
    let cursor;
    do {
      const page = await client.list({ facility: 'local', tag: 'bench=throughput', limit: 1000, cursor });
      for (const j of page.jobs) {
        listed++;
        const s = seen.get(j.id) ?? new Set();
        for (const e of j.history) if (e.seq > 0 && !s.has(e.seq)) lost++;
        if (!isFinal(j.state)) lost++; // a job that never finished counts as lost too
      }
      cursor = page.nextCursor;
    } while (cursor);
    result.local_jobs = N_LOCAL;
    result.local_jobs_listed = listed;
    result.local_jobs_per_s = round(N_LOCAL / secs, 1);
    result.lost_events = lost + Math.max(0, N_LOCAL - listed);
    result.duplicate_events = duplicates;
    const baseline = await bareSpawnRate(Math.min(N_LOCAL, 2000));
    result.baseline_bare_spawn_per_s = round(baseline, 1);
    result.local_vs_bare_spawn_ratio = round(N_LOCAL / secs / baseline, 3);
    log(
      `${N_LOCAL} local no-op jobs in ${secs.toFixed(1)} s: ${result.local_jobs_per_s}/s (bare spawn ${result.baseline_bare_spawn_per_s}/s, ratio ${result.local_vs_bare_spawn_ratio}); lost ${result.lost_events}, duplicated ${duplicates}`
    );

    // ---- 3. Slurm: status calls and CPU per poll cycle with many tracked jobs -----------------
    if (haveSlurm) {
      const slurmLat = [];
      stop = await client.watch({ facility: 'slurm' }, (u) => slurmLat.push(Date.now() - Date.parse(u.event.at)));
      const ids = [];
      const ts = performance.now();
      await pool(Array.from({ length: N_SLURM }), 8, async (_, i) => {
        const { job } = await client.submit({
          name: `held-${i}`,
          facility: 'slurm',
          executable: '/bin/true',
          attributes: { custom: { 'slurm.hold': 'true' } },
          tags: { bench: 'slurm' }
        });
        ids.push(job.nativeId);
      });
      log(`submitted ${N_SLURM} held Slurm jobs in ${((performance.now() - ts) / 1000).toFixed(1)} s`);
      const stats = async () => (await client.facilities()).find((f) => f.name === 'slurm').stats;
      for (let i = 0; i < 120; i++) {
        const f = (await client.facilities()).find((x) => x.name === 'slurm');
        if (f.queue.held >= N_SLURM) break;
        await sleep(500);
      }
      const s0 = await stats();
      const c0 = cpuMs(platform.proc.pid);
      // Idle while the cycles run (no requests of ours), so the CPU figure is the poll's own.
      let s1 = s0;
      while (s1.cycles < s0.cycles + CYCLES) {
        await sleep((s0.cycles + CYCLES - s1.cycles) * 1000 + 300);
        s1 = await stats();
      }
      const c1 = cpuMs(platform.proc.pid);
      const cycles = s1.cycles - s0.cycles;
      result.slurm_tracked_jobs = s1.tracked;
      result.slurm_calls_per_cycle = round((s1.cycleCalls - s0.cycleCalls) / cycles, 2);
      result.slurm_cycle_calls_by_command = Object.fromEntries(
        ['squeue', 'sacct', 'scontrol'].map((c) => [c, (s1[`calls.${c}`] ?? 0) - (s0[`calls.${c}`] ?? 0)])
      );
      result.slurm_status_failures = s1.statusFailures - s0.statusFailures;
      result.slurm_cpu_ms_per_cycle = round((c1 - c0) / cycles, 1);
      result.slurm_connector_cpu_ms_last_cycle = round(s1.lastCycleCpuMs, 1);
      result.slurm_cycle_wall_ms = s1.lastCycleMs;
      // Baseline: one squeue per job, timed on a sample.
      const sample = ids.slice(0, Math.min(SMOKE ? 3 : 20, ids.length));
      const tb = performance.now();
      for (const id of sample)
        execFileSync('squeue', ['--json', `--jobs=${id}`], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 });
      const perCall = (performance.now() - tb) / sample.length;
      result.baseline_per_job_calls_per_cycle = N_SLURM;
      result.baseline_per_job_cycle_wall_ms = round(perCall * N_SLURM, 0);
      result.slurm_cycle_wall_ratio_vs_per_job = round(s1.lastCycleMs / (perCall * N_SLURM), 4);
      log(
        `${s1.tracked} tracked Slurm jobs: ${result.slurm_calls_per_cycle} Slurm call(s) per cycle over ${cycles} cycles, platform CPU ${result.slurm_cpu_ms_per_cycle} ms/cycle, cycle ${s1.lastCycleMs} ms; per-job polling would need ${N_SLURM} calls, ~${result.baseline_per_job_cycle_wall_ms} ms`
      );
      // Clean up: cancel them all in a few scancel calls, and let the platform see it.
      for (let i = 0; i < ids.length; i += 500) execFileSync('scancel', ids.slice(i, i + 500), { stdio: 'ignore' });
      for (let i = 0; i < 120; i++) {
        const f = (await client.facilities()).find((x) => x.name === 'slurm');
        if (f.queue.held + f.queue.queued + f.queue.active === 0) break;
        await sleep(500);
      }
      stop();
      result.slurm_event_latency_p95_ms = percentile(slurmLat, 95);
      log(
        `Slurm updates: ${slurmLat.length}, latency p95 ${result.slurm_event_latency_p95_ms} ms (includes batches of ${N_SLURM} in one poll)`
      );
    } else {
      result.slurm_calls_per_cycle = null;
      result.slurm_cpu_ms_per_cycle = null;
      result.slurm_skipped = 'Slurm not running';
    }
  } finally {
    client.close();
    await platform.stop();
    log('platform stopped');
    fs.rmSync(home, { recursive: true, force: true });
  }
  const line = {
    bench: 'jobs',
    smoke: SMOKE,
    slurm_calls_per_cycle: result.slurm_calls_per_cycle,
    slurm_cpu_ms_per_cycle: result.slurm_cpu_ms_per_cycle,
    event_latency_p95_ms: result.event_latency_p95_ms,
    local_jobs_per_s: result.local_jobs_per_s,
    lost_events: result.lost_events,
    duplicate_events: result.duplicate_events,
    ...result
  };
  // The very last output: nothing (not even a progress line on stderr) comes after it.
  process.stdout.write(JSON.stringify(line) + '\n');
}

main().then(
  // Keep-alive HTTP sockets would hold the loop open for a while; the bench is done.
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  }
);
