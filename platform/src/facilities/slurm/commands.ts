import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { SlurmError } from './transport';

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** A Slurm command that failed: how (exit code / signal / spawn error) and what it said. */
export class SlurmCommandError extends SlurmError {
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly exitCode: number | null,
    message: string
  ) {
    // Errors that say nothing about the job (controller down, timeouts): retry, never conclude.
    super(
      message,
      stderr,
      exitCode === null ||
        /Unable to contact slurm controller|Socket timed out|Connection refused|Zero Bytes were transmitted|Transport endpoint|temporarily unavailable|try again/i.test(
          stderr
        )
    );
    this.name = 'SlurmCommandError';
  }
}

/**
 * Runs Slurm's command-line tools without a shell (arguments are argv, never parsed), with a
 * timeout, and counts the calls per command so benchmarks and health can report them.
 */
export class SlurmCommands {
  readonly calls: Record<string, number> = {};

  constructor(
    private readonly binDir: string | undefined,
    private readonly timeoutMs: number
  ) {}

  run(
    cmd: 'sbatch' | 'squeue' | 'scancel' | 'scontrol' | 'sacct' | 'sinfo',
    args: string[],
    env?: NodeJS.ProcessEnv
  ): Promise<CommandResult> {
    this.calls[cmd] = (this.calls[cmd] ?? 0) + 1;
    const file = this.binDir ? path.join(this.binDir, cmd) : cmd;
    return new Promise((resolve, reject) => {
      execFile(
        file,
        args,
        { timeout: this.timeoutMs, maxBuffer: 512 * 1024 * 1024, env: env ?? process.env, encoding: 'utf8' },
        (err, stdout, stderr) => {
          if (err) {
            const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
            const exitCode = typeof e.code === 'number' ? e.code : null;
            const why = e.killed
              ? `timed out after ${this.timeoutMs} ms`
              : typeof e.code === 'string'
                ? e.code
                : `exit ${e.code}`;
            reject(
              new SlurmCommandError(
                cmd,
                String(stderr || e.message).trim(),
                exitCode,
                `${cmd} failed (${why}): ${String(stderr || e.message).trim()}`
              )
            );
          } else resolve({ stdout, stderr });
        }
      );
    });
  }
}
