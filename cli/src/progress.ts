import { SingleBar, Presets } from 'cli-progress';
import { z } from 'zod';
import { parseOrThrow } from '@genesis-lab/contract';
import type { IngestProgress } from '@genesis-lab/platform';

/**
 * `--progress` of `genesis ingest` and `genesis seed`: `auto` draws a bar when stderr is a
 * terminal and nothing otherwise (like git: scripts and test logs stay clean unless they ask),
 * `bar` forces the cli-progress bar, `plain` prints throttled lines for pipes and CI logs.
 */
export const ProgressMode = z.enum(['auto', 'bar', 'plain', 'none']);
export type ProgressMode = z.infer<typeof ProgressMode>;

/** Minimum time between two `plain` lines of one phase (env GENESIS_PROGRESS_INTERVAL_MS). */
export const PLAIN_INTERVAL_MS = 500;
const IntervalMs = z.coerce.number().int().min(0).max(60_000);

export interface IngestProgressView {
  update(p: IngestProgress): void;
  /** End the display (after success or failure); safe to call twice. */
  stop(): void;
}

export interface ProgressSettings {
  mode: Exclude<ProgressMode, 'auto'>;
  intervalMs: number;
}

/** Validate `--progress` and GENESIS_PROGRESS_INTERVAL_MS; resolve `auto` against the stream. */
export function progressSettings(
  mode: unknown,
  env: NodeJS.ProcessEnv = process.env,
  stream: { isTTY?: boolean } = process.stderr
): ProgressSettings {
  const m = parseOrThrow(ProgressMode, mode, '--progress');
  const raw = env.GENESIS_PROGRESS_INTERVAL_MS;
  const intervalMs = raw ? parseOrThrow(IntervalMs, raw, 'GENESIS_PROGRESS_INTERVAL_MS') : PLAIN_INTERVAL_MS;
  return { mode: m === 'auto' ? (stream.isTTY === true ? 'bar' : 'none') : m, intervalMs };
}

/** The view for one ingest, labelled (e.g. with the dataset id). */
export function ingestProgress(
  settings: ProgressSettings,
  label: string,
  stream: NodeJS.WritableStream = process.stderr
): IngestProgressView {
  switch (settings.mode) {
    case 'bar':
      return new IngestProgressBar(label, stream);
    case 'plain':
      return new IngestProgressLines(label, stream, settings.intervalMs);
    case 'none':
      return { update: () => undefined, stop: () => undefined };
  }
}

const PHASE_WORD: Record<IngestProgress['phase'], string> = { scan: 'scanning', write: 'writing' };

/** Whole percent, 100 only when the phase is complete. */
export function percentOf(p: IngestProgress): number {
  if (p.total <= 0 || p.done >= p.total) return 100;
  return Math.min(99, Math.floor((p.done / p.total) * 100));
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const count = (n: number) => n.toLocaleString('en-US');

/**
 * One line per shown update: `label: writing  52% | 17.2/33.1 MB | 524,288 rows`
 * (rows as done/total instead of MB for Parquet/Arrow, which know their row count).
 */
export function formatProgressLine(label: string, p: IngestProgress): string {
  const amount = p.unit === 'bytes' ? `${mb(p.done)}/${mb(p.total)} MB` : `${count(p.done)}/${count(p.total)} rows`;
  const rows = p.unit === 'bytes' ? ` | ${count(p.rows)} ${p.items ?? 'rows'}` : '';
  return `${label}: ${PHASE_WORD[p.phase]} ${String(percentOf(p)).padStart(3)}% | ${amount}${rows}`;
}

/**
 * `plain`: line-based progress for pipes and logs. A line at most every `intervalMs` per
 * phase and only when the percentage moved. A phase's 100% line waits for the phase to end
 * (the next phase or stop()), so it carries the final numbers: the write pass of a text file
 * reaches 100% of the bytes before its last batch of rows is written.
 */
export class IngestProgressLines implements IngestProgressView {
  private phase: IngestProgress['phase'] | undefined;
  private lastAt = -Infinity;
  private lastPercent = -1;
  private pending: IngestProgress | undefined;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WritableStream,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now()
  ) {}

  update(p: IngestProgress): void {
    if (p.phase !== this.phase) {
      this.flush();
      this.phase = p.phase;
      this.lastAt = -Infinity;
      this.lastPercent = -1;
    }
    const percent = percentOf(p);
    if (percent === this.lastPercent) return;
    if (percent < 100 && this.now() - this.lastAt >= this.intervalMs) this.print(p);
    else this.pending = p;
  }

  stop(): void {
    this.flush();
    this.phase = undefined;
  }

  private flush(): void {
    if (this.pending) this.print(this.pending);
  }

  private print(p: IngestProgress): void {
    this.pending = undefined;
    this.lastAt = this.now();
    this.lastPercent = percentOf(p);
    this.stream.write(formatProgressLine(this.label, p) + '\n');
  }
}

/**
 * `bar`: a cli-progress bar per phase. On a terminal it redraws in place and clears itself;
 * forced onto a pipe (noTTYOutput) it prints its line on start, every `notTTYSchedule` and
 * at the end of each phase.
 */
export class IngestProgressBar implements IngestProgressView {
  private bar: SingleBar | undefined;
  private phase: IngestProgress['phase'] | undefined;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WritableStream
  ) {}

  update(p: IngestProgress): void {
    if (p.phase !== this.phase) {
      this.bar?.stop();
      this.phase = p.phase;
      const units = p.unit === 'bytes' ? 'MB' : 'rows';
      this.bar = new SingleBar(
        {
          format: `${this.label} ${PHASE_WORD[p.phase].padEnd(8)} [{bar}] {percentage}% | {value}/{total} ${units} | {rows} ${p.items ?? 'rows'} | ETA {eta_formatted}`,
          stream: this.stream,
          hideCursor: true,
          clearOnComplete: true,
          noTTYOutput: true,
          notTTYSchedule: PLAIN_INTERVAL_MS
        },
        Presets.shades_classic
      );
      this.bar.start(this.scale(p, p.total), 0, { rows: count(0) });
    }
    this.bar?.update(this.scale(p, p.done), { rows: count(p.rows) });
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

/** Progress of a notebook run or reproduction, fed the runner's lines (`[3/12] pull ok 0.4 s`). */
export interface CellProgressView {
  line(text: string): void;
  stop(): void;
}

/** `[position/total]` at the start of a runner's cell line. */
const CELL_LINE = /^\[(\d+)\/(\d+)\]/;

/**
 * The view for `genesis run` and `genesis reproduce`: `bar` a cli-progress bar over the code
 * cells (the latest cell's line beside it; other lines, e.g. what is pinned, printed above it),
 * `plain` every line as it comes, `none` nothing.
 */
export function cellProgress(
  settings: ProgressSettings,
  label: string,
  stream: NodeJS.WritableStream = process.stderr
): CellProgressView {
  switch (settings.mode) {
    case 'plain':
      return { line: (text) => void stream.write(text + '\n'), stop: () => undefined };
    case 'none':
      return { line: () => undefined, stop: () => undefined };
    case 'bar':
      return new CellProgressBar(label, stream);
  }
}

export class CellProgressBar implements CellProgressView {
  private bar: SingleBar | undefined;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WritableStream
  ) {}

  line(text: string): void {
    const m = CELL_LINE.exec(text);
    if (!m) {
      // Not a cell: a line of its own, the bar (if any) drawn again below it.
      if (this.bar) this.stream.write('\r\u001b[2K');
      this.stream.write(text + '\n');
      return;
    }
    const done = Number(m[1]);
    const total = Number(m[2]);
    if (!this.bar) {
      this.bar = new SingleBar(
        {
          format: `${this.label} [{bar}] {value}/{total} cells | {cell}`,
          stream: this.stream,
          hideCursor: true,
          noTTYOutput: true,
          notTTYSchedule: PLAIN_INTERVAL_MS
        },
        Presets.shades_classic
      );
      this.bar.start(total, 0, { cell: '' });
    }
    this.bar.setTotal(total);
    this.bar.update(done, { cell: text.slice(m[0].length).trim().slice(0, 80) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
