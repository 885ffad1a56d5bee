import { CellExecution, LINEAGE_MIME_TYPE, type CellExecutionInput } from '@genesis-lab/contract';
import { Signal } from '@lumino/signaling';
import { ProvenanceCapture, type IExecutionSignals } from '../provenance/capture';
import { RunIds } from '../provenance/ids';
import type { ExecutionQueue } from '../provenance/queue';
import * as record from '../provenance/record';

/** The few parts of JupyterLab's notebook and cell that capture reads (their real names and shapes). */
class FakeCell {
  constructor(
    id: string,
    private _source: string
  ) {
    this.model = {
      id,
      type: 'code',
      executionCount: null as number | null,
      outputs: { toJSON: () => this.outputs },
      sharedModel: { getSource: () => this._source }
    };
  }
  model: {
    id: string;
    type: string;
    executionCount: number | null;
    outputs: { toJSON(): unknown[] };
    sharedModel: { getSource(): string };
  };
  outputs: unknown[] = [];
  edit(source: string) {
    this._source = source;
  }
}

class FakeNotebook {
  metadata: Record<string, unknown> = {};
  widgets: FakeCell[] = [];
  model = {
    isDisposed: false,
    getMetadata: (k: string) => this.metadata[k],
    setMetadata: (k: string, v: unknown) => (this.metadata[k] = v)
  };
}

const DATASET_USE = {
  schemaVersion: 1,
  at: '2026-01-01T00:00:00.000Z',
  kind: 'dataset',
  ref: 'noaa/co2',
  id: 'noaa/co2',
  version: '3',
  sha256: 'b'.repeat(64),
  rowCount: 5,
  mode: 'table'
};

function setup() {
  const sender = {};
  const signals = {
    executionScheduled: new Signal<object, { notebook: FakeNotebook; cell: FakeCell }>(sender),
    executed: new Signal<object, { notebook: FakeNotebook; cell: FakeCell; success: boolean; error?: unknown }>(sender)
  };
  const queued: CellExecutionInput[] = [];
  const queue = { add: (e: CellExecutionInput) => queued.push(e) } as unknown as ExecutionQueue;
  const kernel = {
    id: 'k-1',
    name: 'tslab',
    info: Promise.resolve({ implementation_version: '1.0.22', language_info: { name: 'typescript' } }),
    spec: Promise.resolve({ display_name: 'TypeScript' })
  };
  const notebook = new FakeNotebook();
  const capture = new ProvenanceCapture({
    signals: signals as unknown as IExecutionSignals,
    queue,
    runIds: new RunIds(localStorage),
    sessionOf: () => ({ path: 'work/a.ipynb', kernel: kernel as never }),
    user: () => 'ada',
    enabled: () => true,
    load: () => Promise.resolve(record)
  });
  const run = (cell: FakeCell, count: number, success: boolean, outputs: unknown[] = [], error?: unknown) => {
    signals.executionScheduled.emit({ notebook, cell });
    cell.model.executionCount = count;
    cell.outputs = outputs;
    signals.executed.emit({ notebook, cell, success, ...(error ? { error } : {}) });
  };
  return { capture, notebook, queued, run, signals };
}

beforeEach(() => localStorage.clear());

describe('ProvenanceCapture', () => {
  it('records each executed code cell as a valid CellExecution: code hash, outputs, lineage, kernel, outcome from the reply', async () => {
    const { capture, notebook, queued, run } = setup();
    const load = new FakeCell('load', 'const t = await genesis.dataset("noaa/co2").table()');
    const boom = new FakeCell('boom', 'throw new Error("boom")');
    notebook.widgets = [load, boom];
    run(load, 1, true, [
      {
        output_type: 'display_data',
        data: { [LINEAGE_MIME_TYPE]: DATASET_USE, 'text/plain': 'noaa/co2@3' },
        metadata: {}
      },
      { output_type: 'execute_result', execution_count: 1, data: { 'text/plain': '5' }, metadata: {} }
    ]);
    // tslab: the error is a stderr stream and an error reply (JupyterLab's KernelError, names empty).
    run(boom, 2, false, [{ output_type: 'stream', name: 'stderr', text: 'Error: boom\n    at <cell>' }], {
      errorName: '',
      errorValue: ''
    });
    await capture.settled();
    expect(queued).toHaveLength(2);
    for (const e of queued) expect(CellExecution.safeParse(e).error).toBeUndefined();
    const [first, second] = queued as [CellExecutionInput, CellExecutionInput];
    expect(first).toMatchObject({
      cellId: 'load',
      cellIndex: 0,
      executionCount: 1,
      success: true,
      user: 'ada',
      notebook: { path: 'work/a.ipynb' },
      environment: {
        kernel: { name: 'tslab', version: '1.0.22', language: 'typescript', displayName: 'TypeScript' },
        client: { name: 'extension' }
      }
    });
    expect(first.lineage).toEqual([expect.objectContaining({ kind: 'dataset', id: 'noaa/co2', version: '3' })]);
    expect(first.outputs.map((o) => o.outputType)).toEqual(['display_data', 'execute_result']);
    expect(second).toMatchObject({ cellId: 'boom', success: false, error: expect.stringContaining('Error: boom') });
    expect(second.runId).toBe(first.runId);

    // The notebook now carries its id, the run and the pins of what it used.
    expect(notebook.metadata.genesis).toEqual({
      schemaVersion: 1,
      notebookId: first.notebook.id,
      runId: first.runId,
      pins: { datasets: { 'noaa/co2': { version: '3', sha256: 'b'.repeat(64) } }, models: {}, jobs: [] }
    });
    capture.dispose();
  });

  it('records the code that was sent, not an edit made while the cell ran; empty and markdown cells are not executions', async () => {
    const { capture, notebook, queued, signals } = setup();
    const cell = new FakeCell('c', 'let x = 1');
    const empty = new FakeCell('e', '   ');
    notebook.widgets = [cell, empty];
    signals.executionScheduled.emit({ notebook, cell });
    cell.edit('let x = 2');
    cell.model.executionCount = 1;
    signals.executed.emit({ notebook, cell, success: true });
    signals.executionScheduled.emit({ notebook, cell: empty });
    signals.executed.emit({ notebook, cell: empty, success: true });
    const md = new FakeCell('m', '# Title');
    md.model.type = 'markdown';
    signals.executionScheduled.emit({ notebook, cell: md });
    signals.executed.emit({ notebook, cell: md, success: true });
    await capture.settled();
    expect(queued.map((e) => e.code)).toEqual(['let x = 1']);
    capture.dispose();
  });

  it('a cell run twice before its first run ended is recorded twice, each with the code it was sent', async () => {
    const { capture, notebook, queued, signals } = setup();
    const cell = new FakeCell('c', 'v1');
    notebook.widgets = [cell];
    signals.executionScheduled.emit({ notebook, cell });
    cell.edit('v2');
    signals.executionScheduled.emit({ notebook, cell });
    cell.model.executionCount = 1;
    signals.executed.emit({ notebook, cell, success: true });
    cell.model.executionCount = 2;
    signals.executed.emit({ notebook, cell, success: true });
    await capture.settled();
    expect(queued.map((e) => [e.code, e.executionCount])).toEqual([
      ['v1', 1],
      ['v2', 2]
    ]);
    capture.dispose();
  });

  it('a cell scheduled with others starts when the one before it on the kernel ended', async () => {
    const { capture, notebook, queued, signals } = setup();
    const a = new FakeCell('a', 'await sleep(30)');
    const b = new FakeCell('b', 'await sleep(30)');
    notebook.widgets = [a, b];
    signals.executionScheduled.emit({ notebook, cell: a });
    signals.executionScheduled.emit({ notebook, cell: b });
    await new Promise((r) => setTimeout(r, 30));
    a.model.executionCount = 1;
    signals.executed.emit({ notebook, cell: a, success: true });
    await new Promise((r) => setTimeout(r, 30));
    b.model.executionCount = 2;
    signals.executed.emit({ notebook, cell: b, success: true });
    await capture.settled();
    const [ea, eb] = queued as [CellExecutionInput, CellExecutionInput];
    expect(eb.startedAt).toBe(ea.endedAt);
    expect(Date.parse(eb.endedAt) - Date.parse(eb.startedAt)).toBeGreaterThanOrEqual(20);
    capture.dispose();
  });
});
