import type { CellExecutionInput } from '@genesis-lab/contract';
import { sleep } from '../kernel/kernel';
import type { PlatformApi } from '../platform/platform-api';

const RETRY_DELAYS_MS = [200, 500, 1000, 2000, 4000];

/**
 * Sends executions to the platform as cells end, without holding up the notebook: one request at
 * a time, whatever queued meanwhile in one batch, resent on failure (the route is idempotent by
 * executionId, so a resend never doubles). `flush` waits until everything is acknowledged.
 */
export class ExecutionRecorder {
  private queue: CellExecutionInput[] = [];
  private sending: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly platform: Pick<PlatformApi, 'recordExecutions'>,
    /** The project a new run belongs to (default: the default project). */
    private readonly project?: string
  ) {}

  add(e: CellExecutionInput): void {
    this.queue.push(e);
    this.sending ??= this.drain().finally(() => (this.sending = undefined));
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.slice();
      for (let attempt = 0; ; attempt++) {
        try {
          await this.platform.recordExecutions(batch, this.project);
          this.failure = undefined;
          break;
        } catch (e) {
          this.failure = e as Error;
          const delay = RETRY_DELAYS_MS[attempt];
          if (delay === undefined) return;
          await sleep(delay);
        }
      }
      this.queue.splice(0, batch.length);
    }
  }

  /** Wait for every execution to be acknowledged; what could not be recorded (count and last error), if anything. */
  async flush(): Promise<{ count: number; error: Error } | undefined> {
    while (this.sending) await this.sending;
    if (this.queue.length) {
      // One more round for what the last failure left (the platform may be back).
      this.sending = this.drain().finally(() => (this.sending = undefined));
      await this.sending;
    }
    return this.queue.length ? { count: this.queue.length, error: this.failure ?? new Error('not sent') } : undefined;
  }
}
