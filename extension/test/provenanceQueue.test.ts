import { GenesisError, type CellExecutionInput, type RecordedExecutions } from '@genesis-lab/contract';
import { markUnreachable } from '../client/errors';
import { RunIds } from '../provenance/ids';
import { ExecutionQueue, QUEUE_KEY_PREFIX, type IExecutionSink, type TabLock } from '../provenance/queue';

let n = 0;
function execution(cellId?: string): CellExecutionInput {
  n++;
  cellId ??= `c${n}`;
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
  return {
    schemaVersion: 1,
    executionId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    runId: '00000000-0000-4000-8000-aaaaaaaaaaaa',
    notebook: { id: '00000000-0000-4000-8000-bbbbbbbbbbbb', path: 'a.ipynb' },
    cellId,
    cellIndex: 0,
    code: '1',
    codeSha256: '6b86b273ff34fce19673ddd0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0',
    executionCount: n,
    startedAt: at,
    endedAt: at,
    success: true,
    outputs: [],
    environment: { kernel: { name: 'tslab' }, client: { name: 'extension', version: '0.1.0' } },
    user: 'u',
    lineage: []
  };
}

/** A platform double that stores by executionId as the real route does (a resend is a duplicate). */
class Platform implements IExecutionSink {
  stored = new Map<string, CellExecutionInput>();
  batches: string[][] = [];
  /** The next sends fail with these errors, in turn. */
  failures: unknown[] = [];
  /** Executions it refuses as invalid (by cell id). */
  invalid = new Set<string>();
  async recordExecutions(executions: CellExecutionInput[]): Promise<RecordedExecutions> {
    await new Promise((r) => setTimeout(r, 1));
    this.batches.push(executions.map((e) => e.cellId));
    const failure = this.failures.shift();
    if (failure) throw failure;
    const bad = executions.find((e) => this.invalid.has(e.cellId));
    if (bad) throw new GenesisError('validation_failed', `Invalid executions.0.code (${bad.cellId})`);
    const results = executions.map((e) => {
      const dup = this.stored.has(e.executionId);
      this.stored.set(e.executionId, e);
      return { executionId: e.executionId, status: dup ? ('duplicate' as const) : ('created' as const) };
    });
    const created = results.filter((r) => r.status === 'created').length;
    return { created, duplicates: results.length - created, results };
  }
}

function queueOn(platform: IExecutionSink, storage: Storage = window.localStorage, lock?: TabLock, batchSize = 100) {
  return new ExecutionQueue({
    sink: platform,
    storage,
    batchSize: () => batchSize,
    retryMinMs: 10,
    retryMaxMs: () => 40,
    ...(lock ? { lock } : {})
  });
}

function queuedKeys(): string[] {
  const keys: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i)!;
    if (k.startsWith(QUEUE_KEY_PREFIX)) keys.push(k);
  }
  return keys;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeEach(() => localStorage.clear());

describe('ExecutionQueue', () => {
  it('persists an execution before add() returns, and a reloaded page sends what the last one could not', async () => {
    const down = new Platform();
    down.failures = Array.from({ length: 100 }, () => markUnreachable(new Error('The platform cannot be reached')));
    const first = queueOn(down);
    const e = execution();
    first.add(e);
    expect(queuedKeys()).toEqual([QUEUE_KEY_PREFIX + e.executionId]);
    await first.flush();
    expect(first.state.pending).toBe(1);
    expect(first.state.lastError).toMatch(/cannot be reached/);
    first.dispose(); // the tab closes

    const up = new Platform();
    const second = queueOn(up);
    await until(() => second.state.pending === 0);
    expect([...up.stored.keys()]).toEqual([e.executionId]);
    expect(queuedKeys()).toEqual([]);
    second.dispose();
  });

  it('retries with backoff while the platform is down and loses nothing, doubles nothing', async () => {
    const platform = new Platform();
    const q = queueOn(platform);
    platform.failures = [
      markUnreachable(new Error('down')),
      new GenesisError('unavailable', 'restarting'),
      markUnreachable(new Error('down'))
    ];
    const all = [execution(), execution(), execution()];
    for (const e of all) q.add(e);
    await until(() => q.state.pending === 0);
    expect(platform.batches.length).toBeGreaterThanOrEqual(4);
    expect([...platform.stored.keys()].sort()).toEqual(all.map((e) => e.executionId).sort());
    expect(q.state).toMatchObject({ pending: 0, sent: 3, rejected: 0, lastError: null, lastRejection: null });
    // Acknowledged means gone: nothing is sent again.
    const sends = platform.batches.length;
    await q.flush();
    expect(platform.batches.length).toBe(sends);
    q.dispose();
  });

  it('a lost answer is resent, and the platform answers it as a duplicate (stored once)', async () => {
    const platform = new Platform();
    const lossy: IExecutionSink = {
      async recordExecutions(executions) {
        const answer = await platform.recordExecutions(executions);
        if (platform.batches.length === 1) throw markUnreachable(new Error('connection reset'));
        return answer;
      }
    };
    const q = queueOn(lossy);
    const e = execution();
    q.add(e);
    await until(() => q.state.pending === 0);
    expect(platform.batches).toEqual([[e.cellId], [e.cellId]]);
    expect(platform.stored.size).toBe(1);
    q.dispose();
  });

  it('sends in batches of the batch size, in the order the cells ended', async () => {
    const platform = new Platform();
    const q = queueOn(platform, localStorage, undefined, 2);
    const cells = [execution('a'), execution('b'), execution('c'), execution('d'), execution('e')];
    for (const e of [...cells].reverse()) q.add(e);
    await until(() => q.state.pending === 0);
    expect(platform.batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    q.dispose();
  });

  it('one execution the platform refuses as invalid is dropped, the rest of its batch still recorded', async () => {
    const platform = new Platform();
    platform.invalid.add('bad');
    const q = queueOn(platform);
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const e of [execution('ok1'), execution('bad'), execution('ok2')]) q.add(e);
    await until(() => q.state.pending === 0);
    spy.mockRestore();
    expect([...platform.stored.values()].map((e) => e.cellId).sort()).toEqual(['ok1', 'ok2']);
    expect(q.state).toMatchObject({ sent: 2, rejected: 1 });
    expect(q.state.lastRejection).toMatch(/bad/);
    q.dispose();
  });

  it('two tabs on one queue: one sends at a time (tab lock), each execution stored once', async () => {
    const platform = new Platform();
    let held = false;
    const lock: TabLock = async (work) => {
      if (held) return; // ifAvailable: the other tab is sending
      held = true;
      try {
        await work();
      } finally {
        held = false;
      }
    };
    const tabA = queueOn(platform, localStorage, lock, 1);
    const tabB = queueOn(platform, localStorage, lock, 1);
    const all = Array.from({ length: 6 }, () => execution());
    all.forEach((e, i) => (i % 2 ? tabB : tabA).add(e));
    await until(() => tabA.state.pending === 0 && tabB.state.pending === 0);
    const sent = platform.batches.flat();
    expect(sent).toHaveLength(6);
    expect(new Set(sent).size).toBe(6);
    tabA.dispose();
    tabB.dispose();
  });
});

describe('RunIds', () => {
  it('two tabs on one kernel name one run; a restart (the count starts again) names a new one, in both', () => {
    const tabA = new RunIds(localStorage);
    const tabB = new RunIds(localStorage);
    const r1 = tabA.runFor('kernel-1', 1);
    expect(tabB.runFor('kernel-1', 2)).toBe(r1);
    expect(tabA.runFor('kernel-1', 3)).toBe(r1);
    const r2 = tabB.runFor('kernel-1', 1);
    expect(r2).not.toBe(r1);
    expect(tabA.runFor('kernel-1', 2)).toBe(r2);
    expect(r1).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tabA.runFor('kernel-2', 1)).not.toBe(r1);
  });

  it('a notebook without an id gets the one another tab already gave its path', () => {
    const a = new RunIds(localStorage).notebookIdFor('x.ipynb');
    expect(new RunIds(localStorage).notebookIdFor('x.ipynb')).toBe(a);
    expect(new RunIds(localStorage).notebookIdFor('y.ipynb')).not.toBe(a);
  });
});
