import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  GenesisError,
  type ErrorIssue,
  type FacilityCapabilities,
  type JobSpec,
  type LogStream,
  type SlurmFacilityConfig
} from '@genesis-lab/contract';
import { writeFileAtomic } from '../../util/atomic';
import { checkCapabilities } from '../capabilities';
import {
  SubmitRefused,
  type ConnectorSink,
  type FacilityConnector,
  type FacilityHealth,
  type TrackedJob
} from '../connector';
import { jobEnvironment } from '../environment';
import { JOB_FILES, readExitCode } from '../job-files';
import { parseNodes, parsePartitions, type NodeInfo, type PartitionInfo } from './cluster';
import { SlurmCommandError, SlurmCommands } from './commands';
import { SLURM_CUSTOM_OPTIONS, buildBatchSubmission } from './script';
import { observationOf, parseJobcomp, parseSqueueJson, type NativeStatus } from './status';

interface Tracked extends TrackedJob {
  nativeId: string;
  /** When no Slurm source knew the job (ms since epoch); LOST after `lostAfterSeconds`. */
  missingSince?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Slurm through its command-line tools. One `squeue --json --jobs=<all tracked>` per poll
 * cycle however many jobs are tracked; jobs that left the controller's memory are looked up
 * in the job-completion log (`sacct -c`) in one more call, only when some are missing. A
 * failed status command is retried and never read as a failed job. Our script's exit-code
 * file is the source of truth for exit codes.
 */
export class SlurmConnector implements FacilityConnector {
  readonly kind = 'slurm';
  readonly name: string;
  readonly commands: SlurmCommands;
  private sink!: ConnectorSink;
  private readonly tracked = new Map<string, Tracked>();
  /** Jobs maybe sent but without a known Slurm id, while Slurm cannot be asked: retried each cycle. */
  private orphans: TrackedJob[] = [];
  private partitions: PartitionInfo[] = [];
  private nodes: NodeInfo[] = [];
  private discovered = false;
  private state: FacilityHealth = { healthy: false, message: 'not checked yet', checkedAt: null };
  private timer: NodeJS.Timeout | undefined;
  private clusterTimer: NodeJS.Timeout | undefined;
  private cycleRunning: Promise<void> | undefined;
  private soonTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly counters = {
    cycles: 0,
    cycleCalls: 0,
    lastCycleCalls: 0,
    lastCycleJobs: 0,
    lastCycleCpuMs: 0,
    lastCycleMs: 0,
    statusFailures: 0,
    submits: 0
  };

  constructor(readonly config: SlurmFacilityConfig) {
    this.name = config.name;
    this.commands = new SlurmCommands(config.binDir, config.commandTimeoutMs);
  }

  // ---- capabilities -------------------------------------------------------------------

  private allowedPartitions(): string[] {
    const discovered = this.partitions.filter((p) => p.up).map((p) => p.name);
    return this.config.partitions
      ? this.config.partitions.filter((p) => !this.discovered || discovered.includes(p))
      : discovered;
  }

  private defaultPartition(): string | undefined {
    return this.config.defaultPartition ?? this.partitions.find((p) => p.isDefault)?.name;
  }

  capabilities(): FacilityCapabilities {
    return this.capabilitiesFor(undefined);
  }

  private capabilitiesFor(queue: string | undefined): FacilityCapabilities {
    const part = this.partitions.find((p) => p.name === (queue ?? this.defaultPartition()));
    const nodes = part ? this.nodesOf(part) : this.nodes;
    const max = (f: (n: NodeInfo) => number) => (nodes.length ? Math.max(...nodes.map(f)) : null);
    return {
      maxNodes: part ? Math.min(part.maxNodes ?? Infinity, part.totalNodes) : this.nodes.length || null,
      maxCpusPerNode: max((n) => n.cpus),
      maxGpusPerNode: max((n) => n.gpus),
      maxMemoryBytes: nodes.length ? Math.max(...nodes.map((n) => n.memoryMb)) * 1048576 : null,
      maxDurationSeconds: part?.maxTimeSeconds ?? null,
      queues: this.allowedPartitions(),
      supportsHold: true,
      supportsCancel: true,
      transport: 'cli',
      customAttributes: Object.keys(SLURM_CUSTOM_OPTIONS)
    };
  }

  private nodesOf(part: PartitionInfo): NodeInfo[] {
    if (part.nodes === 'ALL') return this.nodes;
    // Host lists like "n[1-4],gpu1": expand simple ranges; unknown forms fall back to all nodes.
    const names = new Set<string>();
    for (const m of part.nodes.matchAll(/([^,[]+)(?:\[([^\]]+)\])?/g)) {
      if (!m[2]) names.add(m[1]!);
      else
        for (const r of m[2].split(',')) {
          const [a, b] = r.split('-');
          if (b === undefined) names.add(m[1]! + a);
          else for (let i = Number(a); i <= Number(b); i++) names.add(m[1]! + String(i).padStart(a!.length, '0'));
        }
    }
    const found = this.nodes.filter((n) => names.has(n.name));
    return found.length ? found : this.nodes;
  }

  validate(spec: JobSpec): ErrorIssue[] {
    if (!this.discovered)
      throw new GenesisError('unavailable', `Slurm facility "${this.name}" is not reachable: ${this.state.message}`, {
        hint: 'Start Slurm (scripts/slurm-up) or check the facility with `genesis facilities`'
      });
    return checkCapabilities(spec, this.capabilitiesFor(spec.attributes.queue), this.name);
  }

  health(): FacilityHealth {
    return this.state;
  }

  private async refreshCluster(): Promise<void> {
    try {
      const [parts, nodes] = await Promise.all([
        this.commands.run('scontrol', ['-o', 'show', 'partition']),
        this.commands.run('scontrol', ['-o', 'show', 'node'])
      ]);
      this.partitions = parsePartitions(parts.stdout);
      this.nodes = parseNodes(nodes.stdout);
      this.discovered = true;
      const cpus = this.nodes.reduce((a, n) => a + n.cpus, 0);
      this.state = {
        healthy: this.partitions.some((p) => p.up),
        message: `${this.partitions.map((p) => `${p.name}${p.isDefault ? '*' : ''}`).join(', ')}: ${this.nodes.length} node(s), ${cpus} CPUs (${this.nodes.map((n) => n.state).join(', ')})`,
        checkedAt: new Date().toISOString()
      };
    } catch (err) {
      this.state = { healthy: false, message: (err as Error).message, checkedAt: new Date().toISOString() };
    }
  }

  // ---- lifecycle -----------------------------------------------------------------------

  async start(sink: ConnectorSink, open: TrackedJob[]): Promise<void> {
    this.sink = sink;
    await this.refreshCluster();
    this.clusterTimer = setInterval(() => void this.refreshCluster(), 30_000);
    this.clusterTimer.unref();
    const orphans: TrackedJob[] = [];
    for (const job of open) {
      if (job.nativeId) this.track(job as Tracked);
      else orphans.push(job);
    }
    if (orphans.length) await this.adoptOrphans(orphans);
    this.schedule(0);
  }

  /**
   * Jobs whose submission was attempted but whose Slurm id was never stored (a crash between
   * sbatch and the database): find them by their job directory (our `--chdir`) in the queue
   * and in the completion log; send the ones Slurm never received.
   */
  private async adoptOrphans(orphans: TrackedJob[]): Promise<void> {
    let known: NativeStatus[] | undefined;
    try {
      const q = await this.commands.run('squeue', ['--json']);
      const comp = await this.jobcomp();
      known = [...parseSqueueJson(q.stdout), ...comp];
    } catch (err) {
      this.state = { healthy: false, message: (err as Error).message, checkedAt: new Date().toISOString() };
    }
    for (const job of orphans) {
      if (job.cancelRequested) {
        this.sink.observe(job.id, {
          state: 'CANCELED',
          reason: 'CANCELED_BY_USER',
          message: 'canceled before it was sent'
        });
        continue;
      }
      if (!known) {
        // Cannot tell whether Slurm has it: ask again next cycle rather than risk a second copy.
        this.orphans.push(job);
        continue;
      }
      const found = known.find((s) => s.workDir === job.workDir);
      if (found) {
        this.sink.nativeId(job.id, found.nativeId);
        this.track({ ...job, nativeId: found.nativeId });
      } else if (job.submitAttempts > 0 || job.state === 'NEW') {
        try {
          await this.submit(job);
        } catch (err) {
          if (err instanceof SubmitRefused)
            this.sink.observe(job.id, {
              state: 'FAILED',
              reason: 'SUBMIT_FAILED',
              message: err.message,
              nativeReason: err.nativeMessage
            });
        }
      }
    }
  }

  private track(job: Tracked): void {
    this.tracked.set(job.id, job);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.cycle().finally(() => this.schedule(this.config.pollIntervalMs)), ms);
    this.timer.unref();
  }

  /** Poll soon (after a submit or cancel), coalescing many requests into one cycle. */
  private soon(): void {
    if (this.soonTimer || this.stopped) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      this.schedule(0);
    }, 300);
    this.soonTimer.unref();
  }

  /** One poll cycle (public for benchmarks and tests; concurrent calls share one cycle). */
  cycle(): Promise<void> {
    this.cycleRunning ??= this.runCycle().finally(() => (this.cycleRunning = undefined));
    return this.cycleRunning;
  }

  private async runCycle(): Promise<void> {
    if (this.orphans.length) {
      const again = this.orphans;
      this.orphans = [];
      await this.adoptOrphans(again);
    }
    const jobs = [...this.tracked.values()];
    if (!jobs.length) return;
    const t0 = Date.now();
    const callsBefore = this.totalCalls();
    let cpu = process.cpuUsage();
    let cpuMs = 0;
    const pauseCpu = () => {
      const d = process.cpuUsage(cpu);
      cpuMs += (d.user + d.system) / 1000;
    };
    const resumeCpu = () => (cpu = process.cpuUsage());
    const ids = [...new Set(jobs.map((j) => j.nativeId))];
    let statuses: NativeStatus[] | undefined;
    let lastError: Error | undefined;
    for (let attempt = 0; attempt <= this.config.statusRetries && !this.stopped; attempt++) {
      try {
        pauseCpu();
        const out = await this.commands.run('squeue', ['--json', `--jobs=${ids.join(',')}`]);
        resumeCpu();
        statuses = parseSqueueJson(out.stdout);
        break;
      } catch (err) {
        resumeCpu();
        lastError = err as Error;
        this.counters.statusFailures++;
        if (attempt < this.config.statusRetries) await sleep(200 * 2 ** attempt);
      }
    }
    if (!statuses) {
      // Say so in the facility's health; every job keeps the state it had.
      this.state = {
        healthy: false,
        message: `status query failed ${this.config.statusRetries + 1} times: ${lastError?.message ?? 'stopped'}`,
        checkedAt: new Date().toISOString()
      };
      return;
    }
    if (!this.state.healthy && this.discovered)
      this.state = { ...this.state, healthy: true, checkedAt: new Date().toISOString() };
    const byId = new Map(statuses.map((s) => [s.nativeId, s]));
    const missing: Tracked[] = [];
    for (const job of jobs) {
      const s = byId.get(job.nativeId);
      if (s && (!s.workDir || s.workDir === job.workDir)) this.report(job, s);
      else missing.push(job);
    }
    if (missing.length) {
      pauseCpu();
      await this.resolveMissing(missing);
      resumeCpu();
    }
    pauseCpu();
    this.counters.cycles++;
    this.counters.lastCycleCalls = this.totalCalls() - callsBefore;
    this.counters.cycleCalls += this.counters.lastCycleCalls;
    this.counters.lastCycleJobs = jobs.length;
    this.counters.lastCycleCpuMs = cpuMs;
    this.counters.lastCycleMs = Date.now() - t0;
  }

  /** Status calls (squeue, sacct) so far; the 30 s capability refresh (scontrol) is not a status call. */
  private totalCalls(): number {
    return (this.commands.calls.squeue ?? 0) + (this.commands.calls.sacct ?? 0);
  }

  private report(job: Tracked, s: NativeStatus): void {
    job.missingSince = undefined;
    const obs = observationOf(s, undefined, job.cancelRequested);
    const final = obs.state === 'COMPLETED' || obs.state === 'FAILED' || obs.state === 'CANCELED';
    const result = final ? observationOf(s, readExitCode(job.workDir), job.cancelRequested) : obs;
    this.sink.observe(job.id, result);
    if (final) this.tracked.delete(job.id);
  }

  /** Jobs the controller no longer remembers: our exit file, then the completion log. */
  private async resolveMissing(missing: Tracked[]): Promise<void> {
    let comp: NativeStatus[] | undefined;
    try {
      comp = await this.jobcomp();
    } catch {
      comp = undefined; // retried next cycle; not a verdict on the jobs
    }
    const now = Date.now();
    for (const job of missing) {
      const found = comp?.find((c) => c.nativeId === job.nativeId && (!c.workDir || c.workDir === job.workDir));
      if (found) {
        this.report(job, found);
        continue;
      }
      const rc = readExitCode(job.workDir);
      if (rc !== undefined && comp) {
        // Our script finished but Slurm's record is gone (log rotated): the exit file decides.
        this.report(job, {
          nativeId: job.nativeId,
          state: rc === 0 ? 'COMPLETED' : 'FAILED',
          reason: undefined,
          exitCode: rc,
          signal: undefined,
          workDir: job.workDir,
          source: 'jobcomp'
        });
        continue;
      }
      job.missingSince ??= now;
      if (comp && now - job.missingSince > this.config.lostAfterSeconds * 1000) {
        this.tracked.delete(job.id);
        this.sink.observe(job.id, {
          state: 'FAILED',
          reason: 'LOST',
          nativeState: 'UNKNOWN',
          message: `Slurm job ${job.nativeId} is in neither the queue nor the completion log`
        });
      }
    }
  }

  private async jobcomp(): Promise<NativeStatus[]> {
    const args = ['-c', '-P', '-n', '-o', 'jobid,state,exitcode,workdir'];
    if (this.config.completionLog) args.push(`--file=${this.config.completionLog}`);
    try {
      return parseJobcomp((await this.commands.run('sacct', args)).stdout);
    } catch (err) {
      // An empty or absent completion log is "no records", not a failure.
      if (err instanceof SlurmCommandError && /No such file|empty/i.test(err.stderr)) return [];
      throw err;
    }
  }

  // ---- submit / cancel ------------------------------------------------------------------

  async submit(job: TrackedJob): Promise<void> {
    let sub;
    try {
      sub = buildBatchSubmission(job.id, job.workDir, job.spec, {
        partition: this.config.defaultPartition,
        account: this.config.defaultAccount
      });
    } catch (err) {
      throw new SubmitRefused((err as Error).message);
    }
    const scriptPath = path.join(job.workDir, JOB_FILES.script);
    writeFileAtomic(scriptPath, sub.script, 0o700);
    this.counters.submits++;
    let out;
    try {
      out = await this.commands.run('sbatch', [...sub.options, scriptPath], jobEnvironment(job.spec, job));
    } catch (err) {
      if (err instanceof SlurmCommandError && !err.transient)
        throw new SubmitRefused(`Slurm refused the job: ${err.stderr || err.message}`, err.stderr);
      throw err;
    }
    const nativeId = out.stdout.trim().split(';')[0]!;
    if (!/^\d+(_\d+)?$/.test(nativeId))
      throw new SubmitRefused(`sbatch answered something unexpected: ${out.stdout.trim()}`);
    this.sink.nativeId(job.id, nativeId);
    this.sink.observe(job.id, { state: 'QUEUED', nativeState: 'SUBMITTED', message: `Slurm job ${nativeId}` });
    this.track({ ...job, nativeId });
    this.soon();
  }

  async cancel(job: TrackedJob): Promise<void> {
    const t = this.tracked.get(job.id);
    if (t) t.cancelRequested = true;
    const nativeId = job.nativeId ?? t?.nativeId;
    if (!nativeId) return;
    let lastErr: unknown;
    for (let attempt = 0; attempt <= this.config.statusRetries; attempt++) {
      try {
        await this.commands.run('scancel', [nativeId]);
        this.soon();
        return;
      } catch (err) {
        lastErr = err;
        if (err instanceof SlurmCommandError && !err.transient) {
          // Already finished: the next cycle reports its real end.
          if (/already completing|completed|Invalid job id/i.test(err.stderr)) {
            this.soon();
            return;
          }
          break;
        }
        await sleep(200 * 2 ** attempt);
      }
    }
    throw new GenesisError('unavailable', `Could not cancel Slurm job ${nativeId}: ${(lastErr as Error).message}`);
  }

  logFile(job: TrackedJob, stream: LogStream): string {
    return path.join(job.workDir, stream === 'stdout' ? JOB_FILES.stdout : JOB_FILES.stderr);
  }

  stats(): Record<string, number> {
    const calls: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.commands.calls)) calls[`calls.${k}`] = v;
    return { ...this.counters, tracked: this.tracked.size, ...calls };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.soonTimer) clearTimeout(this.soonTimer);
    if (this.clusterTimer) clearInterval(this.clusterTimer);
    await this.cycleRunning;
  }
}

/** Is a Slurm client on PATH (or in `binDir`)? Used to decide the default facilities. */
export function slurmInstalled(binDir?: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const dirs = binDir ? [binDir] : (env.PATH ?? '').split(':').filter(Boolean);
  return ['sbatch', 'squeue'].every((b) =>
    dirs.some((d) => {
      try {
        fs.accessSync(path.join(d, b), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    })
  );
}
