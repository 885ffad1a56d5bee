import type { ReproducibilityReport } from '@genesis-lab/contract';
import { formatDuration, type StaleFlag } from '@genesis-lab/contract/core';
import type { TranslationBundle } from '@jupyterlab/translation';
import { VDomRenderer } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import * as React from 'react';
import { ConnectionBanner } from '../common/connection';
import { formatTime, shortDigest } from '../common/format';
import type { IGenesisClient } from '../tokens';
import type { IExecutionRow, ProvenancePanelModel } from './panelModel';

/** What the panel's buttons and links do (the plugin runs the app's commands). */
export interface IProvenanceActions {
  openDataset(ref: string): void;
  openJob(id: string): void;
  openGraph(): void;
  exportCrate(): void;
  exportProv(): void;
  sendNow(): void;
  /** Reproduce the run on the default facility (the command reads the setting). */
  reproduce(): void;
}

/** The words of a staleness flag (the contract's rule decides; this only says it). */
export function flagText(trans: TranslationBundle, flag: StaleFlag): string {
  switch (flag.kind) {
    case 'out-of-order':
      return trans._n(
        'ran before %2 cell above it ran',
        'ran before %2 cells above it ran',
        flag.cells.length,
        flag.cells.length
      );
    case 'upstream-rerun':
      return trans._n(
        '%2 cell above it ran again later',
        '%2 cells above it ran again later',
        flag.cells.length,
        flag.cells.length
      );
    case 'upstream-not-run':
      return trans._n(
        '%2 cell above it never ran',
        '%2 cells above it never ran',
        flag.cells.length,
        flag.cells.length
      );
    case 'edited-after-run':
      return trans.__('edited after it ran');
    case 'removed':
      return trans.__('no longer in the notebook');
  }
}

/**
 * The Provenance sidebar: the current notebook's run, each executed cell in execution order with
 * its code version, duration, outcome, the dataset versions and jobs it used and its staleness;
 * the run's newest reproduction report; export buttons. It renders `ProvenancePanelModel` only.
 */
export class ProvenancePanel extends VDomRenderer<ProvenancePanelModel> {
  constructor(
    model: ProvenancePanelModel,
    private _client: IGenesisClient,
    private _trans: TranslationBundle,
    private _actions: IProvenanceActions
  ) {
    super(model);
    this.addClass('jp-Genesis-provenance');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', _trans.__('Genesis provenance'));
  }

  protected override onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    if (!this.node.contains(document.activeElement)) this.node.querySelector<HTMLElement>('button, select')?.focus();
  }

  protected render(): React.ReactElement {
    const { model, _trans: trans, _actions: actions } = this;
    const run = model.run;
    const queue = model.queue;
    return (
      <div className="jp-Genesis-provenanceBody">
        <div className="jp-Genesis-jobsHeader">
          <h2 className="jp-Genesis-panelTitle">{trans.__('Provenance')}</h2>
          <button className="jp-Button jp-mod-styled" onClick={() => void model.refresh()} disabled={model.loading}>
            {trans.__('Refresh')}
          </button>
        </div>
        <ConnectionBanner client={this._client} trans={trans} />
        {queue && (queue.pending > 0 || queue.lastError || queue.rejected > 0) && (
          <div className="jp-Genesis-provenanceQueue" role="status" data-pending={queue.pending}>
            {queue.pending > 0 && (
              <span>
                {trans._n(
                  '%2 execution waits to be recorded',
                  '%2 executions wait to be recorded',
                  queue.pending,
                  queue.pending
                )}
                {queue.lastError ? ` (${queue.lastError})` : ''}{' '}
                <button className="jp-Button jp-mod-styled jp-mod-small" onClick={actions.sendNow}>
                  {trans.__('Send now')}
                </button>
              </span>
            )}
            {queue.rejected > 0 && (
              <span className="jp-Genesis-error">
                {trans._n(
                  '%2 execution was refused: %3',
                  '%2 executions were refused: %3',
                  queue.rejected,
                  queue.rejected,
                  queue.lastRejection ?? ''
                )}
              </span>
            )}
          </div>
        )}
        {model.error && (
          <div className="jp-Genesis-error" role="alert">
            {model.error}
          </div>
        )}
        {!model.notebook ? (
          <p className="jp-Genesis-empty">{trans.__('Open a notebook to see what its cells ran on.')}</p>
        ) : !run ? (
          <p className="jp-Genesis-empty">
            {model.loading
              ? trans.__('Loading…')
              : trans.__('Nothing recorded for %1 yet: run a cell and it appears here.', model.notebook.path)}
          </p>
        ) : (
          <>
            <div className="jp-Genesis-provenanceRun" data-run-id={run.run.runId}>
              {model.runs.length > 1 ? (
                <label>
                  {trans.__('Run')}{' '}
                  <select value={run.run.runId} onChange={(e) => model.selectRun(e.currentTarget.value)}>
                    {model.runs.map((r) => (
                      <option key={r.runId} value={r.runId}>
                        {formatTime(r.startedAt)} ·{' '}
                        {trans._n('%2 execution', '%2 executions', r.executions, r.executions)}
                      </option>
                    ))}
                  </select>
                </label>
              ) : (
                <span>{trans.__('Run of %1', formatTime(run.run.startedAt))}</span>
              )}
              <div className="jp-Genesis-provenanceMeta">
                {trans.__(
                  'Kernel %1',
                  `${run.run.kernel.name}${run.run.kernel.version ? ` ${run.run.kernel.version}` : ''}`
                )}
                {' · '}
                {trans._n('%2 execution', '%2 executions', run.run.executions, run.run.executions)}
                {run.run.failed > 0 && ` · ${trans._n('%2 failed', '%2 failed', run.run.failed, run.run.failed)}`}
                {' · '}
                {Object.keys(run.pins.models).length
                  ? trans.__(
                      'Models: %1',
                      Object.entries(run.pins.models)
                        .map(([id, p]) => `${id}@${p.version}`)
                        .join(', ')
                    )
                  : trans.__('No model versions used')}
              </div>
              <div className="jp-Genesis-provenanceActions">
                <button className="jp-Button jp-mod-styled jp-mod-accept" onClick={actions.openGraph}>
                  {trans.__('Lineage graph')}
                </button>
                <button className="jp-Button jp-mod-styled" onClick={actions.exportCrate}>
                  {trans.__('Export RO-Crate')}
                </button>
                <button className="jp-Button jp-mod-styled" onClick={actions.exportProv}>
                  {trans.__('Export PROV-JSON')}
                </button>
                <button
                  className="jp-Button jp-mod-styled jp-Genesis-reproduceButton"
                  onClick={actions.reproduce}
                  disabled={!model.canReproduce}
                  title={trans.__('Re-run this notebook headless with every dataset pinned to the recorded version')}
                >
                  {trans.__('Reproduce')}
                </button>
              </div>
            </div>
            {model.reproduceError && (
              <div className="jp-Genesis-error jp-Genesis-reproduceError" role="alert">
                {trans.__('Reproduce refused: %1', model.reproduceError)}
              </div>
            )}
            {model.reproducing && <Progress model={model} trans={trans} />}
            {model.jobEndedEarly && (
              <div className="jp-Genesis-error jp-Genesis-reproduceEnded" role="alert">
                {trans.__(
                  'The reproduction job %1 ended %2 before it finished its report.',
                  model.jobEndedEarly.jobId,
                  model.jobEndedEarly.state
                )}{' '}
                <button className="jp-Genesis-linkButton" onClick={() => actions.openJob(model.jobEndedEarly!.jobId)}>
                  {trans.__('Show the job')}
                </button>
              </div>
            )}
            {model.report && <Report report={model.report} trans={trans} />}
            <ol className="jp-Genesis-provenanceCells" aria-label={trans.__('Executed cells, in execution order')}>
              {model.rows.map((row) => (
                <Row key={row.execution.executionId} row={row} trans={trans} actions={actions} />
              ))}
            </ol>
          </>
        )}
      </div>
    );
  }
}

function Row(props: { row: IExecutionRow; trans: TranslationBundle; actions: IProvenanceActions }) {
  const { row, trans, actions } = props;
  const e = row.execution;
  const stale = row.flags.length > 0;
  const firstLine = e.code.split('\n').find((l) => l.trim()) ?? '';
  return (
    <li
      className={`jp-Genesis-provenanceCell${e.success ? '' : ' jp-mod-failed'}${stale ? ' jp-mod-stale' : ''}${row.superseded ? ' jp-mod-superseded' : ''}`}
      data-cell-id={e.cellId}
      data-success={String(e.success)}
      data-stale={String(stale)}
    >
      <div className="jp-Genesis-provenanceCellHead">
        <span className="jp-Genesis-provenanceCount">[{e.executionCount ?? ' '}]</span>
        <span className="jp-Genesis-provenanceStatus" data-status={e.success ? 'ok' : 'failed'}>
          {e.success ? trans.__('ok') : trans.__('failed')}
        </span>
        <span title={trans.__('Duration')}>{formatDuration(row.durationMs)}</span>
        <code title={trans.__('Code version (sha256 of the code)')}>{shortDigest(e.codeSha256, 8)}</code>
        <span className="jp-Genesis-provenanceCellNo">{trans.__('cell %1', e.cellIndex + 1)}</span>
      </div>
      <code className="jp-Genesis-provenanceCode">{firstLine}</code>
      {!e.success && e.error && (
        <div className="jp-Genesis-provenanceError" title={e.error}>
          {errorLine(e.error)}
        </div>
      )}
      {row.datasets.length > 0 && (
        <ul className="jp-Genesis-provenanceUses" aria-label={trans.__('Dataset versions used')}>
          {row.datasets.map((d) => (
            <li key={`${d.id}@${d.version}`}>
              <button
                className="jp-Genesis-linkButton"
                data-dataset={`${d.id}@${d.version}`}
                onClick={() => actions.openDataset(`${d.id}@${d.version}`)}
                title={trans.__('sha256 %1', d.sha256)}
              >
                {d.id}@{d.version}
              </button>{' '}
              <code>{shortDigest(d.sha256, 8)}</code>
            </li>
          ))}
        </ul>
      )}
      {row.jobs.length > 0 && (
        <ul className="jp-Genesis-provenanceUses" aria-label={trans.__('Jobs')}>
          {row.jobs.map((j) => (
            <li key={`${j.jobId}-${j.action}`}>
              <button className="jp-Genesis-linkButton" data-job={j.jobId} onClick={() => actions.openJob(j.jobId)}>
                {trans.__('job %1 (%2)', j.name, j.action)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {stale && (
        <ul className="jp-Genesis-provenanceFlags" aria-label={trans.__('Why the result may be stale')}>
          {row.flags.map((f) => (
            <li key={f.kind} data-flag={f.kind}>
              {trans.__('Stale: %1', flagText(trans, f))}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** The line of an error that says what went wrong (tslab's stderr starts with where: "evalmachine.<anonymous>:2"). */
export function errorLine(error: string): string {
  const lines = error
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^([A-Za-z_$][\w$]*)?(Error|Exception)\b/.test(l)) ?? lines[0] ?? '';
}

/** The live line while a reproduction runs: the job's state and how many cells were compared. */
function Progress(props: { model: ProvenancePanelModel; trans: TranslationBundle }) {
  const { model, trans } = props;
  const started = model.started;
  const progress = model.progress;
  return (
    <div className="jp-Genesis-reproduceProgress" role="status" aria-live="polite">
      <span className="jp-Genesis-liveDot" aria-hidden="true" />
      <span>
        {model.starting
          ? trans.__('Starting the reproduction…')
          : started
            ? trans.__(
                'Reproducing as job %1 (%2): %3 of %4 cells done',
                started.started.jobId,
                started.jobState ?? trans.__('submitted'),
                progress?.done ?? 0,
                progress?.total ?? 0
              )
            : trans.__('Reproducing: %1 of %2 cells done', progress?.done ?? 0, progress?.total ?? 0)}
      </span>
      {progress && progress.total > 0 && (
        <progress max={progress.total} value={progress.done} aria-label={trans.__('Cells done')} />
      )}
    </div>
  );
}

/** The words of a cell's outcome in a report. */
export function outcomeText(
  trans: TranslationBundle,
  status: ReproducibilityReport['cells'][number]['status']
): string {
  switch (status) {
    case 'reproduced':
      return trans.__('reproduced exactly');
    case 'within-tolerance':
      return trans.__('reproduced within tolerance');
    case 'differs':
      return trans.__('differs');
    case 'failed':
      return trans.__('failed');
    case 'not-run':
      return trans.__('not run');
  }
}

function Report(props: { report: ReproducibilityReport; trans: TranslationBundle }) {
  const { report, trans } = props;
  const s = report.summary;
  return (
    <details
      open={report.state === 'running' || !report.reproducible}
      className="jp-Genesis-provenanceReport"
      data-state={report.state}
      data-reproducible={String(report.reproducible)}
      data-reproduction={report.reproductionId}
    >
      <summary>
        {report.state === 'running'
          ? trans.__('Reproduction running: %1 of %2 cells compared', s.total - s.notRun, s.total)
          : report.reproducible
            ? trans.__('Reproduced: all %1 cells', s.total)
            : trans.__(
                'Reproduction: %1 reproduced, %2 within tolerance, %3 differ, %4 failed, %5 not run',
                s.reproduced,
                s.withinTolerance,
                s.differs,
                s.failed,
                s.notRun
              )}
      </summary>
      {report.message && <p className="jp-Genesis-reproduceMessage">{report.message}</p>}
      {report.originalRunId === null && (
        <p className="jp-Genesis-reproduceMessage">
          {trans.__('The notebook never ran with Genesis: nothing was pinned, the latest versions were used.')}
        </p>
      )}
      {report.unpinned.length > 0 && (
        <p className="jp-Genesis-reproduceMessage">
          {trans.__(
            'Not recorded by the run, so resolved to the latest version: %1',
            report.unpinned.map((u) => `${u.ref} → ${u.id}@${u.version}`).join(', ')
          )}
        </p>
      )}
      <ol>
        {report.cells.map((c) => (
          <li key={c.cellId} data-status={c.status} data-cell={c.cellId}>
            {trans.__('cell %1: %2', c.cellIndex + 1, outcomeText(trans, c.status))}
            {c.status === 'differs' && <pre className="jp-Genesis-reproduceDiff">{c.diff}</pre>}
            {c.status === 'within-tolerance' &&
              ` (${trans.__('largest difference %1 absolute, %2 relative', c.maxAbsDiff, c.maxRelDiff)})`}
            {c.status === 'not-run' && ` (${c.reason})`}
            {c.status === 'failed' && <pre className="jp-Genesis-reproduceError">{c.error}</pre>}
          </li>
        ))}
      </ol>
    </details>
  );
}
