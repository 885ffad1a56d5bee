import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Observation } from './connector';

/**
 * The files every connector keeps in a job's directory. The exit-code file is written by our
 * own wrapper (local) or script (Slurm) when the job's program ends, so it is the source of
 * truth for the exit code whatever the scheduler reports.
 */
export const JOB_FILES = {
  stdout: 'stdout',
  stderr: 'stderr',
  exit: 'exit',
  /** Written by the platform before it cancels, so a signalled exit reads as CANCELED. */
  cancel: '.cancel',
  /** Written by the local wrapper's watchdog when the wall-time ran out. */
  timeout: '.timeout',
  wrapperPid: '.wrapper.pid',
  pgid: '.pgid',
  script: 'job.sh',
  spec: 'spec.json'
} as const;

export function readExitCode(workDir: string): number | undefined {
  try {
    const t = fs.readFileSync(path.join(workDir, JOB_FILES.exit), 'utf8').trim();
    return /^\d+$/.test(t) ? Number(t) : undefined;
  } catch {
    return undefined;
  }
}

export function hasMarker(workDir: string, marker: string): boolean {
  return fs.existsSync(path.join(workDir, marker));
}

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  15: 'SIGTERM'
};

/** Read the last `bytes` of a file as text (for error messages). */
export function tailText(file: string, bytes = 2048): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const start = Math.max(0, size - bytes);
      const buf = Buffer.alloc(size - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      return buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/** The final state a finished wrapper left behind, from its exit code and markers. */
export function finalFromFiles(workDir: string, rc: number, durationSeconds?: number): Observation {
  const base = { exitCode: rc, nativeState: 'EXITED', nativeReason: `exit status ${rc}` };
  if (hasMarker(workDir, JOB_FILES.cancel))
    return {
      ...base,
      state: 'CANCELED',
      reason: 'CANCELED_BY_USER',
      message: 'canceled on request',
      nativeState: 'CANCELLED'
    };
  if (hasMarker(workDir, JOB_FILES.timeout))
    return {
      ...base,
      state: 'FAILED',
      reason: 'TIMEOUT',
      nativeState: 'TIMEOUT',
      message: `exceeded its wall-time${durationSeconds ? ` of ${durationSeconds} s` : ''} and was killed`
    };
  if (rc === 0) return { ...base, state: 'COMPLETED', message: 'exited 0' };
  if ((rc === 126 || rc === 127) && /setsid: failed to execute/.test(tailText(path.join(workDir, JOB_FILES.stderr))))
    return {
      ...base,
      state: 'FAILED',
      reason: 'LAUNCH_FAILED',
      message: tailText(path.join(workDir, JOB_FILES.stderr), 300).trim()
    };
  if (rc > 128 && rc < 128 + 65) {
    const sig = rc - 128;
    return {
      ...base,
      state: 'FAILED',
      reason: 'SIGNALED',
      message: `killed by signal ${sig}${SIGNALS[sig] ? ` (${SIGNALS[sig]})` : ''}`
    };
  }
  return { ...base, state: 'FAILED', reason: 'NONZERO_EXIT', message: `exited with code ${rc}` };
}
