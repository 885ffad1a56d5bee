'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./run');

/**
 * Start a real platform process (`genesis serve` on a free loopback port) on `home` and wait
 * until its discovery file names it. Its stderr goes on to ours (warnings show during the run).
 * Resolves with { proc, url, token, stop() }; stop() is SIGTERM and waits for the exit and for
 * the last of its stderr.
 */
async function startPlatform(home, { timeoutMs = 30_000 } = {}) {
  const proc = spawn(
    process.execPath,
    [path.join(ROOT, 'platform/bin/genesis.js'), 'serve', '--port', '0', '--home', home],
    {
      env: { ...process.env, GENESIS_TOKEN: '', GENESIS_URL: '' },
      stdio: ['ignore', 'ignore', 'pipe']
    }
  );
  let err = '';
  proc.stderr.on('data', (d) => {
    err += d;
    process.stderr.write(d);
  });
  const exited = new Promise((r) => proc.once('exit', r));
  const drained = new Promise((r) => proc.stderr.once('close', r));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    await exited;
    // Its last stderr lines are passed on before the caller prints its final JSON line (bounded:
    // a child that inherited the pipe may hold it open).
    await Promise.race([drained, new Promise((r) => setTimeout(r, 2000).unref())]);
  };
  const file = path.join(home, 'run', 'platform.json');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`platform exited with ${proc.exitCode}: ${err}`);
    try {
      const d = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (d.pid === proc.pid) return { proc, url: d.url, token: d.token, stop };
    } catch {
      /* not written yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error(`platform did not start in ${timeoutMs} ms: ${err}`);
}

module.exports = { startPlatform };
