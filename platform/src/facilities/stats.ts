/**
 * A connector's counters (poll cycles, status calls, submissions...), reported as the facility's
 * `stats` (`GET /api/facilities`, `genesis facilities`) for operators and benchmarks. One object
 * per connector: its poll loop, its transport and the connector itself count into it.
 */
export class FacilityStats {
  private readonly counters: Record<string, number> = {};
  private readonly gauges: Array<() => Record<string, number>> = [];

  add(name: string, by = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + by;
  }

  set(name: string, value: number): void {
    this.counters[name] = value;
  }

  get(name: string): number {
    return this.counters[name] ?? 0;
  }

  /** Values read when the stats are (jobs tracked now, calls a transport counts itself). */
  gauge(read: () => Record<string, number>): void {
    this.gauges.push(read);
  }

  snapshot(): Record<string, number> {
    return Object.assign({ ...this.counters }, ...this.gauges.map((read) => read()));
  }
}
