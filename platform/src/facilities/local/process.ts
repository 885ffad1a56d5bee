import * as fs from 'node:fs';

/**
 * Is `pid` a live (not zombie) process whose command line mentions `marker`? The marker (the
 * job directory) guards against a recycled pid after a restart.
 */
export function processRunning(pid: number, marker: string): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name: Z = zombie, X = dead.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

export function readPid(file: string): number | undefined {
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    return /^\d+$/.test(t) ? Number(t) : undefined;
  } catch {
    return undefined;
  }
}
