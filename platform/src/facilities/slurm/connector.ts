import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  GenesisError,
  isFinal,
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
  type Adoption,
  type ConnectorSink,
  type FacilityConnector,
  type FacilityHealth,
  type TrackedJob
} from '../connector';
import { jobEnvironment } from '../environment';
import { JOB_FILES, readExitCode } from '../job-files';
import { PollLoop, type PollCycle } from '../poll-loop';
import { retry } from '../retry';
import { FacilityStats } from '../stats';
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
  private partitions: PartitionInfo[] = [];
  private nodes: NodeInfo[] = [];
  private discovered = false;
  private state: FacilityHealth = { healthy: false, message: 'not checked yet', checkedAt: null };
  /** The last call failed on authentication (REST token): no submission can work until fixed. */
  private authProblem: string | undefined;
  /** The status poll: one call for every tracked job per cycle. */
  private readonly poll: PollLoop;
  /** Aborted on stop, so retries in flight give up. */
  private readonly stopping = new AbortController();
  readonly stats = new FacilityStats();

  constructor(readonly config: SlurmFacilityConfig) {
    this.name = config.name;
    this.transport = createTransport(config);
    this.poll = new PollLoop((cycle) => this.statusCycle(cycle), {
      intervalMs: config.pollIntervalMs,
      stats: this.stats
    });
    // Present from the start, so a reader sees 0 rather than nothing.
    for (const counter of ['cycles', 'cycleCalls', 'lastCycleCalls', 'lastCycleJobs', 'statusFailures', 'submits'])
      this.stats.set(counter, 0);
    this.stats.gauge(() => {
      const gauges: Record<string, number> = { tracked: this.tracked.size };
      for (const [k, v] of Object.entries(this.transport.calls)) gauges[`calls.${k}`] = v;
      return gauges;
    });
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

  /** Partitions and nodes from the cluster: capabilities, and whether the controller answers. */
  async probe(): Promise<void> {
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

  async start(sink: ConnectorSink): Promise<void> {
    this.sink = sink;
    await this.probe();
    this.poll.start(0);
  }

  /**
   * Jobs with a Slurm id are tracked again: the next cycle (queue, then the completion log)
   * gives their state, also for jobs that finished while the platform was down. A job whose
   * `sbatch` may have run without its id being stored is looked up by its job directory (our
   * `--chdir`) in the queue and in the completion log.
   */
  async adopt(jobs: TrackedJob[]): Promise<Adoption> {
    const adoption: Adoption = { unknown: [], unreachable: [] };
    const withoutId: TrackedJob[] = [];
    for (const job of jobs) {
      if (job.nativeId) this.track(job as Tracked);
      else withoutId.push(job);
    }
    if (withoutId.length) {
      let known: NativeStatus[];
      try {
        const queue = this.transport.parseQueue(await this.transport.fetchQueue());
        known = [...queue, ...(await this.transport.completed([]))];
      } catch (err) {
        // Cannot tell whether Slurm has them: the service asks again rather than risk a second copy.
        this.unhealthy(err as Error);
        adoption.unreachable.push(...withoutId.map((j) => j.id));
        return adoption;
      }
      for (const job of withoutId) {
        const found = known.find((s) => s.workDir === job.workDir);
        if (!found) {
          adoption.unknown.push(job.id);
          continue;
        }
        this.sink.nativeId(job.id, found.nativeId);
        this.track({ ...job, nativeId: found.nativeId });
      }
    }
    if (this.tracked.size) this.poll.soon();
    return adoption;
  }

  private track(job: Tracked): void {
    this.tracked.set(job.id, job);
  }

  /** One poll cycle: one status call for every tracked job, retried; then the jobs it did not list. */
  private async statusCycle(cycle: PollCycle): Promise<boolean> {
    const jobs = [...this.tracked.values()];
    if (!jobs.length) return false;
    const callsBefore = this.transport.statusCalls();
    const ids = [...new Set(jobs.map((j) => j.nativeId))];
    let statuses: NativeStatus[];
    try {
      // An answer that cannot be read is a failed call too: asked again, never a verdict.
      statuses = await retry(
        async () => this.transport.parseQueue(await cycle.waitFor(this.transport.fetchQueue(ids)), ids),
        {
          retries: this.config.statusRetries,
          onFailure: () => this.stats.add('statusFailures'),
          signal: this.stopping.signal
        }
      );
    } catch (err) {
      // Say so in the facility's health; every job keeps the state it had.
      this.unhealthy(
        err as Error,
        `status query failed ${this.config.statusRetries + 1} times: ${(err as Error).message}`
      );
      return false;
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
    if (missing.length) await cycle.waitFor(this.resolveMissing(missing));
    const calls = this.transport.statusCalls() - callsBefore;
    this.stats.set('lastCycleCalls', calls);
    this.stats.add('cycleCalls', calls);
    this.stats.set('lastCycleJobs', jobs.length);
    return true;
  }

  private report(job: Tracked, s: NativeStatus): void {
    job.missingSince = undefined;
    const obs = observationOf(s, undefined, job.cancelRequested);
    const final = isFinal(obs.state);
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
    this.stats.add('submits');
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
    this.poll.soon();
  }

  async cancel(job: TrackedJob): Promise<void> {
    const t = this.tracked.get(job.id);
    if (t) t.cancelRequested = true;
    const nativeId = job.nativeId ?? t?.nativeId;
    if (!nativeId) return;
    try {
      await retry(() => this.transport.cancel(nativeId), {
        retries: this.config.statusRetries,
        retryable: (err) => !(err instanceof SlurmError && !err.transient),
        signal: this.stopping.signal
      });
    } catch (err) {
      throw new GenesisError('unavailable', `Could not cancel Slurm job ${nativeId}: ${(err as Error).message}`);
    }
    this.poll.soon();
  }

  async release(job: TrackedJob): Promise<void> {
    const nativeId = job.nativeId ?? this.tracked.get(job.id)?.nativeId;
    if (!nativeId) throw new GenesisError('conflict', `Job "${job.id}" has no Slurm job to release yet`);
    try {
      await retry(() => this.transport.release(nativeId), {
        retries: this.config.statusRetries,
        retryable: (err) => !(err instanceof SlurmError && !err.transient),
        signal: this.stopping.signal
      });
    } catch (err) {
      if (err instanceof SlurmError && !err.transient)
        throw new GenesisError('conflict', `Slurm did not release job ${nativeId}: ${err.detail || err.message}`);
      throw new GenesisError('unavailable', `Could not release Slurm job ${nativeId}: ${(err as Error).message}`);
    }
    // The next cycle sees it pending without the hold: QUEUED.
    this.poll.soon();
  }

  logFile(job: TrackedJob, stream: LogStream): string {
    return path.join(job.workDir, stream === 'stdout' ? JOB_FILES.stdout : JOB_FILES.stderr);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.poll.stop();
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
