import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  GenesisError,
  parseOrThrow,
  readCellProvenance,
  readNotebookProvenance,
  ReproducibilityReport,
  type Job,
  type NotebookPins,
  type ReproduceJobSpec
} from '@genesis-lab/contract';
import type { ConnectOptions } from '@genesis-lab/client';
import { unzipSync } from 'fflate';
import writeFileAtomic from 'write-file-atomic';
import { kernelEnvironments } from '../kernel/environments';
import { readNotebook } from '../notebook/file';
import { PlatformApi } from '../platform/platform-api';
import { reportMarkdown } from '../report/markdown';

/** The program a reproduction job runs (`genesis-notebook reproduce-job SPEC`). */
export const JOB_ENTRY = path.resolve(__dirname, '../../bin/genesis-notebook.js');

export interface ReproduceOptions {
  /** A notebook (.ipynb) that was run with Genesis, or a crate (.zip) exported from a run. */
  source: string;
  /** The facility the reproduction job runs on (default `local`). */
  facility?: string;
  /** Where the reproduced notebook and the report files go (default: a new temp folder). */
  outputDir?: string;
  kernel?: string;
  cellTimeoutMs?: number;
  kernelSearchPrefixes?: string[];
  connect?: ConnectOptions;
  /** What a terminal shows: what is pinned, the job, each cell as the job reports it (live). */
  progress?: (line: string) => void;
  /** Also write the report here (JSON, Markdown), atomically. */
  reportJson?: string;
  reportMarkdown?: string;
}

export interface ReproduceResult {
  report: ReproducibilityReport;
  markdown: string;
  files: { notebook: string; json: string; markdown: string };
  job: Job;
}

const EMPTY_PINS: NotebookPins = { datasets: {}, models: {}, jobs: [] };

/**
 * `genesis reproduce`: re-execute a notebook from its lineage as a job on a facility, every
 * dataset ref pinned to the version the original run recorded, compare each cell, record the
 * report (the job does, live) and return it. From a crate, the crate is imported first.
 */
export async function reproduceCommand(opts: ReproduceOptions): Promise<ReproduceResult> {
  const say = opts.progress ?? (() => undefined);
  const platform = new PlatformApi(opts.connect);
  const conn = platform.connection();
  const reproductionId = randomUUID();
  const outDir = path.resolve(opts.outputDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-reproduce-')));
  fs.mkdirSync(outDir, { recursive: true });

  let expected: string;
  let cwd: string;
  let crateRunId: string | undefined;
  if (/\.zip$/i.test(opts.source)) {
    const zip = new Uint8Array(fs.readFileSync(opts.source));
    const imported = await platform.importCrate(zip);
    say(
      `imported ${opts.source}: run ${imported.runId}, ${imported.datasets.length} dataset version(s) (${imported.datasets.map((d) => `${d.id}@${d.version} ${d.status}`).join(', ') || 'none'})`
    );
    const entry = unzipSync(zip, { filter: (f) => f.name === imported.notebook })[imported.notebook];
    if (!entry) throw new GenesisError('bad_request', `The crate ${opts.source} has no ${imported.notebook}`);
    expected = path.join(outDir, `recorded-${path.basename(imported.notebook)}`);
    fs.writeFileSync(expected, entry);
    cwd = outDir;
    crateRunId = imported.runId;
  } else {
    expected = path.resolve(opts.source);
    cwd = path.dirname(expected);
  }
  const nb = readNotebook(expected);
  const recorded = readNotebookProvenance(nb.metadata);
  // Malformed tolerance metadata fails here, naming the cell, before a job is started.
  nb.cells.forEach((c, index) => {
    if (c.cell_type === 'code') readCellProvenance(c.metadata, { id: c.id, index });
  });
  const originalRunId = crateRunId ?? recorded?.runId ?? null;
  const detail = originalRunId ? await platform.run(originalRunId) : undefined;
  const pins = detail?.pins ?? recorded?.pins ?? EMPTY_PINS;
  if (!recorded && !crateRunId)
    say(
      'This notebook was never run with Genesis: nothing is pinned, every dataset ref resolves to its latest version.'
    );
  else if (originalRunId && !detail)
    say(`Run ${originalRunId} is not on this platform (${conn.url}); using the pins the notebook's metadata carries.`);
  for (const [id, p] of Object.entries(pins.datasets))
    say(`pinned ${id}@${p.version} (sha256 ${p.sha256.slice(0, 12)}…)`);
  for (const [id, p] of Object.entries(pins.models))
    say(`pinned model ${id}@${p.version} (weights sha256 ${p.sha256.slice(0, 12)}…)`);

  const originalExecutions: Record<string, string> = {};
  for (const e of detail?.executions ?? []) originalExecutions[e.cellId] = e.executionId; // the last execution of each cell
  const name = path.basename(expected).replace(/^recorded-/, '');
  const files = {
    notebook: path.join(outDir, name),
    json: path.join(outDir, 'report.json'),
    markdown: path.join(outDir, 'report.md')
  };
  fs.copyFileSync(expected, files.notebook);
  const searchPrefixes = opts.kernelSearchPrefixes ?? kernelEnvironments();
  const spec: ReproduceJobSpec = {
    notebook: files.notebook,
    expected,
    reportJson: files.json,
    reportMarkdown: files.markdown,
    platform: conn,
    reproductionId,
    runId: randomUUID(),
    originalRunId,
    ...(recorded?.notebookId || detail ? { notebookId: recorded?.notebookId ?? detail!.run.notebook.id } : {}),
    notebookPath: path.relative(process.cwd(), opts.source).split(path.sep).join('/') || name,
    cwd,
    facility: opts.facility ?? 'local',
    pins,
    ...(detail?.run.project ? { project: detail.run.project } : {}),
    originalExecutions,
    ...(opts.kernel ? { kernel: opts.kernel } : {}),
    ...(opts.cellTimeoutMs ? { cellTimeoutMs: opts.cellTimeoutMs } : {}),
    // The job finds the kernel where this process does: jobs do not inherit the active environment.
    ...(searchPrefixes.length ? { kernelSearchPrefixes: searchPrefixes } : {}),
    startedAt: new Date().toISOString()
  };
  const specFile = path.join(outDir, 'reproduction.json');
  // The job carries a token of its own, revoked when this ends (the caller's never goes into a file).
  const token = await platform.reproductionToken(reproductionId);
  spec.platform = { url: conn.url, token: token.token };
  fs.writeFileSync(specFile, JSON.stringify(spec, null, 1), { mode: 0o600 });
  try {
    const submitted = await platform.submitJob(
      {
        name: `reproduce ${name}`,
        facility: spec.facility,
        executable: process.execPath,
        arguments: [JOB_ENTRY, 'reproduce-job', specFile],
        directory: outDir,
        tags: { genesis: 'reproduction', reproductionId }
      },
      `reproduce-${reproductionId}`
    );
    say(`job ${submitted.id} on ${spec.facility}: reproducing ${name} (reproduction ${reproductionId})`);
    // The job's log (a line per cell) as it is written; whatever the live stream missed, from the whole log after.
    let said = 0;
    let partial = '';
    const following = platform
      .followLog(submitted.id, 'stdout', (text) => {
        const lines = (partial + text).split('\n');
        partial = lines.pop()!;
        for (const line of lines.filter((l) => l.trim())) {
          said++;
          say(line);
        }
      })
      .catch(() => undefined);
    const job = await platform.waitJob(submitted.id);
    await following;
    const log = (await platform.jobLog(job.id, 'stdout')).split('\n').filter((l) => l.trim());
    for (const line of log.slice(said)) say(line);
    let report: ReproducibilityReport | undefined;
    if (fs.existsSync(files.json))
      report = parseOrThrow(ReproducibilityReport, JSON.parse(fs.readFileSync(files.json, 'utf8')), files.json);
    if (!report || report.state === 'running') {
      // The job ended without a final report (it crashed, was killed or cancelled): say so, recorded.
      const stderr = (await platform.jobLog(job.id, 'stderr')).trim().split('\n').slice(-5).join('\n');
      const message = `the reproduction job ${job.id} ended ${job.state}${job.reason ? ` (${job.reason})` : ''} without a report${stderr ? `: ${stderr}` : ''}`;
      report = ReproducibilityReport.parse({
        ...(report ?? {
          schemaVersion: 1,
          reproductionId,
          originalRunId,
          runId: spec.runId,
          notebook: { path: spec.notebookPath },
          facility: spec.facility,
          startedAt: spec.startedAt,
          pins: pins.datasets,
          pinnedModels: pins.models,
          unpinned: [],
          cells: [],
          summary: { total: 0, reproduced: 0, withinTolerance: 0, differs: 0, failed: 0, notRun: 0 }
        }),
        jobId: job.id,
        state: 'failed',
        message,
        endedAt: new Date().toISOString(),
        reproducible: false
      });
      await platform.recordReproduction(report);
    }
    const markdown = reportMarkdown(report);
    fs.writeFileSync(files.markdown, markdown);
    if (opts.reportJson) await writeFileAtomic(opts.reportJson, JSON.stringify(report, null, 1) + '\n');
    if (opts.reportMarkdown) await writeFileAtomic(opts.reportMarkdown, markdown);
    return { report, markdown, files, job };
  } finally {
    fs.rmSync(specFile, { force: true });
    await platform.revokeToken(token.id).catch((err: unknown) => {
      say(`could not revoke the reproduction's token ${token.id} (it expires by itself): ${(err as Error).message}`);
    });
    platform.close();
  }
}
