import { createHash, randomUUID } from 'node:crypto';
import {
  CellExecution,
  GenesisError,
  LINEAGE_MIME_TYPE,
  ReproducibilityReport,
  canonicalJson,
  captureOutputs,
  cellStaleness,
  digestOutputs,
  normalizeOutputs,
  outputDigest,
  pinsFromLineage,
  readCellProvenance,
  readNotebookProvenance,
  resolveCarriageReturns,
  sha256Hex,
  summarizeCells,
  withinTolerance,
  type CellExecutionInput,
  type NotebookOutputInput,
  type StalenessExecution
} from '../src';

const lineage = (over: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  at: '2026-12-01T10:00:00.000Z',
  platform: 'http://127.0.0.1:4000',
  kind: 'dataset',
  ref: 'noaa/co2',
  id: 'noaa/co2',
  version: '2',
  sha256: 'a'.repeat(64),
  rowCount: 10,
  mode: 'table',
  ...over
});

describe('output normalisation and hashing', () => {
  it('sha256Hex agrees with node:crypto on unicode text', () => {
    const text = 'µ = 3 °C ✓ 🌍\n';
    expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });

  it('canonicalJson sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}'
    );
  });

  it('merges consecutive streams of one name, however the kernel split them', () => {
    const once: NotebookOutputInput[] = [{ output_type: 'stream', name: 'stdout', text: 'a\nb\nc\n' }];
    const split: NotebookOutputInput[] = [
      { output_type: 'stream', name: 'stdout', text: ['a\n', 'b'] },
      { output_type: 'stream', name: 'stdout', text: '\nc\n' }
    ];
    expect(digestOutputs(split)).toEqual(digestOutputs(once));
    const interleaved: NotebookOutputInput[] = [...split, { output_type: 'stream', name: 'stderr', text: 'x' }];
    expect(normalizeOutputs(interleaved)).toHaveLength(2);
  });

  it('resolves carriage returns and backspaces as a terminal shows them', () => {
    expect(resolveCarriageReturns('10%\r20%\r100%\ndone\r\n')).toBe('100%\ndone\n');
    expect(resolveCarriageReturns('abcdef\rxy')).toBe('xycdef');
    expect(resolveCarriageReturns('ab\bc')).toBe('ac');
  });

  it('drops execution counts, display ids and empty metadata; keeps what is shown', () => {
    const a = normalizeOutputs([
      { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': ['4', '2'] }, metadata: {} }
    ]);
    const b = normalizeOutputs([
      {
        output_type: 'execute_result',
        execution_count: 9,
        data: { 'text/plain': '42' },
        metadata: {},
        transient: { display_id: 'x' }
      }
    ]);
    expect(a).toEqual(b);
    expect(a[0]).toEqual({ output_type: 'execute_result', data: { 'text/plain': '42' } });
    const other = normalizeOutputs([
      { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '43' } }
    ]);
    expect(outputDigest(other[0]!)).not.toBe(outputDigest(a[0]!));
  });

  it('base64 images hash the same with or without line breaks', () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk';
    const [x] = digestOutputs([{ output_type: 'display_data', data: { 'image/png': png }, metadata: {} }]);
    const [y] = digestOutputs([
      {
        output_type: 'display_data',
        data: { 'image/png': png.slice(0, 20) + '\n' + png.slice(20) + '\n' },
        metadata: {}
      }
    ]);
    expect(x!.sha256).toBe(y!.sha256);
  });

  it('a lineage output is its record without when, where and the job id', () => {
    const first = digestOutputs([
      { output_type: 'display_data', data: { [LINEAGE_MIME_TYPE]: lineage(), 'text/plain': 'genesis lineage: ...' } }
    ]);
    const later = digestOutputs([
      {
        output_type: 'display_data',
        data: {
          [LINEAGE_MIME_TYPE]: lineage({ at: '2027-01-01T00:00:00.000Z', platform: 'http://other' }),
          'text/plain': 'other words'
        }
      }
    ]);
    expect(later[0]!.sha256).toBe(first[0]!.sha256);
    const otherVersion = digestOutputs([
      { output_type: 'display_data', data: { [LINEAGE_MIME_TYPE]: lineage({ version: '3' }) } }
    ]);
    expect(otherVersion[0]!.sha256).not.toBe(first[0]!.sha256);
    const job = (jobId: string, state: string, action: string) =>
      digestOutputs([
        {
          output_type: 'display_data',
          data: {
            [LINEAGE_MIME_TYPE]: { ...lineage(), kind: 'job', jobId, facility: 'local', name: 'sim', action, state }
          }
        }
      ])[0]!.sha256;
    expect(job('j1', 'QUEUED', 'submitted')).toBe(job('j2', 'ACTIVE', 'submitted'));
    expect(job('j1', 'COMPLETED', 'awaited')).not.toBe(job('j1', 'FAILED', 'awaited'));
  });
});

function execution(over: Partial<CellExecutionInput> = {}): CellExecutionInput {
  const code = over.code ?? 'const x = 1;';
  return {
    schemaVersion: 1,
    executionId: randomUUID(),
    runId: randomUUID(),
    notebook: { id: randomUUID(), path: 'a.ipynb' },
    cellId: 'c1',
    cellIndex: 0,
    code,
    codeSha256: sha256Hex(code),
    executionCount: 1,
    startedAt: '2026-12-01T10:00:00.000Z',
    endedAt: '2026-12-01T10:00:00.250+00:00',
    success: true,
    outputs: [],
    environment: { kernel: { name: 'tslab' }, client: { name: 'runner', version: '0.1.0' } },
    user: 'ada',
    ...over
  };
}

describe('captureOutputs', () => {
  it('keeps the content up to the bound and the hash always', () => {
    const outs: NotebookOutputInput[] = [
      { output_type: 'stream', name: 'stdout', text: 'small\n' },
      { output_type: 'display_data', data: { 'text/plain': 'x'.repeat(5000) }, metadata: {} }
    ];
    const [small, big] = captureOutputs(outs, 1000);
    expect(small).toMatchObject({ outputType: 'stream', mimeTypes: [], content: { text: 'small\n' } });
    expect(big!.content).toBeUndefined();
    expect(big).toMatchObject({ outputType: 'display_data', mimeTypes: ['text/plain'] });
    expect(big!.sha256).toBe(digestOutputs(outs)[1]!.sha256);
  });
});

describe('CellExecution', () => {
  it('accepts a capture and checks the code hash, the output hashes and the times', () => {
    const [o] = digestOutputs([{ output_type: 'stream', name: 'stdout', text: 'hi\n' }]);
    const ok = execution({ outputs: [{ sha256: o!.sha256, outputType: 'stream', content: o!.output }] });
    expect(CellExecution.parse(ok).lineage).toEqual([]);
    const bad = CellExecution.safeParse({
      ...ok,
      codeSha256: sha256Hex('other'),
      endedAt: '2026-12-01T09:00:00.000Z',
      outputs: [{ sha256: 'b'.repeat(64), outputType: 'stream', content: o!.output }]
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'codeSha256',
      'endedAt',
      'outputs.0.sha256'
    ]);
  });
});

describe('notebook and cell metadata', () => {
  it('reads metadata.genesis of a notebook, and none when it never ran with Genesis', () => {
    const notebookId = randomUUID();
    expect(readNotebookProvenance({ kernelspec: {} })).toBeUndefined();
    const p = readNotebookProvenance({
      genesis: {
        schemaVersion: 1,
        notebookId,
        pins: { datasets: { 'noaa/co2': { version: '2', sha256: 'a'.repeat(64) } } }
      }
    });
    expect(p).toEqual({
      schemaVersion: 1,
      notebookId,
      pins: { datasets: { 'noaa/co2': { version: '2', sha256: 'a'.repeat(64) } }, models: {}, jobs: [] }
    });
    expect(() => readNotebookProvenance({ genesis: { schemaVersion: 1, notebookId: 'nope' } })).toThrow(
      /notebook metadata\.genesis\.notebookId/
    );
  });

  it('malformed tolerance metadata names the cell', () => {
    expect(readCellProvenance({ genesis: { tolerance: { rel: 1e-9 } } }, { id: 'abc', index: 2 })).toEqual({
      tolerance: { rel: 1e-9 }
    });
    let err: unknown;
    try {
      readCellProvenance({ genesis: { tolerance: { abs: -1 } } }, { id: 'abc', index: 2 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GenesisError);
    expect((err as GenesisError).message).toMatch(/^Invalid cell "abc" \(cell 3\) metadata\.genesis\.tolerance\.abs: /);
    expect(() => readCellProvenance({ genesis: { tolerance: {} } }, { index: 0 })).toThrow(
      /cell 1\) metadata.genesis.tolerance/
    );
    expect(() => readCellProvenance({ genesis: { nondeterministic: 'yes' } }, { id: 'x', index: 0 })).toThrow(/"x"/);
  });

  it('withinTolerance is math.isclose', () => {
    expect(withinTolerance(1, 1, undefined)).toBe(true);
    expect(withinTolerance(1, 1.0000001, undefined)).toBe(false);
    expect(withinTolerance(100, 100.5, { rel: 0.01 })).toBe(true);
    expect(withinTolerance(100, 102, { rel: 0.01 })).toBe(false);
    expect(withinTolerance(0, 1e-12, { abs: 1e-9 })).toBe(true);
  });

  it('pins are the last version each dataset resolved to, and every job', () => {
    const uses = [
      lineage({ version: '1', sha256: '1'.repeat(64) }),
      { ...lineage(), kind: 'job', jobId: 'j1', facility: 'local', name: 'sim', action: 'submitted', state: 'NEW' },
      lineage({ version: '2', sha256: '2'.repeat(64) })
    ];
    const parsed = CellExecution.parse(execution({ lineage: uses as never })).lineage;
    expect(pinsFromLineage(parsed)).toEqual({
      datasets: { 'noaa/co2': { version: '2', sha256: '2'.repeat(64) } },
      models: {},
      jobs: ['j1']
    });
  });
});

describe('cellStaleness', () => {
  let t = 0;
  const run = (cellId: string, cellIndex: number, code = cellId): StalenessExecution => ({
    executionId: `${cellId}-${++t}`,
    cellId,
    cellIndex,
    codeSha256: sha256Hex(code),
    startedAt: new Date(Date.UTC(2026, 11, 1, 10, 0, t)).toISOString(),
    executionCount: t
  });
  const flagsOf = (r: ReturnType<typeof cellStaleness>) => Object.fromEntries(r.map((c) => [c.cellId, c.flags]));

  it('a top-to-bottom run is not stale', () => {
    expect(flagsOf(cellStaleness([run('a', 0), run('b', 1), run('c', 2)]))).toEqual({ a: [], b: [], c: [] });
  });

  it('flags out-of-order, upstream re-run, edited-after-run, never-run and removed cells', () => {
    // c ran before b ever did; then a was run again after b and c.
    const execs = [run('a', 0), run('c', 2), run('b', 1), run('a', 0)];
    expect(flagsOf(cellStaleness(execs))).toEqual({
      a: [],
      b: [{ kind: 'upstream-rerun', cells: ['a'] }],
      c: [
        { kind: 'out-of-order', cells: ['b'] },
        { kind: 'upstream-rerun', cells: ['a'] }
      ]
    });
    const now = [
      { cellId: 'a', codeSha256: sha256Hex('a') },
      { cellId: 'n', codeSha256: sha256Hex('n') },
      { cellId: 'b', codeSha256: sha256Hex('b edited') }
    ];
    const r = cellStaleness(execs, now);
    expect(r.map((x) => x.cellId)).toEqual(['a', 'b', 'c']);
    expect(flagsOf(r)).toEqual({
      a: [],
      b: [
        { kind: 'upstream-rerun', cells: ['a'] },
        { kind: 'upstream-not-run', cells: ['n'] },
        { kind: 'edited-after-run' }
      ],
      c: [{ kind: 'removed' }]
    });
    expect(r[0]!.executionId).toBe(execs[3]!.executionId);
  });
});

describe('ReproducibilityReport', () => {
  const base = {
    schemaVersion: 1 as const,
    reproductionId: randomUUID(),
    originalRunId: randomUUID(),
    runId: randomUUID(),
    notebook: { path: 'a.ipynb' },
    facility: 'local',
    state: 'completed' as const,
    startedAt: '2026-12-01T10:00:00.000Z',
    endedAt: '2026-12-01T10:01:00.000Z'
  };
  const cells = [
    { cellId: 'a', cellIndex: 0, status: 'reproduced' as const },
    { cellId: 'b', cellIndex: 1, status: 'differs' as const, diff: '- 1\n+ 2' },
    { cellId: 'c', cellIndex: 2, status: 'not-run' as const, reason: 'the kernel died in cell b' }
  ];

  it('its summary and verdict must agree with its cells', () => {
    const summary = summarizeCells(cells);
    expect(summary).toEqual({ total: 3, reproduced: 1, withinTolerance: 0, differs: 1, failed: 0, notRun: 1 });
    expect(
      ReproducibilityReport.parse({ ...base, cells, summary, reproducible: false }).cells[0]!.ignoredOutputs
    ).toEqual([]);
    const lying = ReproducibilityReport.safeParse({ ...base, cells, summary, reproducible: true });
    expect(lying.error?.issues[0]?.path).toEqual(['reproducible']);
    const miscounted = ReproducibilityReport.safeParse({
      ...base,
      cells,
      summary: { ...summary, differs: 0 },
      reproducible: false
    });
    expect(miscounted.error?.issues[0]?.path).toEqual(['summary']);
  });
});
