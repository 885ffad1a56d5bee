/// <reference types="node" />
import * as fs from 'node:fs';

/**
 * Is a process with this pid running on this machine? Discovery files, home locks and temp
 * files name their owner's pid, and every reader asks this one question. On Linux from
 * /proc/<pid>/stat, so a zombie (exited, not yet reaped) counts as gone; elsewhere by signal 0,
 * where EPERM (someone else's process) means yes.
 */
export function processAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync('/proc/self/stat')) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}
