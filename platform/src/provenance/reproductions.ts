import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  GenesisError,
  JobSpec,
  OWNER,
  PROVENANCE_SCHEMA_VERSION,
  ReproducibilityReport,
  parseOrThrow,
  readCellProvenance,
  reproductionTokenRequest,
  type Principal,
  type ReproduceJobSpec,
  type ReproductionRequest,
  type ReproductionStarted
} from '@genesis-lab/contract';
import type { IdentityStore } from '../access/identity-store';
import type { Home } from '../home';
import type { JobService } from '../jobs/service';
import { writeFileAtomic } from '../util/atomic';
import { rebuildNotebook, withRunProvenance } from './notebook-rebuild';
import { REPRODUCTION_SPEC_FILE, type ReproductionCleanup } from './reproduction-cleanup';
import type { ProvenanceStore } from './store';

export interface ReproductionDeps {
  store: ProvenanceStore;
  jobs: () => JobService | undefined;
  home: Home;
  /** The program a reproduction job runs (the runner's `genesis-notebook.js`); `genesis serve` names it. */
  program: string | undefined;
  /** This platform's URL (known once listening); the job gets a token of its own. */
  self: () => { url: string } | undefined;
  /** Where the job looks for kernels (PlatformConfig.kernelEnvironments). */
  kernelEnvironments: readonly string[];
  /** Makes the reproduction's own token. */
  identity: IdentityStore;
  /** Ends a reproduction (spec removed, token revoked) when its job ends. */
  cleanup: ReproductionCleanup;
}

const notebookName = (name: string | undefined, recordedPath: string) =>
  name ?? (/\.ipynb$/.test(path.basename(recordedPath)) ? path.basename(recordedPath) : 'notebook.ipynb');

/**
 * `POST /api/provenance/runs/{runId}/reproductions`: what `genesis reproduce NOTEBOOK` does, as
 * a platform job the extension can start: the recorded notebook (the client's, or rebuilt from
 * the record) and a working copy in a folder of the home, the job's spec beside them (0600: it
 * holds the reproduction's own short-lived token, made for the caller), the job submitted, and a
 * first `running` report recorded so the report exists from the answer on. The job records the
 * report live and when it ends; ReproductionCleanup removes the spec and revokes the token then.
 */
export async function startReproduction(
  deps: ReproductionDeps,
  runId: string,
  request: ReproductionRequest,
  principal: Principal
): Promise<ReproductionStarted> {
  const jobs = deps.jobs();
  const self = deps.self();
  if (!deps.program || !jobs || !self)
    throw new GenesisError('unavailable', 'This platform cannot run reproductions (no notebook runner or no jobs)', {
      hint: 'Start the platform with `genesis serve`, or reproduce from the command line: genesis reproduce NOTEBOOK.ipynb'
    });
  const detail = deps.store.getRun(runId);
  const captured = deps.store.capturedExecutions(runId);
  if (!captured.length)
    throw new GenesisError('unprocessable', `Run ${runId} has no recorded executions: there is nothing to reproduce`);
  const notebook = request.notebook
    ? withRunProvenance(request.notebook, captured, self.url)
    : rebuildNotebook(captured, self.url);
  // Malformed tolerance metadata is refused here, naming the cell, before a job is started.
  notebook.cells.forEach((c, index) => {
    if (c.cell_type === 'code') readCellProvenance(c.metadata, { id: c.id, index });
  });

  if (request.directory && !fs.existsSync(request.directory))
    throw new GenesisError('validation_failed', `Invalid body at body.directory: ${request.directory} does not exist`);

  const reproductionId = randomUUID();
  const dir = deps.cleanup.dir(reproductionId);
  fs.mkdirSync(dir, { recursive: true });
  const name = notebookName(request.notebookName, detail.run.notebook.path);
  const expected = path.join(dir, `recorded-${name}`);
  const text = JSON.stringify(notebook, null, 1) + '\n';
  writeFileAtomic(expected, text);
  writeFileAtomic(path.join(dir, name), text);
  const originalExecutions: Record<string, string> = {};
  for (const e of detail.executions) originalExecutions[e.cellId] = e.executionId; // the last execution of each cell
  // The kernel is found in the configured environments (a job does not inherit VIRTUAL_ENV, and
  // the platform may have been started outside any).
  const prefixes = deps.kernelEnvironments.length
    ? [...deps.kernelEnvironments]
    : [process.env.VIRTUAL_ENV, process.env.CONDA_PREFIX].filter((p): p is string => !!p);
  const startedAt = new Date().toISOString();
  const spec: ReproduceJobSpec = {
    notebook: path.join(dir, name),
    expected,
    reportJson: path.join(dir, 'report.json'),
    reportMarkdown: path.join(dir, 'report.md'),
    platform: { url: self.url, token: '' },
    reproductionId,
    runId: randomUUID(),
    originalRunId: runId,
    notebookId: detail.run.notebook.id,
    notebookPath: detail.run.notebook.path,
    cwd: request.directory ?? process.cwd(),
    facility: request.facility,
    pins: detail.pins,
    ...(detail.run.project ? { project: detail.run.project } : {}),
    originalExecutions,
    ...(request.kernel ? { kernel: request.kernel } : {}),
    ...(request.cellTimeoutMs ? { cellTimeoutMs: request.cellTimeoutMs } : {}),
    ...(prefixes.length ? { kernelSearchPrefixes: prefixes } : {}),
    startedAt
  };
  const specFile = path.join(dir, REPRODUCTION_SPEC_FILE);
  // Its own token, remembered (by id) before the secret is written, so every way this ends revokes it.
  const token = deps.identity.createToken(principal, reproductionTokenRequest(reproductionId, principal.scopes));
  deps.cleanup.remember(reproductionId, { tokenId: token.id });
  spec.platform.token = token.token;
  writeFileAtomic(specFile, JSON.stringify(spec, null, 1), 0o600);

  // Recorded before the job starts: the job's own reports (live, final) then replace it.
  deps.store.putReproduction(
    ReproducibilityReport.parse({
      schemaVersion: PROVENANCE_SCHEMA_VERSION,
      reproductionId,
      originalRunId: runId,
      runId: spec.runId,
      notebook: { id: detail.run.notebook.id, path: detail.run.notebook.path },
      facility: request.facility,
      state: 'running',
      startedAt,
      pins: detail.pins.datasets,
      pinnedModels: detail.pins.models,
      unpinned: [],
      cells: [],
      summary: { total: 0, reproduced: 0, withinTolerance: 0, differs: 0, failed: 0, notRun: 0 },
      reproducible: false
    })
  );
  let submitted;
  try {
    submitted = await jobs.submissions.submit(
      parseOrThrow(
        JobSpec,
        {
          name: `reproduce ${name}`,
          facility: request.facility,
          executable: process.execPath,
          arguments: [deps.program, 'reproduce-job', specFile],
          directory: dir,
          tags: { genesis: 'reproduction', reproductionId, runId }
        },
        'reproduction job'
      ),
      principal,
      `reproduce-${reproductionId}`
    );
  } catch (err) {
    deps.cleanup.end(
      reproductionId,
      undefined,
      `the reproduction job could not be submitted: ${(err as Error).message}`
    );
    throw err;
  }
  const { job } = submitted;
  deps.cleanup.noteJob(reproductionId, jobs.reads.get(job.id, OWNER));
  return { reproductionId, jobId: job.id, directory: dir };
}
