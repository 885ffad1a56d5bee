#!/usr/bin/env node
'use strict';
/**
 * npm run bench:load — the platform under load, against a real platform process (`genesis serve`):
 * 32 concurrent Arrow streams (whole-version pulls, read to the end, again and again) plus 500
 * connected socket.io clients subscribed to every job's events while local jobs run, for 60 s.
 * During the load a probe makes small calls (GET one catalog record) and times them.
 * Baseline in the same run: the same small call on the idle platform, in alternating phases
 * (idle, load, idle) so drift on a shared machine shows as spread.
 * The load (clients, streams, submitter) runs in a child process of its own (`--traffic`), so the
 * probe's process does nothing but probe: its own event-loop delay is reported
 * (probe_loop_delay_p99_ms) to show the small-call figure is the platform's, not the prober's.
 *
 * Figures: errors (failed requests, streams, socket connections), lost_events (job updates a
 * client should have received, from each job's persisted history, but did not), peak_rss_mb of
 * the platform process (from /proc), small_call_p95_ms under load (and idle), and
 * authz_overhead_ratio: the authorization work each small call does today (bearer parse, the
 * timing-safe token check, the principal and the record's access-level filter), timed on the
 * platform's own functions, over the median small call.
 * Users and access levels: every client uses the owner token; the datasets mix access levels
 * (open, controlled).
 *
 * Options: --seconds N (default 60), --clients N (500), --streams N (32). Ends with ONE JSON line
 * with a `targets` object.
 */
const { fork } = require('node:child_process');
const fs = require('node:fs');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const path = require('node:path');
const { ROOT, logger, requireBuilt } = require('./support/run');
const { median, percentile, round } = require('./support/stats');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
const SECONDS = arg('seconds', 60);
const CLIENTS = arg('clients', 500);
const STREAMS = arg('streams', 32);
const IDLE_MS = Math.max(1000, Math.min(5000, SECONDS * 100));
const JOB_EVERY_MS = 200;

requireBuilt('load', [
  'client/dist/index.js',
  'contract/dist/index.js',
  'test-support/dist/index.js',
  'platform/dist/index.js'
]);
const ts = require(path.join(ROOT, 'test-support/dist/index.js'));
const contract = require(path.join(ROOT, 'contract/dist/index.js'));
const auth = require(path.join(ROOT, 'platform/dist/http/auth.js'));
const policy = require(path.join(ROOT, 'platform/dist/access/policy.js'));
const { io } = require('socket.io-client');

const log = logger('load');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** The small call: one catalog record, timed end to end (ms). */
async function smallCall(p, id) {
  const t0 = performance.now();
  const r = await ts.authedFetch(p, `/api/catalog/records/${id}`);
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`small call answered ${r.status}`);
  return performance.now() - t0;
}

async function probe(p, ms, ids, errors) {
  const lat = [];
  const end = Date.now() + ms;
  for (let i = 0; Date.now() < end; i++) {
    try {
      lat.push(await smallCall(p, ids[i % ids.length]));
    } catch {
      errors.count++;
    }
    await sleep(20);
  }
  return lat;
}

/** What authorization costs per small call today, timed on the platform's own functions (ns). */
function authzNs(token) {
  const header = `Bearer ${token}`;
  // The policy's own checks for one small call: the route's scope, then the record's visibility.
  // (Token lookup is measured by bench:access, against the identity store.)
  const principal = {
    user: 'owner',
    clearances: ['open', 'controlled', 'export-controlled'],
    projects: {},
    scopes: ['read', 'write', 'run', 'admin'],
    admin: false
  };
  const levels = ['open', 'controlled', 'export-controlled'];
  let ok = 0;
  const run = (n) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      if (auth.bearerOf(header) !== token) continue;
      policy.requireRouteScope(principal, contract.routes.search);
      if (policy.recordVisible(principal, { accessLevel: levels[i % 3], project: 'public' })) ok++;
    }
    return Number(process.hrtime.bigint() - t0) / n;
  };
  run(20000); // warm up
  const samples = [run(100000), run(100000), run(100000)];
  if (ok === 0) throw new Error('authorization check never passed');
  return median(samples);
}

/**
 * The load, in a process of its own (`node bench/load.js --traffic CONFIG`): CLIENTS socket.io
 * clients subscribed to every job, then, on "start", STREAMS Arrow pulls and a job every
 * JOB_EVERY_MS for SECONDS; at the end every job's persisted history against what each client got.
 */
async function traffic(cfg) {
  const ids = cfg.ids;
  const errors = { count: 0 };
  const sockets = [];
  try {
    // 500 clients, every one subscribed to every job's updates; seqs received per job.
    const received = [];
    for (let c = 0; c < CLIENTS; c++) {
      const s = io(cfg.url, {
        path: contract.SOCKET_PATH,
        auth: { token: cfg.token },
        transports: ['websocket'],
        reconnection: false
      });
      const seen = new Map();
      received.push(seen);
      s.on('job:update', (u) => {
        let set = seen.get(u.job.id);
        if (!set) seen.set(u.job.id, (set = new Set()));
        set.add(u.event.seq);
      });
      sockets.push(s);
    }
    await Promise.all(
      sockets.map(
        (s) =>
          new Promise((resolve) => {
            s.once('connect', () =>
              s.emit('jobs:subscribe', {}, (ack) => (ack && ack.ok ? resolve() : (errors.count++, resolve())))
            );
            s.once('connect_error', () => (errors.count++, resolve()));
          })
      )
    );
    log(`${sockets.filter((s) => s.connected).length} clients connected and subscribed`);

    process.send({ type: 'ready' });
    await new Promise((resolve) => process.once('message', resolve));
    const end = Date.now() + SECONDS * 1000;
    let streamed = 0;
    let pulls = 0;
    const streams = Array.from({ length: STREAMS }, async (_, k) => {
      while (Date.now() < end) {
        try {
          const r = await ts.authedFetch(cfg, `/api/datasets/${ids[k % 2]}/versions/latest/arrow`);
          if (r.status !== 200) throw new Error(String(r.status));
          for await (const chunk of r.body) streamed += chunk.length;
          pulls++;
        } catch {
          errors.count++;
        }
      }
    });
    const jobIds = [];
    const submitter = (async () => {
      while (Date.now() < end) {
        try {
          const r = await ts.authedFetch(cfg, '/api/jobs', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: `load-${jobIds.length}`, executable: '/bin/true' })
          });
          const j = await r.json();
          if (r.status !== 201) throw new Error(String(r.status));
          jobIds.push(j.id);
        } catch {
          errors.count++;
        }
        await sleep(JOB_EVERY_MS);
      }
    })();
    await Promise.all([...streams, submitter]);
    log(`load done: ${pulls} Arrow pulls (${round(streamed / 1e6, 1)} MB), ${jobIds.length} jobs`);

    // Every job final, then a moment for the last pushes; then count what each client missed.
    const deadline = Date.now() + 60000;
    const histories = new Map();
    for (const id of jobIds) {
      for (;;) {
        const j = await (await ts.authedFetch(cfg, `/api/jobs/${id}`)).json();
        if (contract.isFinal(j.state) || Date.now() > deadline) {
          // seq 0 is the job's creation (NEW), answered by the submit itself; transitions are pushed.
          histories.set(
            id,
            j.history.map((h) => h.seq).filter((q) => q > 0)
          );
          break;
        }
        await sleep(100);
      }
    }
    await sleep(2000);
    let lost = 0;
    for (const seen of received)
      for (const [id, seqs] of histories) {
        const got = seen.get(id) ?? new Set();
        // Clients subscribed before the first submit: they must have every transition of every job.
        for (const s of seqs) if (!got.has(s)) lost++;
      }
    process.send({
      type: 'done',
      errors: errors.count,
      lost,
      pulls,
      streamed,
      jobs: jobIds.length,
      expected: [...histories.values()].reduce((a, s) => a + s.length, 0) * CLIENTS
    });
  } finally {
    for (const s of sockets) s.close();
  }
}

async function main() {
  const home = ts.tempHome('genesis-bench-load-');
  const schema = ts.numericSchema(4);
  const ids = ['bench/open-numbers', 'bench/controlled-numbers'];
  await ts.publish(home, [
    {
      id: ids[0],
      metadata: { title: 'Open numbers', license: 'CC0-1.0', accessLevel: 'open' },
      schema,
      batches: ts.numericBatches(schema, 50_000)
    },
    {
      id: ids[1],
      metadata: { title: 'Controlled numbers', license: 'CC0-1.0', accessLevel: 'controlled' },
      schema,
      batches: ts.numericBatches(schema, 50_000)
    }
  ]);
  fs.writeFileSync(
    path.join(home, 'facilities.json'),
    JSON.stringify({ facilities: [{ name: 'local', kind: 'local' }] })
  );
  const p = await ts.startPlatformProcess({ home, echoStderr: true, env: { GENESIS_SLURM: '0' } });
  log(`platform ${p.url} (pid ${p.proc.pid}); ${CLIENTS} clients, ${STREAMS} streams, ${SECONDS} s`);
  const errors = { count: 0 };
  let peakRss = rssMb(p.proc.pid);
  const rssTimer = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, rssMb(p.proc.pid));
    } catch {
      /* exited */
    }
  }, 250);
  try {
    const idle1 = await probe(p, IDLE_MS, ids, errors);
    log(`idle small call p95 ${round(percentile(idle1, 95))} ms`);

    // The load runs in its own process; this one only probes.
    const traffic = fork(__filename, ['--traffic', JSON.stringify({ url: p.url, token: p.token, ids })], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    });
    const message = (type) =>
      new Promise((resolve, reject) => {
        const onMessage = (m) =>
          m.type === type && (traffic.off('exit', onExit), traffic.off('message', onMessage), resolve(m));
        const onExit = (code) => reject(new Error(`the traffic process exited (${code}) before "${type}"`));
        traffic.on('message', onMessage);
        traffic.once('exit', onExit);
      });
    await message('ready');
    traffic.send({ type: 'start' });
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const loaded = await probe(p, SECONDS * 1000, ids, errors);
    loopDelay.disable();
    const t = await message('done');
    errors.count += t.errors;
    const { lost, pulls, streamed, jobs, expected } = t;
    const idle2 = await probe(p, IDLE_MS, ids, errors);
    const idle = [...idle1, ...idle2];
    const ns = authzNs(p.token);
    const smallMedianNs = median(loaded) * 1e6;
    const result = {
      bench: 'load',
      seconds: SECONDS,
      clients: CLIENTS,
      streams: STREAMS,
      errors: errors.count,
      lost_events: lost,
      peak_rss_mb: round(peakRss, 1),
      small_call_p95_ms: round(percentile(loaded, 95)),
      small_call_p50_ms: round(median(loaded)),
      small_call_idle_p95_ms: round(percentile(idle, 95)),
      small_call_idle_p95_spread_ms: round(Math.abs(percentile(idle1, 95) - percentile(idle2, 95))),
      small_calls: loaded.length,
      arrow_pulls: pulls,
      arrow_mb: round(streamed / 1e6, 1),
      jobs,
      job_events_expected: expected,
      probe_loop_delay_p99_ms: round(loopDelay.percentile(99) / 1e6),
      authz_ns_per_call: round(ns, 1),
      authz_overhead_ratio: round(ns / smallMedianNs, 6)
    };
    result.targets = {
      errors: { value: result.errors, target: '== 0', met: result.errors === 0 },
      lost_events: { value: result.lost_events, target: '== 0', met: result.lost_events === 0 },
      peak_rss_mb: { value: result.peak_rss_mb, target: '< 1024', met: result.peak_rss_mb < 1024 },
      small_call_p95_ms: { value: result.small_call_p95_ms, target: '< 50', met: result.small_call_p95_ms < 50 },
      authz_overhead_ratio: {
        value: result.authz_overhead_ratio,
        target: '< 0.05',
        met: result.authz_overhead_ratio < 0.05
      }
    };
    return result;
  } finally {
    clearInterval(rssTimer);
    await p.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--traffic') {
  traffic(JSON.parse(process.argv[3])).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    }
  );
} else
  main().then(
    (result) => {
      // The very last output: nothing comes after it.
      process.stdout.write(JSON.stringify(result) + '\n');
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    }
  );
