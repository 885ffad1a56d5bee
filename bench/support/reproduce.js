'use strict';
/**
 * RUNNER's figures for bench/provenance.js, on a real platform process, a real tslab kernel and
 * the local facility:
 *  - reproduce_vs_plain_execute: `genesis reproduce` (the CLI process) of a recorded 50-cell notebook (a job on
 *    the local facility: pins, re-execution in a fresh kernel, its executions recorded, every
 *    cell compared, the report recorded live and final) against a plain `jupyter execute` of the
 *    same notebook (nbclient from .venv, the same kernel): median of each, alternating arm by
 *    arm, with the spread;
 *  - runner_vs_plain_execute: the runner alone (executeNotebookFile: no platform, no job, no
 *    comparison) against the same `jupyter execute` run.
 */
const { execFile, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT } = require('./run');
const { median, round } = require('./stats');

const VENV = process.env.GENESIS_VENV || path.join(ROOT, '.venv');

/** A notebook of `n` small TypeScript cells: values, loops, stdout and one rich output every tenth cell. */
function notebookOf(n) {
  const cells = Array.from({ length: n }, (_, i) => ({
    cell_type: 'code',
    id: `c${i + 1}`,
    metadata: {},
    outputs: [],
    execution_count: null,
    source:
      i === 0
        ? 'let total = 0;\nconst series: number[] = [];'
        : i % 10 === 0
          ? `series.push(total);\nconsole.log(JSON.stringify({ cell: ${i}, total: total, mean: series.reduce((a, b) => a + b, 0) / series.length }));`
          : `for (let k = 0; k < 1000; k++) total += (k * ${i}) % 7;\nconsole.log("cell ${i}:", total);`
  }));
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells
  };
}

/** `genesis ARGS` (the built CLI) with extra environment; rejects with its stderr when it exits non-zero. */
function cli(args, env) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'cli/bin/genesis.js'), ...args],
      { env: { ...process.env, ...env }, maxBuffer: 1 << 26 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`genesis ${args.join(' ')} failed (${err.code}):\n${stderr}`)) : resolve(stdout)
    );
  });
}

/** Run the three arms `rounds` times, alternating, against a running platform ({url, token}). */
async function reproduceFigures({ url, token, cells = 50, rounds = 5, log = () => undefined }) {
  const runner = require(path.join(ROOT, 'runner/dist/index.js'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-bench-reproduce-'));
  const file = path.join(dir, 'bench.ipynb');
  fs.writeFileSync(file, JSON.stringify(notebookOf(cells)));
  const connect = { url, token };
  const kernelSearch = { prefixes: [VENV] };
  try {
    await runner.runCommand({ notebook: file, connect, kernelSearch }); // the recorded run reproduce starts from
    const plain = [];
    const reproduce = [];
    const alone = [];
    let last;
    for (let r = 0; r < rounds; r++) {
      // Rotate which arm goes first, so warm caches and machine load fall on each alike.
      const arms = [
        () => {
          const t = process.hrtime.bigint();
          execFileSync(path.join(VENV, 'bin/jupyter'), ['execute', '--output', path.join(dir, 'plain.ipynb'), file], {
            stdio: 'pipe',
            env: { ...process.env, JUPYTER_PATH: path.join(VENV, 'share/jupyter') }
          });
          plain.push(Number(process.hrtime.bigint() - t) / 1e6);
        },
        async () => {
          // What a user types: the CLI as its own process (start-up included), the report read from its file.
          const t = process.hrtime.bigint();
          const json = path.join(dir, `rep-${r}.json`);
          await cli(
            [
              'reproduce',
              file,
              '--output-dir',
              path.join(dir, `rep-${r}`),
              '--report-json',
              json,
              '--progress',
              'none'
            ],
            {
              GENESIS_URL: url,
              GENESIS_TOKEN: token,
              VIRTUAL_ENV: VENV
            }
          );
          reproduce.push(Number(process.hrtime.bigint() - t) / 1e6);
          last = JSON.parse(fs.readFileSync(json, 'utf8'));
        },
        async () => {
          const t = process.hrtime.bigint();
          const res = await runner.executeNotebookFile(file, { kernelSearch });
          alone.push(Number(process.hrtime.bigint() - t) / 1e6);
          if (!res.ok) throw new Error('the runner failed a cell of the bench notebook');
        }
      ];
      for (let k = 0; k < arms.length; k++) await arms[(r + k) % arms.length]();
      log(
        `round ${r + 1}/${rounds}: jupyter execute ${round(plain.at(-1), 0)} ms, reproduce ${round(reproduce.at(-1), 0)} ms, runner ${round(alone.at(-1), 0)} ms`
      );
    }
    if (!last.reproducible) throw new Error(`the bench notebook did not reproduce:\n${JSON.stringify(last.cells)}`);
    const spread = (xs) => [round(Math.min(...xs), 0), round(Math.max(...xs), 0)];
    return {
      reproduce_vs_plain_execute: round(median(reproduce) / median(plain), 3),
      runner_vs_plain_execute: round(median(alone) / median(plain), 3),
      reproduce_ms: round(median(reproduce), 0),
      reproduce_spread_ms: spread(reproduce),
      plain_execute_ms: round(median(plain), 0),
      plain_execute_spread_ms: spread(plain),
      runner_ms: round(median(alone), 0),
      runner_spread_ms: spread(alone),
      reproduce_cells: cells,
      reproduce_rounds: rounds
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { reproduceFigures, notebookOf };
