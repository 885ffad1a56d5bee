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
import { SlurmCliTransport } from './cli-transport';
import type { NodeInfo, PartitionInfo } from './cluster';
import { SlurmRestTransport } from './rest-transport';
import { SlurmAuthError } from './rest-token';
import { buildBatchSubmission } from './script';
import { observationOf, type NativeStatus } from './status';
import { SlurmError, type SlurmTransport } from './transport';

interface Tracked extends TrackedJob {
  nativeId: string;
  /** When no Slurm source knew the job (ms since epoch); LOST after `lostAfterSeconds`. */
  missingSince?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The transport a facility's configuration asks for. */
export function createTransport(config: SlurmFacilityConfig): SlurmTransport {
  return config.transport.kind === 'rest'
    ? new SlurmRestTransport(config.transport, config.commandTimeoutMs)
    : new SlurmCliTransport(config.binDir, config.commandTimeoutMs, config.completionLog);
}

/**
 * Slurm through a transport: its command-line tools or slurmrestd. One status call for all
 * tracked jobs per poll cycle (`squeue --json --jobs=...` or `GET /jobs`); jobs that left
 * the controller's memory are looked up in one more step, only when some are missing (the
 * job-completion log, or `GET /job/N`). A failed status call is retried and never read as a
 * failed job. Our script's exit-code file is the source of truth for exit codes.
 */
export class SlurmConnector implements FacilityConnector {
  readonly kind = 'slurm';
  readonly name: string;
  readonly transport: SlurmTransport;
  private sink!: ConnectorSink;
  private readonly tracked = new Map<string, Tracked>();
  /** Jobs maybe sent but without a known Slurm id, while Slurm cannot be asked: retried each cycle. */
  private orphans: TrackedJob[] = [];
  private partitions: PartitionInfo[] = [];
  private nodes: NodeInfo[] = [];
  private discovered = false;
  private state: FacilityHealth = { healthy: false, message: 'not checked yet', checkedAt: null };
  /** The last call failed on authentication (REST token): no submission can work until fixed. */
  private authProblem: string | undefined;
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
    this.transport = createTransport(config);
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
      transport: this.transport.label,
      customAttributes: this.transport.customAttributes
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
    if (!this.discovered || this.authProblem)
      throw new GenesisError(
        'unavailable',
        `Slurm facility "${this.name}" is not reachable: ${this.authProblem ?? this.state.message}`,
        {
          hint: this.authProblem
            ? 'Fix the token of its REST transport (tokenEnv / tokenFile) and check it with `genesis facilities`'
            : 'Start Slurm (scripts/slurm-up) or check the facility with `genesis facilities`'
        }
      );
    return checkCapabilities(spec, this.capabilitiesFor(spec.attributes.queue), this.name);
  }

  health(): FacilityHealth {
    return this.state;
  }

  private async refreshCluster(): Promise<void> {
    try {
      ({ partitions: this.partitions, nodes: this.nodes } = await this.transport.cluster());
      this.discovered = true;
      this.authProblem = undefined;
      const cpus = this.nodes.reduce((a, n) => a + n.cpus, 0);
      this.state = {
        healthy: this.partitions.some((p) => p.up),
        message: `${this.partitions.map((p) => `${p.name}${p.isDefault ? '*' : ''}`).join(', ')}: ${this.nodes.length} node(s), ${cpus} CPUs (${this.nodes.map((n) => n.state).join(', ')})`,
        checkedAt: new Date().toISOString()
      };
    } catch (err) {
      this.unhealthy(err as Error);
    }
  }

  /** Say in the facility's health why Slurm could not be asked (an auth failure also blocks submits). */
  private unhealthy(err: Error, message = err.message): void {
    if (err instanceof SlurmAuthError) this.authProblem = err.message;
    this.state = { healthy: false, message, checkedAt: new Date().toISOString() };
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
      const queue = this.transport.parseQueue(await this.transport.fetchQueue());
      known = [...queue, ...(await this.transport.completed([]))];
    } catch (err) {
      this.unhealthy(err as Error);
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
        const text = await this.transport.fetchQueue(ids);
        resumeCpu();
        statuses = this.transport.parseQueue(text, ids);
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
      const err = lastError ?? new Error('stopped');
      this.unhealthy(err, `status query failed ${this.config.statusRetries + 1} times: ${err.message}`);
      return;
    }
    this.authProblem = undefined;
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

  /** Status calls so far; the 30 s capability refresh is not a status call. */
  private totalCalls(): number {
    return this.transport.statusCalls();
  }

  private report(job: Tracked, s: NativeStatus): void {
    job.missingSince = undefined;
    const obs = observationOf(s, undefined, job.cancelRequested);
    const final = obs.state === 'COMPLETED' || obs.state === 'FAILED' || obs.state === 'CANCELED';
    const result = final ? observationOf(s, readExitCode(job.workDir), job.cancelRequested) : obs;
    this.sink.observe(job.id, result);
    if (final) this.tracked.delete(job.id);
  }

  /** Jobs the controller no longer remembers: the transport's final records, then our exit file. */
  private async resolveMissing(missing: Tracked[]): Promise<void> {
    let comp: NativeStatus[] | undefined;
    try {
      comp = await this.transport.completed(missing.map((j) => j.nativeId));
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
          message: `Slurm job ${job.nativeId} is in neither the queue nor ${this.transport.kind === 'rest' ? "slurmctld's memory, and left no exit file" : 'the completion log'}`
        });
      }
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
    let nativeId;
    try {
      nativeId = await this.transport.submit(sub, scriptPath, jobEnvironment(job.spec, job));
    } catch (err) {
      if (err instanceof SlurmError && !err.transient)
        throw new SubmitRefused(`Slurm refused the job: ${err.detail || err.message}`, err.detail);
      // Not a verdict on the job (it stays NEW and is retried); a token problem also shows in health.
      if (err instanceof SlurmAuthError) this.unhealthy(err);
      throw err;
    }
    if (!/^\d+(_\d+)?$/.test(nativeId)) throw new SubmitRefused(`Slurm answered something unexpected: ${nativeId}`);
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
        await this.transport.cancel(nativeId);
        this.soon();
        return;
      } catch (err) {
        lastErr = err;
        if (err instanceof SlurmError && !err.transient) break;
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
    for (const [k, v] of Object.entries(this.transport.calls)) calls[`calls.${k}`] = v;
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
