import type { CellExecutionInput, RecordedExecutions } from '@genesis-lab/contract';
import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { Signal, type ISignal } from '@lumino/signaling';
import { describeError, errorCode, isUnreachable } from '../client/errors';

/** Where queued executions live: one key per execution (tabs add and remove without read-modify-write races). */
export const QUEUE_KEY_PREFIX = 'genesis-lab:provenance:queue:';

/** Errors that mean "not now" (the platform is down, restarting, overloaded), not "never". */
const RETRYABLE = new Set(['unavailable', 'internal', 'timeout', 'rate_limited']);

/** What the queue sends executions to (the client's `recordExecutions`). */
export interface IExecutionSink {
  recordExecutions(executions: CellExecutionInput[]): Promise<RecordedExecutions>;
}

/** Runs `work` while holding a lock no other tab holds, or not at all when another tab has it. */
export type TabLock = (work: () => Promise<void>) => Promise<void>;

export interface IQueueState {
  /** Executions waiting to be acknowledged (this tab's and other tabs'). */
  readonly pending: number;
  /** Acknowledged by the platform since this page loaded (created or already stored). */
  readonly sent: number;
  /** Refused by the platform as invalid (never retried; the console says why). */
  readonly rejected: number;
  /** Why the last send failed; null after a success. */
  readonly lastError: string | null;
  /** Why the platform refused the last execution it refused, if any did. */
  readonly lastRejection: string | null;
}

export interface IQueueOptions {
  sink: IExecutionSink;
  /** localStorage in the lab; survives reloads and is shared by the tabs of one origin. */
  storage: Storage;
  batchSize: () => number;
  retryMinMs?: number;
  retryMaxMs: () => number;
  lock?: TabLock;
}

interface Entry {
  key: string;
  /** Order of arrival in the tab that queued it (ties between tabs go by end time). */
  seq: number;
  execution: CellExecutionInput;
}

/**
 * A persistent browser queue of captured executions, sent in batches with retry. Adding is
 * synchronous and cheap (one storage write); sending happens later, one batch at a time, and
 * an execution leaves storage only once the platform acknowledged it. The route is idempotent by
 * executionId, so a resend after a lost answer (or by another tab sending the same queue)
 * answers "duplicate" and stores nothing twice. A batch the platform refuses as invalid is
 * split so one bad execution cannot hold up the others; the bad one is dropped, loudly.
 */
export class ExecutionQueue implements IDisposable {
  constructor(private _options: IQueueOptions) {
    const min = _options.retryMinMs ?? 1000;
    this._poll = new Poll({
      auto: false,
      factory: () => this._tick(),
      frequency: { interval: min, backoff: true, max: Math.max(min, _options.retryMaxMs()) },
      standby: 'never',
      name: 'genesis-lab:provenance-queue'
    });
    // Something left from an earlier page (the platform was down, the tab closed): send it.
    if (this._entries().length) this._wake();
  }

  get state(): IQueueState {
    return {
      pending: this._pendingCount(),
      sent: this._sent,
      rejected: this._rejected,
      lastError: this._lastError,
      lastRejection: this._lastRejection
    };
  }
  get stateChanged(): ISignal<this, IQueueState> {
    return this._stateChanged;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Queue one execution (persisted before this returns) and send it soon. */
  add(execution: CellExecutionInput): void {
    const key = QUEUE_KEY_PREFIX + execution.executionId;
    const entry: Omit<Entry, 'key'> = { seq: ++this._seq, execution };
    try {
      this._options.storage.setItem(key, JSON.stringify(entry));
    } catch (err) {
      // Storage full or refused (private mode): keep it in memory for this page at least.
      console.warn('Genesis: could not persist a captured execution; it is kept in memory only', err);
      this._memory.set(key, { key, ...entry });
    }
    this._emit();
    this._wake();
  }

  /**
   * Send until nothing is pending or a send fails (resolves either way; `state` tells which).
   * Tests and the "Send now" command call it; otherwise the poll does.
   */
  async flush(): Promise<void> {
    while (!this._disposed) {
      const before = this._entries().length;
      if (!before) return;
      const ok = await this._sendOnce();
      if (!ok || this._entries().length >= before) return;
    }
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _wake(): void {
    if (this._disposed) return;
    void this._poll.start().then(() => this._poll.refresh());
  }

  /** One poll tick: a batch; rejects on a failure so the poll backs off. Stops when empty. */
  private async _tick(): Promise<void> {
    const ok = await this._sendOnce();
    if (!ok) throw new Error(this._lastError ?? 'another tab is sending');
    if (!this._entries().length) void this._poll.stop();
    else void this._poll.refresh();
  }

  /** Send one batch under the tab lock; true when it was acknowledged (or there was nothing to send). */
  private _sendOnce(): Promise<boolean> {
    this._sending ??= this._locked()
      .finally(() => (this._sending = null))
      .then((ok) => ok);
    return this._sending;
  }

  private async _locked(): Promise<boolean> {
    // Another tab holding the lock is sending this same queue: try again later.
    let ok = false;
    const work = async () => {
      ok = await this._sendBatch();
    };
    if (this._options.lock) await this._options.lock(work);
    else await work();
    return ok;
  }

  private async _sendBatch(): Promise<boolean> {
    const size = this._singles > 0 ? 1 : Math.max(1, this._options.batchSize());
    const batch = this._entries().slice(0, size);
    if (!batch.length) return true;
    try {
      await this._options.sink.recordExecutions(batch.map((e) => e.execution));
    } catch (err) {
      if (isUnreachable(err) || RETRYABLE.has(errorCode(err) ?? 'internal')) {
        this._lastError = describeError(err);
        this._emit();
        return false;
      }
      if (batch.length > 1) {
        // Find the bad one: the next `batch.length` sends go one by one.
        this._singles = batch.length;
        return true;
      }
      console.error(`Genesis: the platform refused a captured execution of cell ${batch[0]!.execution.cellId}`, err);
      this._rejected++;
      if (this._singles > 0) this._singles--;
      this._remove(batch);
      this._lastRejection = describeError(err);
      this._emit();
      return true;
    }
    if (this._singles > 0) this._singles--;
    this._sent += batch.length;
    this._remove(batch);
    this._lastError = null;
    this._emit();
    return true;
  }

  private _remove(batch: readonly Entry[]): void {
    for (const e of batch) {
      this._memory.delete(e.key);
      this._options.storage.removeItem(e.key);
    }
  }

  /** How many wait, without reading them (add() emits this on the notebook's main thread). */
  private _pendingCount(): number {
    const storage = this._options.storage;
    let n = 0;
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(QUEUE_KEY_PREFIX) && !this._memory.has(key)) n++;
    }
    return n + this._memory.size;
  }

  /** Everything queued, by this tab's order, then end time across tabs. */
  private _entries(): Entry[] {
    const found = new Map<string, Entry>(this._memory);
    const storage = this._options.storage;
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (!key?.startsWith(QUEUE_KEY_PREFIX) || found.has(key)) continue;
      try {
        const value = JSON.parse(storage.getItem(key) ?? 'null') as Omit<Entry, 'key'> | null;
        if (value?.execution) found.set(key, { key, ...value });
      } catch {
        storage.removeItem(key); // not ours, or torn: nothing to send
      }
    }
    return [...found.values()].sort((a, b) => a.execution.endedAt.localeCompare(b.execution.endedAt) || a.seq - b.seq);
  }

  private _emit(): void {
    if (!this._disposed) this._stateChanged.emit(this.state);
  }

  private _poll: Poll;
  private _sending: Promise<boolean> | null = null;
  private _memory = new Map<string, Entry>();
  private _seq = 0;
  private _sent = 0;
  private _rejected = 0;
  private _singles = 0;
  private _lastError: string | null = null;
  private _lastRejection: string | null = null;
  private _disposed = false;
  private _stateChanged = new Signal<this, IQueueState>(this);
}

/** The Web Locks API where the browser has it: one tab sends at a time (the others skip their turn). */
export function webTabLock(name = 'genesis-lab:provenance-send'): TabLock | undefined {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return undefined;
  return async (work) => {
    await locks.request(name, { ifAvailable: true }, async (lock) => {
      if (lock) await work();
    });
  };
}
