import { SingleBar, Presets } from 'cli-progress';
import type { IngestProgress } from '../ingest/ingest';

/**
 * Ingest progress for a terminal: a cli-progress bar per phase on a TTY (stderr), nothing
 * on pipes and in CI logs (the final summary says what happened).
 */
export class IngestProgressBar {
  private bar: SingleBar | undefined;
  private phase: IngestProgress['phase'] | undefined;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly label: string) {}

  update(p: IngestProgress): void {
    if (!this.tty) return;
    if (p.phase !== this.phase) {
      this.bar?.stop();
      this.phase = p.phase;
      const what = p.phase === 'scan' ? 'scanning' : 'writing ';
      const units = p.unit === 'bytes' ? 'MB' : 'rows';
      this.bar = new SingleBar(
        {
          format: `${this.label} ${what} [{bar}] {percentage}% | {value}/{total} ${units} | {rows} rows | ETA {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true
        },
        Presets.shades_classic
      );
      this.bar.start(this.scale(p, p.total), 0, { rows: 0 });
    }
    this.bar?.update(this.scale(p, p.done), { rows: p.rows });
  }

  private scale(p: IngestProgress, n: number): number {
    return p.unit === 'bytes' ? Math.round((n / 1e6) * 10) / 10 : n;
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
    this.phase = undefined;
  }
}
