import { tableFromArrays } from 'apache-arrow';
import {
  ARROW_META,
  LINEAGE_MIME_TYPE,
  readCellProvenance,
  summarizeCells,
  type NotebookOutputInput
} from '@genesis-lab/contract';
import { compareOutputs, readHtml, reportMarkdown, cellReport, type CellRun } from '@genesis-lab/notebook-runner';
import { tableBundle } from '@genesis-lab/kernel';

const out = (text: string): NotebookOutputInput => ({ output_type: 'stream', name: 'stdout', text });
const result = (data: Record<string, unknown>, n = 1): NotebookOutputInput => ({
  output_type: 'execute_result',
  execution_count: n,
  data,
  metadata: {}
});
const display = (data: Record<string, unknown>, id?: string): NotebookOutputInput => ({
  output_type: 'display_data',
  data,
  metadata: {},
  ...(id ? { transient: { display_id: id } } : {})
});

/** The kernel helpers' own table view (the Arrow HTML a pull shows), of a CO2 table. */
function co2Table(values: number[]): NotebookOutputInput {
  const t = tableFromArrays({ month: Float64Array.from(values.map((_, i) => i + 1)), co2: Float64Array.from(values) });
  t.schema.metadata.set(ARROW_META.ref, 'noaa/mauna-loa-co2@1');
  return display(tableBundle(t));
}

describe('comparing reproduced outputs', () => {
  it('treats outputs that differ only in execution counts, display ids and stream splits as reproduced', () => {
    expect(
      compareOutputs(
        [out('a\n'), out('b\n'), result({ 'text/plain': '2' }, 3), display({ 'text/plain': 'x' }, 'one')],
        [out('a\nb\n'), result({ 'text/plain': '2' }, 9), display({ 'text/plain': 'x' }, 'two')]
      )
    ).toEqual({ status: 'reproduced', ignoredOutputs: [] });
  });

  it('says a changed number differs, with a readable diff', () => {
    const c = compareOutputs(
      [out('months above 400 ppm: 52\nmean: 409.8\n')],
      [out('months above 400 ppm: 61\nmean: 409.8\n')]
    );
    expect(c.status).toBe('differs');
    if (c.status !== 'differs') return;
    expect(c.outputIndex).toBe(0);
    expect(c.diff).toContain('-months above 400 ppm: 52');
    expect(c.diff).toContain('+months above 400 ppm: 61');
    expect(c.diff).toContain(' mean: 409.8');
  });

  it('accepts numbers within a declared absolute or relative tolerance, and no further', () => {
    const abs = compareOutputs([out('mean 409.8001 ppm')], [out('mean 409.8003 ppm')], { tolerance: { abs: 0.001 } });
    expect(abs).toMatchObject({ status: 'within-tolerance', tolerance: { abs: 0.001 } });
    if (abs.status === 'within-tolerance') expect(abs.maxAbsDiff).toBeCloseTo(0.0002, 6);
    expect(compareOutputs([out('mean 409.8 ppm')], [out('mean 409.9 ppm')], { tolerance: { abs: 0.001 } }).status).toBe(
      'differs'
    );
    expect(compareOutputs([out('1000')], [out('1001')], { tolerance: { rel: 0.01 } }).status).toBe('within-tolerance');
    expect(compareOutputs([out('1000')], [out('1100')], { tolerance: { rel: 0.01 } }).status).toBe('differs');
    // Words never match by tolerance, and a date or a version is text, not numbers.
    expect(compareOutputs([out('ppm 1')], [out('ppb 1')], { tolerance: { rel: 1 } }).status).toBe('differs');
    expect(
      compareOutputs([out('2020-04-01: 416.18')], [out('2020-04-02: 416.18')], { tolerance: { rel: 0.5 } }).status
    ).toBe('differs');
    expect(compareOutputs([out('tslab 1.0.22')], [out('tslab 1.0.23')], { tolerance: { abs: 1 } }).status).toBe(
      'differs'
    );
  });

  it("compares the helpers' Arrow tables by rows and values, naming the row and column", () => {
    const recorded = co2Table([401.1, 402.2, 403.3, 404.4]);
    expect(compareOutputs([recorded], [co2Table([401.1, 402.2, 403.3, 404.4])]).status).toBe('reproduced');
    const changed = compareOutputs([recorded], [co2Table([401.1, 402.2, 409.9, 404.4])]);
    expect(changed.status).toBe('differs');
    if (changed.status === 'differs') {
      expect(changed.diff).toContain('table row 2, column co2: 403.3 → 409.9');
      expect(changed.diff).not.toMatch(/text\/plain/); // the table is compared once, not again as its text form
    }
    const more = compareOutputs([recorded], [co2Table([401.1, 402.2, 403.3, 404.4, 405.5])]);
    if (more.status !== 'differs') throw new Error('a longer table must differ');
    expect(more.diff).toMatch(/caption: .*4 rows × 2 columns → .*5 rows × 2 columns/);
    expect(more.diff).toMatch(/4 rows shown recorded, 5 reproduced/);
    expect(
      compareOutputs([recorded], [co2Table([401.1, 402.2, 403.30004, 404.4])], { tolerance: { abs: 0.001 } }).status
    ).toBe('within-tolerance');
  });

  it("reads the helpers' HTML as a header and rows of cell texts", () => {
    const html = (co2Table([401.5]) as { data: Record<string, string> }).data['text/html']!;
    expect(readHtml(html)).toEqual({
      tables: [{ header: ['', 'month', 'co2'], rows: [['0', '1', '401.5']] }],
      text: expect.stringContaining('noaa/mauna-loa-co2@1')
    });
  });

  it('compares images by digest', () => {
    expect(
      compareOutputs([display({ 'image/png': 'iVBORw0KGgo=\n' })], [display({ 'image/png': 'iVBORw0KGgo=' })]).status
    ).toBe('reproduced');
    const c = compareOutputs([display({ 'image/png': 'AAAA' })], [display({ 'image/png': 'AAAB' })], {
      tolerance: { rel: 1 }
    });
    expect(c).toMatchObject({
      status: 'differs',
      diff: expect.stringMatching(
        /image\/png: the image differs \(sha256 [0-9a-f]{12} recorded, [0-9a-f]{12} reproduced\)/
      )
    });
  });

  it('compares lineage by what was used, not when or where', () => {
    const use = (version: string, at: string) =>
      display({
        [LINEAGE_MIME_TYPE]: {
          schemaVersion: 1,
          kind: 'dataset',
          ref: 'noaa/co2',
          id: 'noaa/co2',
          version,
          sha256: 'a'.repeat(64),
          rowCount: 4,
          mode: 'table',
          at
        }
      });
    expect(compareOutputs([use('1', '2026-01-01T00:00:00Z')], [use('1', '2026-12-01T00:00:00Z')]).status).toBe(
      'reproduced'
    );
    const c = compareOutputs([use('1', '2026-01-01T00:00:00Z')], [use('2', '2026-01-01T00:00:00Z')]);
    expect(c).toMatchObject({ status: 'differs', diff: 'output 1 lineage.version: "1" → "2"' });
  });

  it('ignores outputs declared non-deterministic, and only those', () => {
    const rec = [out('at 2026-12-01T10:00:00Z\n'), display({ 'text/plain': 'mean 1' })];
    const rep = [out('at 2026-12-02T11:30:00Z\n'), display({ 'text/plain': 'mean 1' })];
    expect(compareOutputs(rec, rep).status).toBe('differs');
    expect(compareOutputs(rec, rep, { nondeterministic: [0] })).toEqual({ status: 'reproduced', ignoredOutputs: [0] });
    expect(compareOutputs(rec, [rep[0]!, display({ 'text/plain': 'mean 2' })], { nondeterministic: [0] }).status).toBe(
      'differs'
    );
    expect(compareOutputs(rec, [out('anything')], { nondeterministic: true })).toEqual({
      status: 'reproduced',
      ignoredOutputs: [0, 1]
    });
  });

  it('says when the number of outputs changed', () => {
    const c = compareOutputs([out('a\n')], [out('a\n'), result({ 'text/plain': '42' })]);
    expect(c).toMatchObject({
      status: 'differs',
      outputIndex: 1,
      diff: expect.stringContaining('1 output recorded, 2 reproduced')
    });
  });

  it('refuses malformed tolerance metadata, naming the cell', () => {
    expect(() => readCellProvenance({ genesis: { tolerance: { abs: -1 } } }, { id: 'c3', index: 2 })).toThrow(
      /cell "c3" \(cell 3\) metadata\.genesis\.tolerance\.abs/
    );
  });
});

describe('the reproducibility report as Markdown', () => {
  it('gives the verdict, the cells and each diff', () => {
    const ran = (index: number, extra: Partial<CellRun> = {}): CellRun => ({
      index,
      status: 'ok',
      executionCount: index + 1,
      attempts: 1,
      notes: [],
      ...extra
    });
    const cell = (index: number, run: CellRun | undefined, expected: string[], actual: string[]) =>
      cellReport({
        cellId: `c${index + 1}`,
        cellIndex: index,
        run,
        expected: expected.map(out),
        actual: actual.map(out),
        declared: {}
      });
    const cells = [
      cell(0, ran(0), ['1\n'], ['1\n']),
      cell(1, ran(1), ['52\n'], ['61\n']),
      cell(2, ran(2, { status: 'error', error: { text: 'evalmachine.<anonymous>:1\nError: boom' } }), [], []),
      cell(3, undefined, [], [])
    ];
    expect(cells.map((c) => c.status)).toEqual(['reproduced', 'differs', 'failed', 'not-run']);
    const md = reportMarkdown({
      schemaVersion: 1,
      reproductionId: '7d1f2a0e-4b5c-4d6e-8f90-a1b2c3d4e5f6',
      originalRunId: null,
      runId: '8d1f2a0e-4b5c-4d6e-8f90-a1b2c3d4e5f6',
      notebook: { path: 'co2.ipynb' },
      facility: 'local',
      state: 'completed',
      startedAt: '2026-12-02T10:00:00Z',
      endedAt: '2026-12-02T10:01:00Z',
      pins: {},
      unpinned: [{ ref: 'noaa/co2', id: 'noaa/co2', version: '3', sha256: 'b'.repeat(64) }],
      cells,
      summary: summarizeCells(cells),
      reproducible: false
    });
    expect(md).toContain('**Did not reproduce**: 1 of 4 cells reproduced, 1 differ, 1 failed, 1 not run.');
    expect(md).toContain('never run with Genesis');
    expect(md).toContain('- `noaa/co2` → `noaa/co2@3`');
    expect(md).toContain('| 3 | `c3` | failed | Error: boom |');
    expect(md).toContain('## cell 2 (c2) differs\n\n```diff\n');
    expect(md).toContain('-52\n+61');
  });
});
