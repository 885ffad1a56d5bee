import {
  isReproducible,
  summarizeCells,
  type ExecutionRecord,
  type ReproducibilityReport,
  type RunDetail,
  type RunList
} from '@genesis-lab/contract';
import { GenesisError, sha256Hex } from '@genesis-lab/contract/core';
import { elkLayout } from '../provenance/elkLayout';
import { LineageGraphModel } from '../provenance/graphModel';
import { ProvenancePanelModel, type INotebookView } from '../provenance/panelModel';
import { TestClient, job, update } from './support/testClient';

const NB = '11111111-1111-4111-8111-111111111111';
const RUN = '22222222-2222-4222-8222-222222222222';
const OLD_RUN = '33333333-3333-4333-8333-333333333333';
const SHA = 'a'.repeat(64);

let n = 0;
function exec(cellId: string, cellIndex: number, code: string, over: Partial<ExecutionRecord> = {}): ExecutionRecord {
  n++;
  const start = Date.UTC(2026, 0, 1, 0, 0, n);
  return {
    executionId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    runId: RUN,
    notebook: { id: NB, path: 'nb.ipynb' },
    cellId,
    cellIndex,
    code,
    codeSha256: sha256Hex(code),
    executionCount: n,
    startedAt: new Date(start).toISOString(),
    endedAt: new Date(start + 250).toISOString(),
    success: true,
    outputs: [],
    environment: { kernel: { name: 'tslab' }, client: { name: 'extension', version: '0.1.0' } },
    user: 'u',
    lineage: [],
    recordedAt: new Date(start + 300).toISOString(),
    ...over
  };
}

function detail(executions: ExecutionRecord[]): RunDetail {
  return {
    run: {
      runId: RUN,
      notebook: { id: NB, path: 'nb.ipynb' },
      user: 'u',
      kernel: { name: 'tslab' },
      recordedBy: 'extension',
      startedAt: executions[0]!.startedAt,
      lastActivityAt: executions.at(-1)!.endedAt,
      executions: executions.length,
      failed: executions.filter((e) => !e.success).length,
      cells: new Set(executions.map((e) => e.cellId)).size
    },
    executions,
    staleness: [],
    pins: { datasets: {}, models: {}, jobs: [] },
    reproductions: []
  };
}

function runList(): RunList {
  const summary = (runId: string) => ({ ...detail([exec('x', 0, 'x')]).run, runId });
  return { notebookId: NB, runs: [summary(OLD_RUN), summary(RUN)] };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
async function until(done: () => boolean, ms = 2000): Promise<void> {
  for (const end = Date.now() + ms; !done(); await settle()) {
    if (Date.now() > end) throw new Error('timed out waiting');
  }
}

function view(cells: { cellId: string; code: string }[], runId: string | null = RUN): INotebookView {
  return {
    path: 'nb.ipynb',
    notebookId: () => NB,
    currentRunId: () => runId,
    cells: () => cells.map((c) => ({ cellId: c.cellId, codeSha256: sha256Hex(c.code) }))
  };
}

describe('ProvenancePanelModel', () => {
  it('shows the run the kernel is in (not the newest listed), cells in execution order, with what they used', async () => {
    const client = new TestClient();
    const m = new ProvenancePanelModel(client);
    const cells = [
      { cellId: 'load', code: 'const t = await genesis.pull("ns/co2")' },
      { cellId: 'plot', code: 'plot(t)' }
    ];
    m.setNotebook(view(cells));
    await settle();
    expect(client.runLists[0]!.args).toBe(NB);
    client.runLists[0]!.resolve(runList());
    await settle();
    expect(client.runReads[0]!.args).toBe(RUN);
    const load = exec('load', 0, cells[0]!.code, {
      lineage: [
        {
          schemaVersion: 1,
          at: '2026-01-01T00:00:00.000Z',
          kind: 'dataset',
          ref: 'ns/co2',
          id: 'ns/co2',
          version: '2',
          sha256: SHA,
          rowCount: 10,
          mode: 'table'
        }
      ]
    });
    const plot = exec('plot', 1, cells[1]!.code, { success: false, error: 'ReferenceError: plot is not defined' });
    client.runReads[0]!.resolve(detail([load, plot]));
    await settle();
    expect(m.rows.map((r) => [r.execution.cellId, r.execution.success, r.durationMs])).toEqual([
      ['load', true, 250],
      ['plot', false, 250]
    ]);
    expect(m.rows[0]!.datasets).toEqual([{ id: 'ns/co2', version: '2', sha256: SHA, ref: 'ns/co2' }]);
    expect(m.rows.every((r) => r.flags.length === 0)).toBe(true);
    m.dispose();
  });

  it('flags stale cells by the contract rule: out of order, upstream re-run, and edited after the run', async () => {
    const client = new TestClient();
    const m = new ProvenancePanelModel(client);
    const cells = [
      { cellId: 'a', code: 'let x = 1' },
      { cellId: 'b', code: 'x + 1' },
      { cellId: 'c', code: 'x * 2' }
    ];
    m.setNotebook(view(cells));
    await settle();
    client.runLists[0]!.resolve(runList());
    await settle();
    // c ran before a; then a and b ran; then a ran again (b now predates a's re-run).
    const runs = [exec('c', 2, 'x * 2'), exec('a', 0, 'let x = 1'), exec('b', 1, 'x + 1'), exec('a', 0, 'let x = 1')];
    client.runReads[0]!.resolve(detail(runs));
    await settle();
    const flags = (cellId: string) =>
      m.rows.filter((r) => r.execution.cellId === cellId && !r.superseded).flatMap((r) => r.flags.map((f) => f.kind));
    expect(flags('a')).toEqual([]);
    expect(flags('b')).toEqual(['upstream-rerun']);
    expect(flags('c')).toEqual(expect.arrayContaining(['out-of-order']));
    expect(m.rows[1]!.superseded).toBe(true);

    cells[0]!.code = 'let x = 2'; // edited, not run again
    m.cellsChanged();
    expect(flags('a')).toEqual(['edited-after-run']);
    m.dispose();
  });

  it('reads the run again when capture sent more, once per burst', async () => {
    const client = new TestClient();
    const m = new ProvenancePanelModel(client);
    m.setNotebook(view([{ cellId: 'a', code: '1' }]));
    await settle();
    client.runLists[0]!.resolve(runList());
    await settle();
    client.runReads[0]!.resolve(detail([exec('a', 0, '1')]));
    await settle();
    for (let sent = 1; sent <= 5; sent++)
      m.setQueueState({ pending: 5 - sent, sent, rejected: 0, lastError: null, lastRejection: null });
    await new Promise((r) => setTimeout(r, 400));
    expect(client.runLists).toHaveLength(2);
    m.dispose();
  });
  it('shows the run’s newest reproduction report and follows it while it runs', async () => {
    const client = new TestClient();
    const m = new ProvenancePanelModel(client);
    m.setNotebook(view([{ cellId: 'a', code: '1' }]));
    await settle();
    client.runLists[0]!.resolve(runList());
    await settle();
    const reproductionId = '44444444-4444-4444-8444-444444444444';
    const d = detail([exec('a', 0, '1')]);
    d.reproductions = [
      { reproductionId, runId: RUN, state: 'running', reproducible: false, startedAt: d.run.startedAt }
    ];
    client.runReads[0]!.resolve(d);
    await settle();
    expect(client.reproductionReads[0]!.args).toBe(reproductionId);
    const summary = { total: 1, reproduced: 0, withinTolerance: 0, differs: 0, failed: 0, notRun: 1 };
    client.reproductionReads[0]!.resolve({
      schemaVersion: 1,
      reproductionId,
      originalRunId: RUN,
      runId: OLD_RUN,
      notebook: { id: NB, path: 'nb.ipynb' },
      facility: 'local',
      state: 'running',
      startedAt: d.run.startedAt,
      pins: {},
      unpinned: [],
      cells: [{ cellId: 'a', cellIndex: 0, status: 'not-run', reason: 'running', ignoredOutputs: [] }],
      summary,
      reproducible: false
    });
    await settle();
    expect(m.report?.state).toBe('running');
    // Not started here (maybe a job that died without finishing it): Reproduce stays available.
    expect(m.reproducing).toBe(true);
    expect(m.canReproduce).toBe(true);
    // Read again by itself while it runs.
    await new Promise((r) => setTimeout(r, 2300));
    expect(client.runLists.length).toBeGreaterThanOrEqual(2);
    m.dispose();
  });
});

function report(
  reproductionId: string,
  state: 'running' | 'completed',
  cells: ReproducibilityReport['cells']
): ReproducibilityReport {
  const summary = summarizeCells(cells);
  return {
    schemaVersion: 1,
    reproductionId,
    originalRunId: RUN,
    runId: OLD_RUN,
    notebook: { id: NB, path: 'nb.ipynb' },
    facility: 'local',
    state,
    startedAt: '2026-01-01T00:00:00.000Z',
    ...(state === 'running' ? {} : { endedAt: '2026-01-01T00:01:00.000Z' }),
    pins: {},
    unpinned: [],
    cells,
    summary,
    reproducible: isReproducible(state, summary)
  };
}

describe('ProvenancePanelModel reproduce', () => {
  const REPRO = '55555555-5555-4555-8555-555555555555';
  async function shown(client: TestClient): Promise<ProvenancePanelModel> {
    const m = new ProvenancePanelModel(client);
    m.setNotebook(view([{ cellId: 'a', code: '1' }]));
    await settle();
    client.runLists[0]!.resolve(runList());
    await settle();
    client.runReads[0]!.resolve(detail([exec('a', 0, '1')]));
    await settle();
    return m;
  }
  it('starts a reproduction of the selected run, follows its job on the socket and reads its report', async () => {
    const client = new TestClient();
    const m = await shown(client);
    expect(m.canReproduce).toBe(true);
    const pending = m.reproduce({ facility: 'local' });
    expect(m.reproducing).toBe(true);
    expect(m.canReproduce).toBe(false);
    expect(client.reproductionStarts[0]!.args).toEqual({ runId: RUN, request: { facility: 'local' } });
    client.reproductionStarts[0]!.resolve({ reproductionId: REPRO, jobId: 'j9', directory: '/tmp/x' });
    expect((await pending)?.reproductionId).toBe(REPRO);
    expect(m.started?.started.jobId).toBe('j9');
    client.pushJob(update(job('other', 'ACTIVE', 1)));
    expect(m.started?.jobState).toBeNull();
    client.pushJob(update(job('j9', 'ACTIVE', 1)));
    expect(m.started?.jobState).toBe('ACTIVE');
    expect(m.reproducing).toBe(true);
    // The refresh after starting asks for the report of this reproduction (not yet recorded: still coming).
    await until(() => client.runLists.length === 2);
    client.runLists[1]!.resolve(runList());
    await settle();
    client.runReads[1]!.resolve(detail([exec('a', 0, '1')]));
    await settle();
    expect(client.reproductionReads[0]!.args).toBe(REPRO);
    client.reproductionReads[0]!.reject(new GenesisError('not_found', 'no such reproduction'));
    await settle();
    expect(m.error).toBeNull();
    expect(m.reproducing).toBe(true);
    m.dispose();
  });
  it('counts the cells done of the notebook sent, and says so when the job ends before its report does', async () => {
    const client = new TestClient();
    const m = await shown(client);
    const notebook = {
      cells: [
        { cell_type: 'markdown', source: '# t' },
        { cell_type: 'code', source: '1' },
        { cell_type: 'code', source: '2' }
      ]
    };
    const pending = m.reproduce({ facility: 'local', notebook });
    client.reproductionStarts[0]!.resolve({ reproductionId: REPRO, jobId: 'j9', directory: '/tmp/x' });
    await pending;
    expect(m.progress).toEqual({ done: 0, total: 2 });
    await until(() => client.runLists.length === 2);
    client.runLists[1]!.resolve(runList());
    await settle();
    client.runReads[1]!.resolve(detail([exec('a', 0, '1')]));
    await until(() => client.reproductionReads.length === 1);
    const running = report(REPRO, 'running', [{ cellId: 'a', cellIndex: 1, status: 'reproduced', ignoredOutputs: [] }]);
    client.reproductionReads[0]!.resolve(running);
    await settle();
    expect(m.progress).toEqual({ done: 1, total: 2 });
    expect(m.jobEndedEarly).toBeNull();
    // The job dies; the report read after that still says running: it will never finish.
    client.pushJob(update(job('j9', 'FAILED', 2)));
    expect(m.reproducing).toBe(true);
    await until(() => client.runLists.length === 3);
    client.runLists[2]!.resolve(runList());
    await settle();
    client.runReads[2]!.resolve(detail([exec('a', 0, '1')]));
    await until(() => client.reproductionReads.length === 2);
    client.reproductionReads[1]!.resolve(running);
    await until(() => !m.reproducing);
    expect(m.jobEndedEarly).toEqual({ jobId: 'j9', state: 'FAILED' });
    expect(m.canReproduce).toBe(true);
    expect(m.progress).toBeNull();
    m.dispose();
  });
  it('a job that ended with its report final is no warning', async () => {
    const client = new TestClient();
    const m = await shown(client);
    const pending = m.reproduce({});
    client.reproductionStarts[0]!.resolve({ reproductionId: REPRO, jobId: 'j9', directory: '/tmp/x' });
    await pending;
    client.pushJob(update(job('j9', 'FAILED', 2)));
    const final = report(REPRO, 'completed', [
      { cellId: 'a', cellIndex: 0, status: 'differs', diff: '- 1\n+ 2', ignoredOutputs: [] }
    ]);
    // Answer every read (a resolved answer is not changed by a second resolve) until it settles.
    await until(() => {
      for (const c of client.runLists) c.resolve(runList());
      for (const c of client.runReads) c.resolve(detail([exec('a', 0, '1')]));
      for (const c of client.reproductionReads) c.resolve(final);
      return !m.reproducing && m.started?.jobState === 'FAILED';
    });
    expect(m.jobEndedEarly).toBeNull();
    expect(m.report?.cells[0]?.status).toBe('differs');
    m.dispose();
  });
  it('says why a reproduction was refused', async () => {
    const client = new TestClient();
    const m = await shown(client);
    const pending = m.reproduce({ facility: 'nowhere' });
    client.reproductionStarts[0]!.reject(new GenesisError('bad_request', 'unknown facility "nowhere"'));
    expect(await pending).toBeNull();
    expect(m.reproduceError).toContain('unknown facility "nowhere"');
    expect(m.reproducing).toBe(false);
    m.dispose();
  });
});

describe('LineageGraphModel', () => {
  it('lays out cells, dataset versions, jobs and outputs with ELK; folds outputs above the threshold; search unfolds a match', async () => {
    const executions: ExecutionRecord[] = [];
    for (let i = 0; i < 50; i++) {
      executions.push(
        exec(`cell${i}`, i, `step ${i}`, {
          lineage:
            i % 10 === 0
              ? [
                  {
                    schemaVersion: 1,
                    at: '2026-01-01T00:00:00.000Z',
                    kind: 'dataset',
                    ref: `ns/d${i}`,
                    id: `ns/d${i}`,
                    version: '1',
                    sha256: SHA,
                    rowCount: 1,
                    mode: 'table'
                  },
                  {
                    schemaVersion: 1,
                    at: '2026-01-01T00:00:00.000Z',
                    kind: 'job',
                    jobId: `job-${i}`,
                    facility: 'local',
                    name: `sweep ${i}`,
                    action: 'submitted',
                    state: 'COMPLETED'
                  }
                ]
              : [],
          outputs: [0, 1].map((k) => ({
            sha256: sha256Hex(`out ${i} ${k}`),
            outputType: 'stream' as const,
            mimeTypes: ['text/plain'],
            stored: true
          }))
        })
      );
    }
    const g = new LineageGraphModel(elkLayout, () => 60);
    await g.setRun(detail(executions), new Set([executions[3]!.executionId]));
    // 50 executions + 5 datasets + 5 jobs + 100 outputs = 160 nodes: outputs start folded.
    expect(g.allNodes).toHaveLength(160);
    const layout = g.layout!;
    expect(layout.nodes).toHaveLength(60);
    expect(layout.nodes.find((x) => x.kind === 'execution')!.folded).toBe(2);
    expect(layout.nodes.every((x) => Number.isFinite(x.x) && Number.isFinite(x.y))).toBe(true);
    expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
    expect(layout.nodes.find((x) => x.stale)!.label).toContain('cell 4');
    const ids = new Set(layout.nodes.map((x) => `${Math.round(x.x)},${Math.round(x.y)}`));
    expect(ids.size).toBe(60); // no two nodes on top of each other

    await g.search(sha256Hex('out 7 1').slice(0, 12));
    expect(g.matches.size).toBe(1);
    expect(g.layout!.nodes.map((x) => x.id)).toContain([...g.matches][0]);
    expect(g.layout!.nodes).toHaveLength(62);

    await g.expandAll(true);
    expect(g.layout!.nodes).toHaveLength(160);
    g.setZoom(100);
    expect(g.zoom).toBe(4);
    g.dispose();
  });
});
