#!/usr/bin/env node
'use strict';
/**
 * npm run bench:jobs — jobs across facilities, against a real platform process (`genesis serve`)
 * and the real one-node Slurm of scripts/slurm-up.
 *
 *  1. Event latency from the job's real end: 100 local jobs running at once (`sleep 1`); for
 *     each final update a socket.io client receives, the time from the wrapper writing the job's
 *     exit file (its mtime: the wrapper's last act) to the update's arrival. p50/p95. The older
 *     figure, from the connector's observation (`event.at`) to arrival, is kept beside it.
 *  2. Throughput: N local no-op jobs (/bin/true) submitted over HTTP through the facility's
 *     queue (concurrency limit = 2 x cores); jobs per second counts FINISHED jobs only, and the
 *     unfinished are reported. Baseline in the same run: the same program spawned bare by Node,
 *     same concurrency, no bookkeeping.
 *  3. Lost and duplicate events where they happen: two streams of short jobs; during one the
 *     platform is restarted (SIGTERM, started again on the same home, port and token), during the
 *     other the client's socket is dropped (it reconnects by itself). Every transition in the persisted
 *     histories must have reached the one client, once.
 *  4. Slurm, counted OUTSIDE the platform: the facility's binDir is a directory of counting
 *     wrappers (each appends its name to a log, then execs the real command), so every sbatch,
 *     squeue, sacct, scontrol the platform runs is counted by the process table, not by the
 *     platform's own stats. The platform's CPU includes its reaped children (cutime + cstime:
 *     the squeue/sacct processes). Two workloads: N held jobs (nothing changes: the poll's floor)
 *     and M jobs that really run and leave the queue, with their exit-to-client latency and
 *     throughput over finished jobs. Baseline: one squeue per job, timed on a sample and scaled.
 *
 * Ends with ONE JSON line whose `targets` gives value, target and met.
 * GENESIS_BENCH_SMOKE=1: small counts, same code paths. Without Slurm the Slurm figures are
 * null (an error when GENESIS_REQUIRE_SERVICES=1). Slurm is shared: the Slurm arm runs once.
 */
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, logger, requireBuilt } = require('./support/run');
const { percentile, round } = require('./support/stats');
const { target, targetLines } = require('./support/targets');

const SMOKE = process.env.GENESIS_BENCH_SMOKE === '1';
const REQUIRE = process.env.GENESIS_REQUIRE_SERVICES === '1';
const N_SLURM = Number(process.env.GENESIS_BENCH_SLURM_JOBS || (SMOKE ? 20 : 1000));
const N_SLURM_RUN = Number(process.env.GENESIS_BENCH_SLURM_RUN_JOBS || (SMOKE ? 6 : 60));
const N_LOCAL = Number(process.env.GENESIS_BENCH_LOCAL_JOBS || (SMOKE ? 100 : 10000));
const N_AT_ONCE = SMOKE ? 30 : 100;
const LATENCY_ROUNDS = SMOKE ? 1 : 3;
const N_DISRUPTED = SMOKE ? 30 : 200;
const CYCLES = SMOKE ? 2 : 10;
const POLL_MS = 1000;
const CONCURRENCY = os.cpus().length * 2;
const SLURM_COMMANDS = ['sbatch', 'squeue', 'sacct', 'scontrol', 'scancel'];
requireBuilt('jobs', ['client/dist/index.js', 'contract/dist/index.js', 'test-support/dist/index.js']);
const { startPlatformProcess, freePort } = require(path.join(ROOT, 'test-support/dist/index.js'));
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

/** CPU time (ms) a process used so far, with its reaped children (the squeue/sacct it ran), from /proc. */
function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(f[11]) + Number(f[12]); // utime + stime
  const children = Number(f[13]) + Number(f[14]); // cutime + cstime
  return { own: (own * 1000) / 100, children: (children * 1000) / 100 };
}

/**
 * A binDir of counting wrappers: each appends its name to `log` (one short O_APPEND write, so
 * concurrent calls never interleave) and execs the real command found on PATH.
 */
function countingBinDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const log = path.join(dir, 'calls.log');
  fs.writeFileSync(log, '');
  for (const cmd of SLURM_COMMANDS) {
    const real = execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
    fs.writeFileSync(path.join(dir, cmd), `#!/bin/sh\necho ${cmd} >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  }
  return {
    dir,
    /** Calls so far, by command. */
    counts() {
      const c = Object.fromEntries(SLURM_COMMANDS.map((k) => [k, 0]));
      for (const line of fs.readFileSync(log, 'utf8').split('\n')) if (line in c) c[line]++;
      return c;
    }
  };
}
const diff = (a, b) => Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - a[k]]));
const statusCalls = (d) => d.squeue + d.sacct + d.scontrol;

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

/** ms from the wrapper's exit file being written to now (the update's arrival); null when unknown. */
function sinceExit(job, arrived) {
  try {
    return arrived - fs.statSync(path.join(job.workDir, 'exit')).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Every update of jobs tagged `bench=<tag>` a client receives: per job the set of seqs, the
 * duplicates, and the exit-to-arrival latency of final updates.
 */
function recorder(tag) {
  const seen = new Map();
  const r = { seen, duplicates: 0, finals: 0, exitLatency: [], observedLatency: [], lastFinalAt: 0 };
  r.onUpdate = (u) => {
    const arrived = Date.now();
    if (u.job.spec.tags.bench !== tag) return;
    r.observedLatency.push(arrived - Date.parse(u.event.at));
    const s = seen.get(u.job.id) ?? new Set();
    if (s.has(u.event.seq)) r.duplicates++;
    s.add(u.event.seq);
    seen.set(u.job.id, s);
    if (isFinal(u.event.state) && u.event.state === u.job.state) {
      r.finals++;
      r.lastFinalAt = performance.now();
      const l = sinceExit(u.job, arrived);
      if (l !== null) r.exitLatency.push(l);
    }
  };
  return r;
}

/** Lost events: transitions in the persisted histories of `tag`'s jobs that never reached the client. */
async function countLost(client, facility, tag, rec) {
  let lost = 0;
  let listed = 0;
  let finished = 0;
  let cursor;
  do {
    const page = await client.list({ facility, tag: `bench=${tag}`, limit: 1000, cursor });
    for (const j of page.jobs) {
      listed++;
      if (isFinal(j.state)) finished++;
      const s = rec.seen.get(j.id) ?? new Set();
      for (const e of j.history) if (e.seq > 0 && !s.has(e.seq)) lost++;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { lost, listed, finished };
}

/** Wait until `rec` saw `n` finals, or `ms` passed. */
async function finalsOf(rec, n, ms) {
  const deadline = Date.now() + ms;
  while (rec.finals < n && Date.now() < deadline) await sleep(100);
}

/** Wait until every job tagged `bench=<tag>` is final in the platform's own records. */
async function persistedFinal(client, tag, n, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const page = await client.list({ tag: `bench=${tag}`, limit: 1000 });
    if (page.jobs.length >= n && page.jobs.every((j) => isFinal(j.state)) && !page.nextCursor) return;
    await sleep(250);
  }
}

/** Submit with an idempotency key, retrying while the platform is away (a restart in progress). */
/** Cancel every Slurm job whose working directory is under `home` (this run's). */
function leaveNoSlurmJobs(home) {
  try {
    const ids = execFileSync('squeue', ['-h', '-o', '%i %Z'], { encoding: 'utf8', maxBuffer: 1 << 26 })
      .split('\n')
      .map((l) => l.trim().split(' '))
      .filter(([id, dir]) => id && dir && dir.startsWith(home + path.sep))
      .map(([id]) => id);
    for (let i = 0; i < ids.length; i += 500) execFileSync('scancel', ids.slice(i, i + 500), { stdio: 'ignore' });
    if (ids.length) log(`cancelled ${ids.length} Slurm job(s) of this run left in the queue`);
  } catch (err) {
    log(`could not clean this run's Slurm jobs: ${err.message}`);
  }
}

async function submitRetrying(client, spec, key) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.submit(spec, { idempotencyKey: key });
    } catch (err) {
      if (attempt >= 100) throw err;
      await sleep(200);
    }
  }
}

async function main() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-bench-jobs-'));
  const haveSlurm = slurmUp();
  if (!haveSlurm && REQUIRE)
    throw new Error('Slurm is required (GENESIS_REQUIRE_SERVICES=1) but scontrol ping fails; run scripts/slurm-up');
  if (!haveSlurm) log('Slurm is not running: Slurm figures will be null (run scripts/slurm-up)');
  const bin = haveSlurm ? countingBinDir(path.join(home, 'slurm-bin')) : undefined;
  const facilities = [
    { name: 'local', kind: 'local', maxConcurrent: CONCURRENCY },
    { name: 'wide', kind: 'local', maxConcurrent: N_AT_ONCE }
  ];
  if (haveSlurm) facilities.push({ name: 'slurm', kind: 'slurm', pollIntervalMs: POLL_MS, binDir: bin.dir });
  fs.writeFileSync(path.join(home, 'facilities.json'), JSON.stringify({ facilities }));
  // A fixed port and token, so the same client reaches the platform again after its restart.
  const port = await freePort();
  const token = crypto.randomBytes(24).toString('hex');
  const start = () =>
    startPlatformProcess({
      home,
      args: ['--port', String(port)],
      env: { GENESIS_TOKEN: token },
      echoStderr: true,
      timeoutMs: 30_000
    });
  let platform = await start();
  const client = new JobsClient(platform);
  const result = {};
  try {
    // ---- 1. latency from the job's real end, N_AT_ONCE jobs running at once -----------------
    const lat = recorder('latency');
    let stop = await client.watch({ facility: 'wide' }, lat.onUpdate);
    for (let round = 0; round < LATENCY_ROUNDS; round++) {
      const before = lat.finals;
      await pool(Array.from({ length: N_AT_ONCE }), 16, () =>
        client.submit({
          name: 'lat',
          facility: 'wide',
          executable: '/bin/sleep',
          arguments: ['1'],
          tags: { bench: 'latency' }
        })
      );
      await finalsOf(lat, before + N_AT_ONCE, 120_000);
    }
    stop();
    result.event_latency_from_exit_p50_ms = round(percentile(lat.exitLatency, 50), 0);
    result.event_latency_from_exit_p95_ms = round(percentile(lat.exitLatency, 95), 0);
    result.event_latency_from_exit_max_ms = round(Math.max(...lat.exitLatency), 0);
    result.event_latency_from_exit_samples = lat.exitLatency.length;
    result.event_latency_jobs_at_once = N_AT_ONCE;
    result.event_latency_p50_ms = percentile(lat.observedLatency, 50);
    result.event_latency_p95_ms = percentile(lat.observedLatency, 95);
    log(
      `exit -> client over ${lat.exitLatency.length} finals (${N_AT_ONCE} jobs at once, ${LATENCY_ROUNDS} rounds): p50 ${result.event_latency_from_exit_p50_ms} ms, p95 ${result.event_latency_from_exit_p95_ms} ms; observed -> client p95 ${result.event_latency_p95_ms} ms`
    );

    // ---- 2. local throughput, over finished jobs ------------------------------------------
    const thr = recorder('throughput');
    stop = await client.watch({ facility: 'local' }, thr.onUpdate);
    const t0 = performance.now();
    let submitted = 0;
    await pool(Array.from({ length: N_LOCAL }), 32, async (_, i) => {
      await client.submit({ name: `noop-${i}`, executable: '/bin/true', tags: { bench: 'throughput' } });
      if (++submitted % 1000 === 0) log(`submitted ${submitted}/${N_LOCAL}`);
    });
    await finalsOf(thr, N_LOCAL, SMOKE ? 60_000 : 900_000);
    await sleep(500); // late duplicates would arrive now
    stop();
    const thrLost = await countLost(client, 'local', 'throughput', thr);
    const secs = ((thr.lastFinalAt || performance.now()) - t0) / 1000;
    result.local_jobs = N_LOCAL;
    result.local_jobs_finished = thrLost.finished;
    result.local_jobs_unfinished = N_LOCAL - thrLost.finished;
    result.local_jobs_per_s = round(thrLost.finished / secs, 1);
    result.throughput_lost_events = thrLost.lost;
    result.throughput_duplicate_events = thr.duplicates;
    const baseline = await bareSpawnRate(Math.min(N_LOCAL, 2000));
    result.baseline_bare_spawn_per_s = round(baseline, 1);
    result.local_vs_bare_spawn_ratio = round(thrLost.finished / secs / baseline, 3);
    log(
      `${thrLost.finished} of ${N_LOCAL} local no-op jobs finished in ${secs.toFixed(1)} s: ${result.local_jobs_per_s}/s (bare spawn ${result.baseline_bare_spawn_per_s}/s, ratio ${result.local_vs_bare_spawn_ratio})`
    );

    // ---- 3. lost and duplicate events across a platform restart, then a client reconnect ----
    // Each disruption on its own stream of jobs (its own tag), a third of the way through it.
    const disruptions = {
      restart: async () => {
        await platform.stop();
        platform = await start();
      },
      reconnect: async () => client.live.socket.io.engine.close() // a transport drop: socket.io reconnects by itself
    };
    let lostTotal = thrLost.lost;
    let duplicatesTotal = thr.duplicates;
    for (const [tag, disrupt] of Object.entries(disruptions)) {
      const rec = recorder(tag);
      stop = await client.watch({ facility: 'local' }, rec.onUpdate);
      let done = false;
      await pool(Array.from({ length: N_DISRUPTED }), 8, async (_, i) => {
        if (i === Math.floor(N_DISRUPTED / 3) && !done) {
          done = true;
          log(`${tag}: with ${rec.finals} of ${i} jobs final`);
          await disrupt();
        }
        await submitRetrying(
          client,
          { name: `${tag}-${i}`, executable: '/bin/sleep', arguments: ['0.2'], tags: { bench: tag } },
          `bench-${tag}-${process.pid}-${i}`
        );
      });
      await persistedFinal(client, tag, N_DISRUPTED, SMOKE ? 60_000 : 300_000);
      await finalsOf(rec, N_DISRUPTED, 3000); // the last updates are on their way
      stop();
      const l = await countLost(client, 'local', tag, rec);
      result[`${tag}_jobs`] = N_DISRUPTED;
      result[`${tag}_jobs_finished`] = l.finished;
      result[`${tag}_finals_received`] = rec.finals;
      result[`${tag}_lost_events`] = l.lost + (N_DISRUPTED - l.listed);
      result[`${tag}_duplicate_events`] = rec.duplicates;
      lostTotal += result[`${tag}_lost_events`];
      duplicatesTotal += rec.duplicates;
      log(
        `${tag}: ${l.finished}/${N_DISRUPTED} jobs finished, ${rec.finals} finals received; lost ${result[`${tag}_lost_events`]}, duplicated ${rec.duplicates}`
      );
    }
    result.lost_events = lostTotal;
    result.duplicate_events = duplicatesTotal;

    // ---- 4. Slurm, counted outside the platform -------------------------------------------
    if (haveSlurm) {
      const stats = async () => (await client.facilities()).find((f) => f.name === 'slurm');
      // 4a. jobs that really run and leave the queue
      const run = recorder('slurm-run');
      stop = await client.watch({ facility: 'slurm' }, run.onUpdate);
      const runCalls0 = bin.counts();
      const runCpu0 = cpuMs(platform.proc.pid);
      const runCycles0 = (await stats()).stats.cycles;
      const tr = performance.now();
      // With idempotency keys (retried on a reset connection, submitted once): a 10,000-job run
      // here once lost its client to an ECONNRESET halfway through the held jobs.
      await pool(Array.from({ length: N_SLURM_RUN }), 8, (_, i) =>
        submitRetrying(
          client,
          {
            name: `run-${i}`,
            facility: 'slurm',
            executable: '/bin/sleep',
            arguments: ['1'],
            tags: { bench: 'slurm-run' }
          },
          `bench-slurm-run-${process.pid}-${i}`
        )
      );
      await finalsOf(run, N_SLURM_RUN, SMOKE ? 120_000 : 600_000);
      const runSecs = (run.lastFinalAt - tr) / 1000;
      const runCalls = diff(runCalls0, bin.counts());
      const runCpu1 = cpuMs(platform.proc.pid);
      const runCycles = (await stats()).stats.cycles - runCycles0;
      stop();
      const runLost = await countLost(client, 'slurm', 'slurm-run', run);
      result.slurm_run_jobs = N_SLURM_RUN;
      result.slurm_run_jobs_finished = runLost.finished;
      result.slurm_run_jobs_per_s = round(runLost.finished / runSecs, 2);
      result.slurm_run_cycles = runCycles;
      result.slurm_run_calls_by_command = runCalls;
      result.slurm_run_status_calls_per_cycle = round(statusCalls(runCalls) / Math.max(1, runCycles), 2);
      result.slurm_run_cpu_ms_per_cycle = round(
        (runCpu1.own + runCpu1.children - runCpu0.own - runCpu0.children) / Math.max(1, runCycles),
        1
      );
      result.slurm_event_latency_from_exit_p50_ms = round(percentile(run.exitLatency, 50), 0);
      result.slurm_event_latency_from_exit_p95_ms = round(percentile(run.exitLatency, 95), 0);
      result.slurm_run_lost_events = runLost.lost;
      result.slurm_run_duplicate_events = run.duplicates;
      log(
        `${runLost.finished}/${N_SLURM_RUN} running Slurm jobs finished in ${runSecs.toFixed(1)} s over ${runCycles} cycles; counted calls ${JSON.stringify(runCalls)}; exit -> client p95 ${result.slurm_event_latency_from_exit_p95_ms} ms`
      );

      // 4b. held jobs: nothing changes between polls, the poll's floor
      const ids = [];
      const ts = performance.now();
      await pool(Array.from({ length: N_SLURM }), 8, async (_, i) => {
        const { job } = await submitRetrying(
          client,
          {
            name: `held-${i}`,
            facility: 'slurm',
            executable: '/bin/true',
            attributes: { custom: { 'slurm.hold': 'true' } },
            tags: { bench: 'slurm' }
          },
          `bench-slurm-held-${process.pid}-${i}`
        );
        ids.push(job.nativeId);
      });
      log(`submitted ${N_SLURM} held Slurm jobs in ${((performance.now() - ts) / 1000).toFixed(1)} s`);
      for (let i = 0; i < 120; i++) {
        if ((await stats()).queue.held >= N_SLURM) break;
        await sleep(500);
      }
      const s0 = (await stats()).stats;
      const calls0 = bin.counts();
      const c0 = cpuMs(platform.proc.pid);
      // Idle while the cycles run (no requests of ours), so the CPU figure is the poll's own.
      let s1 = s0;
      while (s1.cycles < s0.cycles + CYCLES) {
        await sleep((s0.cycles + CYCLES - s1.cycles) * POLL_MS + 300);
        s1 = (await stats()).stats;
      }
      const c1 = cpuMs(platform.proc.pid);
      const calls = diff(calls0, bin.counts());
      const cycles = s1.cycles - s0.cycles;
      result.slurm_tracked_jobs = s1.tracked;
      result.slurm_calls_per_cycle = round(statusCalls(calls) / cycles, 2);
      result.slurm_cycle_calls_by_command = calls;
      result.slurm_self_reported_calls_per_cycle = round((s1.cycleCalls - s0.cycleCalls) / cycles, 2);
      result.slurm_status_failures = s1.statusFailures - s0.statusFailures;
      result.slurm_cpu_ms_per_cycle = round((c1.own + c1.children - c0.own - c0.children) / cycles, 1);
      result.slurm_children_cpu_ms_per_cycle = round((c1.children - c0.children) / cycles, 1);
      result.slurm_connector_cpu_ms_last_cycle = round(s1.lastCycleCpuMs, 1);
      result.slurm_cycle_wall_ms = s1.lastCycleMs;
      // Baseline: one squeue per job, timed on a sample and scaled (an extrapolation, said so).
      const sample = ids.slice(0, Math.min(SMOKE ? 3 : 20, ids.length));
      const tb = performance.now();
      for (const id of sample)
        execFileSync('squeue', ['--json', `--jobs=${id}`], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 });
      const perCall = (performance.now() - tb) / sample.length;
      result.baseline_per_job_calls_per_cycle = N_SLURM;
      result.baseline_per_job_cycle_wall_ms_extrapolated = round(perCall * N_SLURM, 0);
      log(
        `${s1.tracked} tracked held Slurm jobs: ${result.slurm_calls_per_cycle} status call(s) per cycle counted outside (${JSON.stringify(calls)} over ${cycles} cycles; self-reported ${result.slurm_self_reported_calls_per_cycle}), platform CPU with children ${result.slurm_cpu_ms_per_cycle} ms/cycle (children ${result.slurm_children_cpu_ms_per_cycle})`
      );
      for (let i = 0; i < ids.length; i += 500) execFileSync('scancel', ids.slice(i, i + 500), { stdio: 'ignore' });
      for (let i = 0; i < 120; i++) {
        const f = await stats();
        if (f.queue.held + f.queue.queued + f.queue.active === 0) break;
        await sleep(500);
      }
    } else {
      for (const k of [
        'slurm_calls_per_cycle',
        'slurm_cpu_ms_per_cycle',
        'slurm_run_status_calls_per_cycle',
        'slurm_event_latency_from_exit_p95_ms'
      ])
        result[k] = null;
      result.slurm_skipped = 'Slurm not running';
    }
  } finally {
    client.close();
    await platform.stop();
    log('platform stopped');
    // Slurm is shared: a run cut short leaves none of its jobs (held ones never end) behind.
    if (haveSlurm) leaveNoSlurmJobs(home);
    fs.rmSync(home, { recursive: true, force: true });
  }
  const line = {
    bench: 'jobs',
    smoke: SMOKE,
    ...result,
    targets: {
      event_latency_from_exit_p95_ms: target(result.event_latency_from_exit_p95_ms, '<=', 1000),
      lost_events: target(result.lost_events, '<=', 0),
      duplicate_events: target(result.duplicate_events, '<=', 0),
      local_vs_bare_spawn_ratio: target(result.local_vs_bare_spawn_ratio, '>=', 0.1),
      slurm_calls_per_cycle: target(result.slurm_calls_per_cycle, '<=', 1),
      slurm_run_status_calls_per_cycle: target(result.slurm_run_status_calls_per_cycle, '<=', 2),
      slurm_event_latency_from_exit_p95_ms: target(result.slurm_event_latency_from_exit_p95_ms, '<=', 3000)
    }
  };
  console.log(
    [
      `Jobs${SMOKE ? ' (SMOKE sizes: not the real figures)' : ''}${haveSlurm ? '' : ', no Slurm'}`,
      ...targetLines(line.targets)
    ].join('\n')
  );
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
