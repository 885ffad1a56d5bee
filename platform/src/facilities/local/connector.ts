import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  parseMemoryBytes,
  type ErrorIssue,
  type FacilityCapabilities,
  type JobSpec,
  type LocalFacilityConfig,
  type LogStream
} from '@genesis-lab/contract';
import { checkCapabilities, footprintOf } from '../capabilities';
import type { Adoption, ConnectorSink, FacilityConnector, FacilityHealth, TrackedJob } from '../connector';
import { JOB_FILES, finalFromFiles, readExitCode } from '../job-files';
import { jobEnvironment } from '../environment';
import { PollLoop } from '../poll-loop';
import { FacilityStats } from '../stats';
import { processRunning, readPid } from './process';
import { Launcher } from './launcher';
import { installWrapper, toolPath } from './wrapper';

/**
 * The embedded default facility: jobs are child processes of a small sh wrapper, in per-job
 * directories, at most `maxConcurrent` at once (the rest wait QUEUED, in order). Wrappers run
 * detached, so jobs outlive a platform crash; the exit-code file tells how they ended.
 */
export class LocalConnector implements FacilityConnector {
  readonly kind = 'local';
  readonly name: string;
  private sink!: ConnectorSink;
  private wrapper!: string;
  private readonly queue: TrackedJob[] = [];
  /** Launched and not yet seen finished: job id -> job. */
  private readonly running = new Map<string, TrackedJob>();
  /** When each running job was handed to the launcher (a wrapper that never starts is LAUNCH_FAILED). */
  private readonly launchedAt = new Map<string, number>();
  private readonly launcher = new Launcher((line) => this.onLauncherLine(line));
  private readonly setsid = toolPath('setsid');
  private readonly poll: PollLoop;
  private stopped = false;
  readonly stats = new FacilityStats();
  private readonly caps: FacilityCapabilities;

  constructor(
    readonly config: LocalFacilityConfig,
    private readonly binDir: string
  ) {
    this.name = config.name;
    this.poll = new PollLoop(() => this.pollRunning(), { intervalMs: config.pollIntervalMs, stats: this.stats });
    for (const counter of ['launched', 'finished', 'statusChecks']) this.stats.set(counter, 0);
    this.stats.gauge(() => ({ running: this.running.size, waiting: this.queue.length }));
    this.caps = {
      maxNodes: 1,
      maxCpusPerNode: config.cpus ?? os.cpus().length,
      maxGpusPerNode: 0,
      maxMemoryBytes: (config.memory ? parseMemoryBytes(config.memory) : undefined) ?? os.totalmem(),
      maxDurationSeconds: null,
      queues: [],
      supportsHold: false,
      supportsCancel: true,
      transport: 'process',
      customAttributes: []
    };
  }

  capabilities(): FacilityCapabilities {
    return this.caps;
  }

  validate(spec: JobSpec): ErrorIssue[] {
    return checkCapabilities(spec, this.caps, this.name);
  }

  health(): FacilityHealth {
    return {
      healthy: true,
      message: `${this.running.size} running, ${this.queue.length} waiting (limit ${this.config.maxConcurrent})`,
      checkedAt: new Date().toISOString()
    };
  }

  async start(sink: ConnectorSink): Promise<void> {
    this.sink = sink;
    fs.mkdirSync(this.binDir, { recursive: true });
    this.wrapper = installWrapper(this.binDir);
    this.poll.start(this.config.pollIntervalMs);
  }

  /** This machine is always there; its health is its queue. */
  async probe(): Promise<void> {}

  /**
   * What the job directories say of jobs from before a restart: an exit file gives the true
   * final state, a live wrapper (checked by pid and command line) is followed, a dead one
   * without an exit file is LOST, and a directory no wrapper ever claimed was never launched.
   */
  async adopt(jobs: TrackedJob[]): Promise<Adoption> {
    const unknown: string[] = [];
    for (const job of jobs) {
      const rc = readExitCode(job.workDir);
      if (rc !== undefined) {
        this.sink.observe(job.id, finalFromFiles(job.workDir, rc, footprintOf(job.spec).durationSeconds));
        continue;
      }
      const pid = readPid(path.join(job.workDir, JOB_FILES.wrapperPid));
      if (pid === undefined) unknown.push(job.id);
      else if (processRunning(pid, job.workDir)) {
        this.sink.nativeId(job.id, String(pid));
        this.sink.observe(job.id, {
          state: 'ACTIVE',
          nativeState: 'RUNNING',
          message: 'found running after a restart'
        });
        this.running.set(job.id, job);
      } else
        this.sink.observe(job.id, {
          state: 'FAILED',
          reason: 'LOST',
          nativeState: 'GONE',
          message: 'its wrapper process is gone and left no exit code (killed or the machine restarted)'
        });
    }
    return { unknown, unreachable: [] };
  }

  async submit(job: TrackedJob): Promise<void> {
    this.enqueue(job);
    this.pump();
  }

  private enqueue(job: TrackedJob): void {
    this.queue.push(job);
    this.sink.observe(job.id, {
      state: 'QUEUED',
      nativeState: 'WAITING',
      message: `waiting for one of ${this.config.maxConcurrent} slots`
    });
  }

  /** Start queued jobs while there are free slots. */
  private pump(): void {
    while (!this.stopped && this.running.size < this.config.maxConcurrent && this.queue.length) {
      this.launch(this.queue.shift()!);
    }
  }

  private launch(job: TrackedJob): void {
    const { spec } = job;
    const limit = footprintOf(spec).durationSeconds ?? 0;
    const cwd = spec.directory ?? job.workDir;
    const stdin = spec.stdinPath ?? '/dev/null';
    this.running.set(job.id, job);
    this.launchedAt.set(job.id, Date.now());
    this.stats.add('launched');
    this.launcher.launch(job.id, jobEnvironment(spec, job), [
      this.setsid,
      '/bin/sh',
      this.wrapper,
      job.workDir,
      String(limit),
      cwd,
      stdin,
      '--',
      spec.executable,
      ...spec.arguments
    ]);
    this.sink.observe(job.id, { state: 'ACTIVE', nativeState: 'RUNNING', message: 'started' });
  }

  /** What the launcher and the wrappers say: `started <job> <pid>`, `done <job dir>`. */
  private onLauncherLine(line: string): void {
    // Stopped: the store may be closed already; the next start finds these jobs from their files.
    if (this.stopped) return;
    const started = /^started (\S+) (\d+)$/.exec(line);
    if (started) {
      if (this.running.has(started[1]!)) this.sink.nativeId(started[1]!, started[2]!);
      return;
    }
    const done = /^done (.+)$/.exec(line);
    if (done) {
      const job = [...this.running.values()].find((j) => j.workDir === done[1]);
      if (job) this.onWrapperDone(job);
    }
  }

  private onWrapperDone(job: TrackedJob): void {
    const rc = readExitCode(job.workDir);
    if (rc !== undefined) this.finish(job, rc);
    this.pump();
  }

  private finish(job: TrackedJob, rc: number): void {
    if (!this.running.has(job.id)) return;
    this.running.delete(job.id);
    this.launchedAt.delete(job.id);
    this.stats.add('finished');
    this.sink.observe(job.id, finalFromFiles(job.workDir, rc, footprintOf(job.spec).durationSeconds));
  }

  /**
   * Look at the files of every running job: the safety net behind the wrappers' `done` lines
   * (a wrapper killed outright says nothing) and the only signal for jobs found after a restart.
   */
  private pollRunning(): boolean {
    if (!this.running.size) return false;
    const now = Date.now();
    for (const job of [...this.running.values()]) {
      this.stats.add('statusChecks');
      const rc = readExitCode(job.workDir);
      if (rc !== undefined) {
        this.finish(job, rc);
        continue;
      }
      const pid = readPid(path.join(job.workDir, JOB_FILES.wrapperPid));
      if (pid === undefined) {
        // Never claimed its directory: the launch itself failed.
        if (now - (this.launchedAt.get(job.id) ?? now) > LAUNCH_TIMEOUT_MS) {
          this.running.delete(job.id);
          this.launchedAt.delete(job.id);
          this.sink.observe(job.id, { state: 'FAILED', reason: 'LAUNCH_FAILED', message: 'the wrapper never started' });
        }
        continue;
      }
      if (!processRunning(pid, job.workDir)) {
        // The exit file is written before the wrapper exits; read once more to close the race.
        const late = readExitCode(job.workDir);
        if (late !== undefined) this.finish(job, late);
        else {
          this.running.delete(job.id);
          this.launchedAt.delete(job.id);
          this.sink.observe(job.id, {
            state: 'FAILED',
            reason: 'LOST',
            nativeState: 'GONE',
            message: 'its wrapper process is gone without an exit code'
          });
        }
      }
    }
    this.pump();
    return true;
  }

  async cancel(job: TrackedJob): Promise<void> {
    const i = this.queue.findIndex((q) => q.id === job.id);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.sink.observe(job.id, {
        state: 'CANCELED',
        reason: 'CANCELED_BY_USER',
        message: 'canceled before it started'
      });
      return;
    }
    if (!this.running.has(job.id)) return;
    fs.writeFileSync(path.join(job.workDir, JOB_FILES.cancel), new Date().toISOString() + '\n');
    const pgid = readPid(path.join(job.workDir, JOB_FILES.pgid));
    if (pgid === undefined) return; // the wrapper has not started the program yet; it will see nothing to kill
    signalGroup(pgid, 'SIGTERM');
    // Programs that ignore SIGTERM get SIGKILL after a grace period.
    const t = setTimeout(() => {
      if (this.running.has(job.id)) signalGroup(pgid, 'SIGKILL');
    }, 5000);
    t.unref();
  }

  logFile(job: TrackedJob, stream: LogStream): string {
    return path.join(job.workDir, stream === 'stdout' ? JOB_FILES.stdout : JOB_FILES.stderr);
  }

  async stop(): Promise<void> {
    // Jobs keep running (detached); the next start finds them again.
    this.stopped = true;
    await this.poll.stop();
    this.launcher.close();
  }
}

const LAUNCH_TIMEOUT_MS = 30_000;

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* already gone */
  }
}
