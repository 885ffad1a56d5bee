import { parseNodes, parsePartitions } from './cluster';
import { SlurmCommandError, SlurmCommands } from './commands';
import { SLURM_CUSTOM_OPTIONS, type BatchSubmission } from './script';
import { only, parseJobcomp, parseSqueueJson, type NativeStatus } from './status';
import type { SlurmTransport } from './transport';

/**
 * Slurm through its command-line tools: `scontrol` (cluster), `squeue --json` (queue),
 * `sacct -c` (the jobcomp/filetxt log, final states without slurmdbd), `sbatch`, `scancel`.
 */
export class SlurmCliTransport implements SlurmTransport {
  readonly kind = 'cli';
  readonly label = 'cli';
  readonly customAttributes = Object.keys(SLURM_CUSTOM_OPTIONS);
  readonly commands: SlurmCommands;

  constructor(
    binDir: string | undefined,
    timeoutMs: number,
    private readonly completionLog: string | undefined
  ) {
    this.commands = new SlurmCommands(binDir, timeoutMs);
  }

  get calls(): Record<string, number> {
    return this.commands.calls;
  }

  statusCalls(): number {
    return (this.commands.calls.squeue ?? 0) + (this.commands.calls.sacct ?? 0);
  }

  async cluster() {
    const [parts, nodes] = await Promise.all([
      this.commands.run('scontrol', ['-o', 'show', 'partition']),
      this.commands.run('scontrol', ['-o', 'show', 'node'])
    ]);
    return { partitions: parsePartitions(parts.stdout), nodes: parseNodes(nodes.stdout) };
  }

  async fetchQueue(ids?: string[]): Promise<string> {
    const args = ids ? ['--json', `--jobs=${ids.join(',')}`] : ['--json'];
    return (await this.commands.run('squeue', args)).stdout;
  }

  parseQueue(text: string, ids?: string[]): NativeStatus[] {
    // squeue --json of Slurm 22.05 ignores --jobs: keep only the jobs asked for.
    const all = parseSqueueJson(text);
    return ids ? only(all, ids) : all;
  }

  async completed(): Promise<NativeStatus[]> {
    const args = ['-c', '-P', '-n', '-o', 'jobid,state,exitcode,workdir'];
    if (this.completionLog) args.push(`--file=${this.completionLog}`);
    try {
      return parseJobcomp((await this.commands.run('sacct', args)).stdout);
    } catch (err) {
      // An empty or absent completion log is "no records", not a failure.
      if (err instanceof SlurmCommandError && /No such file|empty/i.test(err.stderr)) return [];
      throw err;
    }
  }

  async submit(sub: BatchSubmission, scriptPath: string, env: NodeJS.ProcessEnv): Promise<string> {
    const out = await this.commands.run('sbatch', [...sub.options, scriptPath], env);
    return out.stdout.trim().split(';')[0]!;
  }

  async release(nativeId: string): Promise<void> {
    await this.commands.run('scontrol', ['release', nativeId]);
  }

  async cancel(nativeId: string): Promise<void> {
    try {
      await this.commands.run('scancel', [nativeId]);
    } catch (err) {
      // Already finished: the next cycle reports its real end.
      if (
        err instanceof SlurmCommandError &&
        !err.transient &&
        /already completing|completed|Invalid job id/i.test(err.stderr)
      )
        return;
      throw err;
    }
  }
}
