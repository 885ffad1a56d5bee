'use strict';
/**
 * Preloaded into a platform process by a benchmark (NODE_OPTIONS=--require this file, with
 * GENESIS_LOOP_DELAY_FILE set): the process's own event-loop delay (perf_hooks'
 * monitorEventLoopDelay), written to that file as JSON and reset on each SIGUSR2. A probe from
 * another process would add its own event loop and the machine's scheduling to the figure.
 */
const fs = require('node:fs');
const { isMainThread } = require('node:worker_threads');
const { monitorEventLoopDelay } = require('node:perf_hooks');

const file = process.env.GENESIS_LOOP_DELAY_FILE;
// Only the platform's main thread; its workers and the processes it starts go without.
delete process.env.GENESIS_LOOP_DELAY_FILE;
process.env.NODE_OPTIONS = (process.env.NODE_OPTIONS || '').replace(/--require[= ]\S*loop-delay\.js/, '').trim();
if (file && isMainThread) {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  let seq = 0;
  process.on('SIGUSR2', () => {
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    fs.writeFileSync(
      file,
      JSON.stringify({
        seq: ++seq,
        p50: ms(h.percentile(50)),
        p99: ms(h.percentile(99)),
        max: ms(h.max),
        count: h.count
      })
    );
    h.reset();
  });
}
