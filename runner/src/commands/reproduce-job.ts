import * as fs from 'node:fs';
import {
  isReproducible,
  PROVENANCE_SCHEMA_VERSION,
  readCellProvenance,
  ReproducibilityReport,
  ReproduceJobSpec,
  RecordId,
  summarizeCells,
  type CellExecutionInput,
  type CellReport,
  type CodeCell,
  type Notebook,
  type ReproducibilityReportInput,
  type UnpinnedRef,
  parseOrThrow
} from '@genesis-lab/contract';
import writeFileAtomic from 'write-file-atomic';
import type { CellRun } from '../execute/cell-run';
import { readNotebook } from '../notebook/file';
import { PlatformApi } from '../platform/platform-api';
import { lineageOf } from '../record/capture';
import { reportMarkdown } from '../report/markdown';
import { cellReport } from '../report/cell-report';
import { runCommand } from './run';

const codeCellsOf = (nb: Notebook) => nb.cells.filter((c): c is CodeCell => c.cell_type === 'code');
const cellIdOf = (c: CodeCell, index: number) => c.id ?? `cell-${index + 1}`;

/** Unversioned refs a cell resolved to latest rather than to a pin: datasets it read or a job staged in, models. */
export function unpinnedIn(cellId: string, outputs: CodeCell['outputs']): UnpinnedRef[] {
  const unversioned = (r: { ref: string; pinned?: boolean }) => !r.pinned && RecordId.safeParse(r.ref).success;
  return lineageOf(outputs).flatMap((r): UnpinnedRef[] => {
    if (r.kind === 'job')
      return (r.stagedIn ?? [])
        .filter(unversioned)
        .map((d) => ({ ref: d.ref, id: d.id, version: d.version, sha256: d.sha256, cellId }));
    if (!unversioned(r)) return [];
    return [
      {
        ...(r.kind === 'model' ? { kind: r.kind } : {}),
        ref: r.ref,
        id: r.id,
        version: r.version,
        sha256: r.sha256,
        cellId
      }
    ];
  });
}

/**
 * The job's side of a reproduction: execute the working copy with the pins (recorded as its own
 * run), compare each cell with the recorded notebook as it ends, and record the report as it
 * grows (state `running`, the panel shows it live) and when it ends. Returns the final report.
 */
export async function reproduceJob(
  specFile: string,
  progress?: (line: string) => void
): Promise<ReproducibilityReportInput> {
  const spec = parseOrThrow(
    ReproduceJobSpec,
    JSON.parse(fs.readFileSync(specFile, 'utf8')),
    `reproduction spec ${specFile}`
  );
  const platform = new PlatformApi({ url: spec.platform.url, token: spec.platform.token });
  const expected = readNotebook(spec.expected);
  const expectedCells = new Map(codeCellsOf(expected).map((c) => [expected.cells.indexOf(c), c]));
  const cells: CellReport[] = [];
  const unpinned: UnpinnedRef[] = [];
  const pinnedVersions = Object.fromEntries(Object.entries(spec.pins.datasets));
  const report = (state: 'running' | 'completed' | 'failed', message?: string): ReproducibilityReportInput => {
    const summary = summarizeCells(cells);
    return {
      schemaVersion: PROVENANCE_SCHEMA_VERSION,
      reproductionId: spec.reproductionId,
      originalRunId: spec.originalRunId,
      runId: spec.runId,
      notebook: { ...(spec.notebookId ? { id: spec.notebookId } : {}), path: spec.notebookPath },
      facility: spec.facility,
      ...(process.env.GENESIS_JOB_ID ? { jobId: process.env.GENESIS_JOB_ID } : {}),
      state,
      ...(message ? { message } : {}),
      startedAt: spec.startedAt,
      ...(state === 'running' ? {} : { endedAt: new Date().toISOString() }),
      pins: pinnedVersions,
      pinnedModels: { ...spec.pins.models },
      unpinned,
      cells: [...cells],
      summary,
      reproducible: isReproducible(state, summary)
    };
  };
  // Live progress: the running report after each cell, one request at a time (the latest wins).
  let live: Promise<void> = Promise.resolve();
  const publish = (r: ReproducibilityReportInput) => {
    live = live.then(() => platform.recordReproduction(r)).catch(() => undefined);
  };
  publish(report('running'));
  let final: ReproducibilityReportInput;
  try {
    const ran = await runCommand({
      notebook: spec.notebook,
      runId: spec.runId,
      pins: spec.pins,
      ...(spec.project ? { project: spec.project } : {}),
      cwd: spec.cwd,
      kernel: spec.kernel,
      cellTimeoutMs: spec.cellTimeoutMs,
      connect: spec.platform,
      kernelSearch: spec.kernelSearchPrefixes ? { prefixes: spec.kernelSearchPrefixes } : undefined,
      progress,
      onCellEnd: (run: CellRun, cell: CodeCell, execution: CellExecutionInput | undefined) => {
        const id = cellIdOf(cell, run.index);
        const original = expectedCells.get(run.index);
        // Checked up front by reproduceCommand; read again here because the job is its own boundary.
        const declared = readCellProvenance(original?.metadata ?? cell.metadata, { id, index: run.index });
        cells.push(
          cellReport({
            cellId: id,
            cellIndex: run.index,
            run,
            expected: original?.outputs ?? [],
            actual: cell.outputs,
            declared,
            ...(spec.originalExecutions[id] ? { originalExecutionId: spec.originalExecutions[id] } : {}),
            ...(execution ? { executionId: execution.executionId } : {})
          })
        );
        unpinned.push(...unpinnedIn(id, cell.outputs));
        publish(report('running'));
      }
    });
    final = report('completed', ran.result.ok ? undefined : 'some cells failed when re-executed');
  } catch (e) {
    final = report('failed', (e as Error).message);
  }
  await live;
  await platform.recordReproduction(final);
  platform.close();
  await writeFileAtomic(spec.reportJson, JSON.stringify(final, null, 1) + '\n');
  await writeFileAtomic(spec.reportMarkdown, reportMarkdown(parseReport(final)));
  return final;
}

const parseReport = (r: ReproducibilityReportInput) => ReproducibilityReport.parse(r);
