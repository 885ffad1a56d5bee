import type { FacilityStats } from './stats';

/** What a cycle of a loop may ask of it. */
export interface PollCycle {
  /**
   * Await work done elsewhere (a command, a request): its time is left out of the cycle's CPU
   * figure, which then says what the platform itself spent (parsing, mapping, bookkeeping).
   */
  waitFor<T>(work: Promise<T>): Promise<T>;
}

/** One cycle; answers false when there was nothing to do (not counted as a cycle). */
export type PollTick = (cycle: PollCycle) => Promise<boolean | void> | boolean | void;

export interface PollLoopOptions {
  intervalMs: number;
  /** How long `soon()` waits, so that the requests of a burst share one cycle. */
  soonMs?: number;
  /** Where completed cycles are counted: `cycles`, `lastCycleMs`, `lastCycleCpuMs`. */
  stats?: FacilityStats;
}

/**
 * Every periodic task of the facilities and jobs (status polls, file checks, probes, retries):
 * one cycle at a time, the next `intervalMs` after the last one ended, sooner on request
 * (`soon`, coalesced; `now`). Polling is deliberate: it is what works for files on NFS and for
 * schedulers that push nothing. Timers never keep the process alive.
 */
export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private soonTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly tick: PollTick,
    private readonly options: PollLoopOptions
  ) {}

  /** Begin: the first cycle after `delayMs`. */
  start(delayMs = 0): void {
    this.stopped = false;
    this.schedule(delayMs);
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  /** A cycle soon (after a submit or cancel); many calls within `soonMs` share one. */
  soon(): void {
    if (this.soonTimer || this.stopped) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      this.schedule(0);
    }, this.options.soonMs ?? 300);
    this.soonTimer.unref();
  }

  /** Run a cycle now (or join the one running) and resolve when it ended; the schedule starts over. */
  async now(): Promise<void> {
    await this.cycle();
    if (!this.stopped) this.schedule(this.options.intervalMs);
  }

  /** No more cycles; resolves once a running one ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.timer = this.soonTimer = undefined;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.cycle().finally(() => {
        if (!this.timer) this.schedule(this.options.intervalMs);
      });
    }, ms);
    this.timer.unref();
  }

  /** Concurrent callers share one cycle. */
  private cycle(): Promise<void> {
    this.running ??= this.measured().finally(() => (this.running = undefined));
    return this.running;
  }

  private async measured(): Promise<void> {
    const t0 = Date.now();
    let cpuMs = 0;
    let since = process.cpuUsage();
    let waiting = 0;
    const pause = () => {
      if (waiting++ > 0) return;
      const d = process.cpuUsage(since);
      cpuMs += (d.user + d.system) / 1000;
    };
    const resume = () => {
      if (--waiting === 0) since = process.cpuUsage();
    };
    const cycle: PollCycle = {
      async waitFor<T>(work: Promise<T>): Promise<T> {
        pause();
        try {
          return await work;
        } finally {
          resume();
        }
      }
    };
    let counted: boolean | void;
    try {
      counted = await this.tick(cycle);
    } catch {
      // A tick reports its own failures (health, counters); the loop carries on.
      counted = false;
    }
    if (counted === false) return;
    const d = process.cpuUsage(since);
    const stats = this.options.stats;
    if (!stats) return;
    stats.add('cycles');
    stats.set('lastCycleMs', Date.now() - t0);
    stats.set('lastCycleCpuMs', cpuMs + (d.user + d.system) / 1000);
  }
}
