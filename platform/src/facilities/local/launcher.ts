import { spawn, type ChildProcess } from 'node:child_process';
import { newlineDefinition, shQuote } from '../shell-quote';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The shell loop that starts wrappers for the platform. Forking a small shell costs a fraction
 * of forking the platform's Node process, which dominated local job throughput. Each line it
 * reads starts one wrapper through a double fork, so wrappers are never its children (no
 * zombies to reap; the init process adopts them) and echoes the wrapper's pid.
 */
const LOOP = `${newlineDefinition('nl')}
while IFS= read -r line; do eval "$line"; done`;

/**
 * A long-lived `sh` that launches local jobs. Lines in: one per job (every word single-quoted,
 * line feeds via $nl, so a value can never end the line). Lines out: `started <job> <pid>` from
 * the launcher and `done <job dir>` from each wrapper when it has written its exit file (the
 * wrappers inherit this pipe as their stdout). It runs in its own process group, so a Ctrl-C
 * meant for the platform does not reach it or the jobs.
 */
export class Launcher {
  private proc: ChildProcess | undefined;
  private buffered = '';

  constructor(private readonly onLine: (line: string) => void) {}

  private ensure(): ChildProcess {
    const p = this.proc;
    if (p && p.exitCode === null && p.signalCode === null && p.stdin?.writable) return p;
    const next = spawn('/bin/sh', ['-c', LOOP], { stdio: ['pipe', 'pipe', 'ignore'], detached: true });
    next.stdin!.on('error', () => undefined); // a dead launcher: the next launch starts another
    next.stdout!.setEncoding('utf8');
    // Keep reading even after this launcher is replaced: its wrappers still report here.
    next.stdout!.on('data', (chunk: string) => this.receive(chunk));
    next.once('exit', () => {
      if (this.proc === next) this.proc = undefined;
    });
    // Neither the launcher nor its pipes keep the platform alive.
    next.unref();
    (next.stdin as unknown as { unref?: () => void }).unref?.();
    (next.stdout as unknown as { unref?: () => void }).unref?.();
    this.proc = next;
    return next;
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      if (line) this.onLine(line);
    }
  }

  /** Start `argv` with exactly `env` (names that are not shell names are dropped). */
  launch(jobId: string, env: NodeJS.ProcessEnv, argv: string[]): void {
    const q = (s: string) => shQuote(s, 'nl');
    const envWords = Object.entries(env)
      .filter(([k, v]) => NAME.test(k) && v !== undefined && !v.includes('\0'))
      .map(([k, v]) => q(`${k}=${v}`));
    const cmd = ['/usr/bin/env', '-i', ...envWords, ...argv.map(q)].join(' ');
    this.ensure().stdin!.write(`( ( exec ${cmd} ) & echo "started ${jobId} $!" ) </dev/null\n`);
  }

  close(): void {
    this.proc?.stdin?.end();
    this.proc = undefined;
  }
}
