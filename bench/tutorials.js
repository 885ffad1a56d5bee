#!/usr/bin/env node
'use strict';
/**
 * npm run bench:tutorials — the tutorials and the plot helper, against real platform processes.
 *
 *  1. Per kernel (tslab, Deno's), from a fresh platform: a new home, `genesis seed examples`, the
 *     platform started (local facility, and Slurm when `scontrol ping` answers), then
 *     examples/01 to 04 executed top to bottom by the project's runner (@genesis-lab/notebook-runner).
 *     Kernels alternate in order from round to round. Target: both kernels together under 300 s.
 *  2. The size of each committed notebook (stripped of outputs) and of each executed one.
 *  3. The plot helper on a 1,000,000-row table: `genesis.plot(t).histogram({ x: "delay" })`
 *     (binned in the kernel, SVG rendered) against pulling the same table
 *     (`genesis.dataset("bts/flights-3m").table({ columns: ["delay"], limit: 1e6 })`), the two
 *     arms alternated, medians and spreads; vega's one-time load is measured apart (first plot).
 *     Target: plot_vs_pull <= 1 (drawing a million rows costs no more than pulling them).
 *
 * Prints a summary, then ONE final JSON line; its `targets` gives value, target and met for each.
 * GENESIS_BENCH_SMOKE=1: tslab only, one round, 200,000 rows (same code paths, not the figures).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { ROOT, logger, requireBuilt } = require('./support/run');
const { startPlatformProcess } = require(path.join(ROOT, 'test-support/dist/index.js'));
const { median, round } = require('./support/stats');

const SMOKE = process.env.GENESIS_BENCH_SMOKE === '1';
const KERNELS = SMOKE ? ['tslab'] : ['tslab', 'deno'];
const ROUNDS = SMOKE ? 1 : Number(process.env.GENESIS_BENCH_ROUNDS || 2);
const PLOT_ROWS = SMOKE ? 200_000 : 1_000_000;
const PLOT_RUNS = SMOKE ? 2 : 7;
const TUTORIALS = [
  '01-find-and-pull-data.ipynb',
  '02-run-jobs-on-facilities.ipynb',
  '03-call-a-model.ipynb',
  '04-paper-co2-growth.ipynb'
];

requireBuilt('tutorials', ['kernel-helpers/dist/index.js', 'runner/dist/index.js', 'cli/dist/main.js']);
const log = logger('tutorials');
const { executeNotebookFile, describeCellRun } = require(path.join(ROOT, 'runner/dist/index.js'));
const { Genesis } = require(path.join(ROOT, 'kernel-helpers/dist/index.js'));

function slurmUp() {
  try {
    return /UP/.test(execFileSync('scontrol', ['ping'], { encoding: 'utf8', timeout: 10_000, stdio: 'pipe' }));
  } catch {
    return false;
  }
}

/** A fresh home seeded with the examples, with the facilities the tutorials use. */
function freshHome(slurm) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-bench-tutorials-'));
  execFileSync(process.execPath, [path.join(ROOT, 'cli/bin/genesis.js'), 'seed', 'examples', '--home', home], {
    stdio: 'ignore',
    timeout: 300_000
  });
  const facilities = [
    { name: 'local', kind: 'local' },
    ...(slurm ? [{ name: 'slurm', kind: 'slurm', pollIntervalMs: 500 }] : [])
  ];
  fs.writeFileSync(path.join(home, 'facilities.json'), JSON.stringify({ facilities }));
  return home;
}

/** One kernel's run of every tutorial from a fresh platform: seconds for each part. */
async function runTutorials(kernel, slurm) {
  const t0 = performance.now();
  const home = freshHome(slurm);
  const platform = await startPlatformProcess({ home });
  const ready = performance.now();
  const seconds = {};
  const executedBytes = {};
  try {
    for (const name of TUTORIALS) {
      const t = performance.now();
      const r = await executeNotebookFile(path.join(ROOT, 'examples', name), {
        kernelName: kernel,
        env: { GENESIS_URL: platform.url, GENESIS_TOKEN: platform.token },
        kernelSearch: { prefixes: [path.join(ROOT, '.venv')] },
        cellTimeoutMs: 240_000
      });
      if (!r.ok)
        throw new Error(
          `${name} failed in ${kernel}:\n${r.cells.map((c, i) => describeCellRun(c, i + 1, r.cells.length)).join('\n')}`
        );
      seconds[name] = (performance.now() - t) / 1000;
      executedBytes[name] = Buffer.byteLength(JSON.stringify(r.notebook, null, 1));
    }
  } finally {
    await platform.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
  return { kernel, setup_s: (ready - t0) / 1000, seconds, total_s: (performance.now() - t0) / 1000, executedBytes };
}

/** Pull vs plot of the same million-row table, alternated; the first plot (vega's load) apart. */
async function plotVsPull() {
  const home = freshHome(false);
  const platform = await startPlatformProcess({ home });
  try {
    const genesis = new Genesis({ url: platform.url, token: platform.token });
    genesis.configure({ notebook: false, progress: false });
    const pull = () =>
      genesis.dataset('bts/flights-3m').table({ columns: ['delay'], limit: PLOT_ROWS, display: false });
    const plot = (t) => genesis.plot(t).histogram({ x: 'delay' });
    let table = await pull();
    const f0 = performance.now();
    const first = await plot(table);
    const firstPlotMs = performance.now() - f0;
    const pulls = [];
    const plots = [];
    for (let i = 0; i < PLOT_RUNS; i++) {
      // Alternate which arm goes first, so neither always runs on a warmer process.
      const arms = i % 2 ? ['plot', 'pull'] : ['pull', 'plot'];
      for (const arm of arms) {
        const t = performance.now();
        if (arm === 'pull') table = await pull();
        else await plot(table);
        (arm === 'pull' ? pulls : plots).push(performance.now() - t);
      }
    }
    return {
      rows: table.numRows,
      firstPlotMs,
      pulls,
      plots,
      note: first.note,
      specBytes: JSON.stringify(first.spec).length
    };
  } finally {
    await platform.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const spread = (xs) => [round(Math.min(...xs), 0), round(Math.max(...xs), 0)];

async function main() {
  const slurm = !SMOKE && slurmUp();
  const runs = [];
  for (let round_ = 0; round_ < ROUNDS; round_++) {
    const order = round_ % 2 ? [...KERNELS].reverse() : KERNELS;
    for (const kernel of order) {
      log(`round ${round_ + 1}/${ROUNDS}: the tutorials in ${kernel}${slurm ? ' (with Slurm)' : ''}`);
      runs.push(await runTutorials(kernel, slurm));
    }
  }
  log(`plot vs pull, ${PLOT_ROWS.toLocaleString('en-US')} rows x ${PLOT_RUNS}`);
  const pv = await plotVsPull();

  const perKernel = {};
  for (const k of KERNELS) {
    const mine = runs.filter((r) => r.kernel === k);
    perKernel[k] = {
      total_s: round(median(mine.map((r) => r.total_s)), 1),
      total_s_spread: [
        round(Math.min(...mine.map((r) => r.total_s)), 1),
        round(Math.max(...mine.map((r) => r.total_s)), 1)
      ],
      fresh_platform_s: round(median(mine.map((r) => r.setup_s)), 1),
      ...Object.fromEntries(TUTORIALS.map((n) => [n, round(median(mine.map((r) => r.seconds[n])), 1)]))
    };
  }
  const allKernelsS = round(
    KERNELS.reduce((s, k) => s + perKernel[k].total_s, 0),
    1
  );
  const committed = Object.fromEntries(TUTORIALS.map((n) => [n, fs.statSync(path.join(ROOT, 'examples', n)).size]));
  const executed = Object.fromEntries(KERNELS.map((k) => [k, runs.find((r) => r.kernel === k).executedBytes]));
  const pullMs = median(pv.pulls);
  const plotMs = median(pv.plots);
  const ratio = plotMs / pullMs;
  const result = {
    bench: 'tutorials',
    smoke: SMOKE,
    kernels: KERNELS,
    rounds: ROUNDS,
    slurm,
    tutorials_s: perKernel,
    all_kernels_s: allKernelsS,
    committed_notebook_bytes: committed,
    executed_notebook_bytes: executed,
    plot_rows: pv.rows,
    pull_ms: round(pullMs, 0),
    pull_ms_spread: spread(pv.pulls),
    plot_ms: round(plotMs, 0),
    plot_ms_spread: spread(pv.plots),
    first_plot_ms: round(pv.firstPlotMs, 0),
    plot_spec_bytes: pv.specBytes,
    plot_vs_pull: round(ratio, 2),
    targets: {
      all_kernels_s: { value: allKernelsS, target: '<= 300', met: allKernelsS <= 300 },
      plot_vs_pull: { value: round(ratio, 2), target: '<= 1', met: ratio <= 1 }
    }
  };
  const ok = (t) => `${t.met ? 'met ' : 'MISS'}`;
  console.log(
    [
      `Tutorials from a fresh platform (seed + serve + run), median of ${ROUNDS} round(s)${SMOKE ? ' (SMOKE: not the real figures)' : ''}${slurm ? ', with Slurm' : ', local facility only'}`,
      ...KERNELS.map(
        (k) =>
          `  ${k.padEnd(6)} ${String(perKernel[k].total_s).padStart(6)} s  (fresh platform ${perKernel[k].fresh_platform_s} s; ${TUTORIALS.map((n) => `${n.slice(0, 2)} ${perKernel[k][n]} s`).join(', ')})`
      ),
      `  ${ok(result.targets.all_kernels_s)}  all kernels ${allKernelsS} s <= 300 s`,
      `Committed notebooks: ${TUTORIALS.map((n) => `${n} ${committed[n].toLocaleString('en-US')} B`).join(', ')}`,
      `Executed notebooks: ${KERNELS.map((k) => `${k}: ${TUTORIALS.map((n) => `${(executed[k][n] / 1024).toFixed(0)} KiB`).join(' + ')}`).join('; ')}`,
      `Plot vs pull of ${pv.rows.toLocaleString('en-US')} rows: pull ${round(pullMs, 0)} ms ${JSON.stringify(spread(pv.pulls))}, histogram ${round(plotMs, 0)} ms ${JSON.stringify(spread(pv.plots))} (first plot, loading vega: ${round(pv.firstPlotMs, 0)} ms; spec ${pv.specBytes} B: ${pv.note})`,
      `  ${ok(result.targets.plot_vs_pull)}  plot_vs_pull ${round(ratio, 2)} <= 1`
    ].join('\n')
  );
  console.log(JSON.stringify(result));
}

main().catch((err) => {
  console.error(`bench:tutorials failed: ${err.stack || err}`);
  process.exit(1);
});
