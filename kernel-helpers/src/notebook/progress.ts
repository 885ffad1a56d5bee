import { formatBytes } from '@genesis-lab/contract';
import { escapeHtml } from './format';
import type { LiveOutput, NotebookOutput } from './tslab';

/** Pulls shorter than this show no progress at all. */
export const PROGRESS_DELAY_MS = 1000;
const REFRESH_MS = 250;

const mb = (bytes: number) => formatBytes(Math.round(bytes));

/**
 * A live indicator for one pull: nothing for the first second, then one output updated in
 * place (rows, bytes, rate, a bar when the total is known), and a one-line summary at the end.
 */
export class PullProgress {
  private readonly started = Date.now();
  private rows = 0;
  private bytes = 0;
  private output: LiveOutput | undefined;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly notebook: NotebookOutput,
    private readonly label: string,
    private readonly totalRows: number | undefined
  ) {
    this.timer = setInterval(() => this.render(false), REFRESH_MS);
    this.timer.unref?.();
  }

  update(rows: number, bytes: number): void {
    this.rows = rows;
    this.bytes = bytes;
  }

  /** Stop; if the indicator was shown, leave a summary (or the failure) in its place. */
  finish(error?: Error): void {
    clearInterval(this.timer);
    if (!this.output) return;
    this.render(true, error);
  }

  private render(final: boolean, error?: Error): void {
    const elapsed = Date.now() - this.started;
    if (!final && elapsed < PROGRESS_DELAY_MS) return;
    this.output ??= this.notebook.live();
    const secs = elapsed / 1000;
    const rate = secs > 0 ? `${mb(this.bytes / secs)}/s` : '';
    const counts = `${this.rows.toLocaleString('en-US')}${this.totalRows !== undefined ? ` of ${this.totalRows.toLocaleString('en-US')}` : ''} rows, ${mb(this.bytes)}`;
    let body: string;
    if (error) body = `✗ ${escapeHtml(this.label)}: stopped after ${counts} (${escapeHtml(error.message)})`;
    else if (final) body = `✓ ${escapeHtml(this.label)}: ${counts} in ${secs.toFixed(1)} s (${rate})`;
    else {
      const bar =
        this.totalRows && this.totalRows > 0
          ? `<progress value="${this.rows}" max="${this.totalRows}" style="width:12em;vertical-align:middle"></progress> `
          : '';
      body = `${bar}${escapeHtml(this.label)}: ${counts}, ${secs.toFixed(1)} s, ${rate}`;
    }
    this.output.update(`<div class="genesis-progress" style="font-size:var(--jp-ui-font-size1,12px)">${body}</div>`);
  }
}
