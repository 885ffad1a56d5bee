import { isFinal, type Job, type LogStream } from '@genesis-lab/contract';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, ToolbarButtonComponent, UseSignal, VDomRenderer } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { Message } from '@lumino/messaging';
import * as React from 'react';
import { CommandIds } from '../commands';
import { ConnectionBanner } from '../common/connection';
import { formatDuration, formatTime } from '../common/format';
import { jobIcon } from '../common/icons';
import type { IGenesisClient, ILogTail } from '../tokens';
import type { JobDetailModel } from './jobDetailModel';
// TODO(core): job elapsed time moves into the contract's zod-free core; call it from there.
import { elapsedMs } from './jobsPanel';
import { JobTimeline } from './timeline';
import { useNow } from './useNow';

type Tab = 'log' | 'spec' | 'history';
const TABS: readonly Tab[] = ['log', 'spec', 'history'];
const STREAMS: readonly LogStream[] = ['stdout', 'stderr'];

/**
 * A job in the main area, as JupyterLab shows documents: a `MainAreaWidget` whose toolbar has
 * Cancel and Resubmit (the palette commands, so Cancel asks for confirmation either way);
 * closing the tab disposes the view, its model and its live log subscriptions; activating it
 * focuses the content, so "the current job" is the one on screen.
 */
export class JobDetailView extends MainAreaWidget<JobDetail> {
  constructor(model: JobDetailModel, client: IGenesisClient, commands: CommandRegistry, trans: TranslationBundle) {
    super({ content: new JobDetail(model, client, trans) });
    this.id = `genesis-job-${model.id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
    this.addClass('jp-Genesis-jobView');
    const args = { id: model.id };
    this.toolbar.addItem(
      'cancel',
      ReactWidget.create(
        <UseSignal signal={model.stateChanged} initialSender={model}>
          {() =>
            model.job && !isFinal(model.job.state) ? (
              <ToolbarButtonComponent
                className="jp-Genesis-cancelJob"
                label={model.cancelling ? trans.__('Cancelling…') : trans.__('Cancel')}
                tooltip={trans.__('Cancel this job (asks first)')}
                enabled={!model.cancelling}
                onClick={() => void commands.execute(CommandIds.cancelJob, args)}
              />
            ) : null
          }
        </UseSignal>
      )
    );
    this.toolbar.addItem(
      'resubmit',
      ReactWidget.create(
        <ToolbarButtonComponent
          className="jp-Genesis-resubmitJob"
          label={trans.__('Resubmit…')}
          tooltip={trans.__('Open the submit form filled with this job’s spec')}
          onClick={() => void commands.execute(CommandIds.resubmitJob, args)}
        />
      )
    );
  }
}

/** What the job view shows: state, timeline, live log, spec, history. Renders the model. */
export class JobDetail extends VDomRenderer<JobDetailModel> {
  constructor(
    model: JobDetailModel,
    private _client: IGenesisClient,
    private _trans: TranslationBundle
  ) {
    super(model);
    this.addClass('jp-Genesis-jobDetail');
    this.title.icon = jobIcon;
    this.title.label = _trans.__('Job %1', model.id);
    model.stateChanged.connect(() => {
      if (model.job) this.title.label = `${model.job.spec.name} (${model.job.state})`;
    });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    const model = this.model;
    super.dispose();
    model.dispose();
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (!this.model.job) void this.model.load();
  }

  protected render(): React.ReactElement {
    return <JobDetailBody model={this.model} client={this._client} trans={this._trans} />;
  }
}

function JobDetailBody(props: { model: JobDetailModel; client: IGenesisClient; trans: TranslationBundle }) {
  const { model, client, trans } = props;
  const [tab, setTab] = React.useState<Tab>('log');
  const job = model.job;
  const now = useNow(job !== null && !isFinal(job.state));
  const tabLabel = (t: Tab) => (t === 'log' ? trans.__('Log') : t === 'spec' ? trans.__('Spec') : trans.__('History'));
  return (
    <div className="jp-Genesis-jobDetailBody">
      <ConnectionBanner client={client} trans={trans} />
      {model.error && (
        <div className="jp-Genesis-error" role="alert">
          {model.error}
        </div>
      )}
      {!job && !model.error && <div className="jp-Genesis-muted">{trans.__('Loading job %1…', model.id)}</div>}
      {job && (
        <>
          <header className="jp-Genesis-jobDetailHeader">
            <h1>
              {job.spec.name} <span className={`jp-Genesis-statePill jp-Genesis-state-${job.state}`}>{job.state}</span>
            </h1>
            <dl className="jp-Genesis-facts">
              <dt>{trans.__('Job')}</dt>
              <dd>
                <code>{job.id}</code>{' '}
                {job.nativeId ? (
                  <>
                    {trans.__('on %1 as', job.facility)} <code>{job.nativeId}</code>
                  </>
                ) : (
                  trans.__('on %1', job.facility)
                )}
              </dd>
              <dt>{trans.__('Elapsed')}</dt>
              <dd>{formatDuration(elapsedMs(job, now))}</dd>
              {job.exitCode !== null && (
                <>
                  <dt>{trans.__('Exit code')}</dt>
                  <dd data-exit-code={job.exitCode}>{job.exitCode}</dd>
                </>
              )}
              {(job.reason || job.nativeState) && (
                <>
                  <dt>{trans.__('Reason')}</dt>
                  <dd>
                    {job.reason ?? ''}
                    {job.nativeState && (
                      <span className="jp-Genesis-native" title={trans.__('The scheduler’s own words')}>
                        {' '}
                        {job.nativeState}
                        {job.nativeReason ? ` (${job.nativeReason})` : ''}
                      </span>
                    )}
                  </dd>
                </>
              )}
              {job.message && (
                <>
                  <dt>{trans.__('Message')}</dt>
                  <dd>{job.message}</dd>
                </>
              )}
            </dl>
            {model.cancelError && (
              <div className="jp-Genesis-error" role="alert">
                {trans.__('Cancel failed: %1', model.cancelError)}
              </div>
            )}
          </header>
          <JobTimeline job={job} now={now} trans={trans} />
          <div className="jp-Genesis-tabs" role="tablist" aria-label={trans.__('Job details')}>
            {TABS.map((t) => (
              <button
                key={t}
                role="tab"
                id={`${model.id}-tab-${t}`}
                aria-selected={tab === t}
                aria-controls={`${model.id}-panel-${t}`}
                tabIndex={tab === t ? 0 : -1}
                className={`jp-Genesis-tab${tab === t ? ' jp-mod-active' : ''}`}
                onClick={() => setTab(t)}
                onKeyDown={(e) => {
                  const i = TABS.indexOf(t);
                  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                    e.preventDefault();
                    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
                    setTab(next);
                    (
                      e.currentTarget.parentElement?.querySelector(
                        `#${CSS.escape(`${model.id}-tab-${next}`)}`
                      ) as HTMLElement
                    )?.focus();
                  }
                }}
              >
                {tabLabel(t)}
              </button>
            ))}
          </div>
          <div
            role="tabpanel"
            id={`${model.id}-panel-${tab}`}
            aria-labelledby={`${model.id}-tab-${tab}`}
            className="jp-Genesis-tabPanel"
          >
            {tab === 'log' && <Logs model={model} trans={trans} />}
            {tab === 'spec' && <pre className="jp-Genesis-json">{JSON.stringify(job.spec, null, 2)}</pre>}
            {tab === 'history' && <History job={job} trans={trans} />}
          </div>
        </>
      )}
    </div>
  );
}

/** The log streams (stdout, stderr) as radio buttons over the live log of the one shown. */
function Logs(props: { model: JobDetailModel; trans: TranslationBundle }) {
  const { model, trans } = props;
  const stream = model.stream;
  return (
    <div className="jp-Genesis-logs">
      <div className="jp-Genesis-logStreams" role="radiogroup" aria-label={trans.__('Log stream')}>
        {STREAMS.map((s) => (
          <label key={s}>
            <input
              type="radio"
              name={`${model.id}-stream`}
              value={s}
              checked={stream === s}
              onChange={() => model.selectStream(s)}
            />{' '}
            {s}
          </label>
        ))}
      </div>
      <LogView key={stream} tail={model.tail(stream)} trans={trans} />
    </div>
  );
}

/** The live log; it stays scrolled to the end unless the user scrolled up to read. */
function LogView(props: { tail: ILogTail; trans: TranslationBundle }) {
  const { tail, trans } = props;
  return (
    <UseSignal signal={tail.changed} initialSender={tail}>
      {() => <LogText tail={tail} trans={trans} />}
    </UseSignal>
  );
}

function LogText(props: { tail: ILogTail; trans: TranslationBundle }) {
  const { tail, trans } = props;
  const ref = React.useRef<HTMLPreElement>(null);
  const stick = React.useRef(true);
  React.useLayoutEffect(() => {
    const pre = ref.current;
    if (pre && stick.current) pre.scrollTop = pre.scrollHeight;
  });
  return (
    <>
      {tail.startOffset > 0 && (
        <div className="jp-Genesis-muted">
          {trans.__('… showing the log from byte %1', tail.startOffset.toLocaleString('en-US'))}
        </div>
      )}
      <pre
        ref={ref}
        className="jp-Genesis-log"
        data-stream={tail.stream}
        data-next-offset={tail.nextOffset}
        data-eof={tail.eof}
        tabIndex={0}
        aria-label={trans.__('%1 of job %2', tail.stream, tail.jobId)}
        aria-live="off"
        onScroll={(e) => {
          const p = e.currentTarget;
          stick.current = p.scrollHeight - p.scrollTop - p.clientHeight < 24;
        }}
      >
        {tail.text}
      </pre>
      <div className="jp-Genesis-logStatus" aria-live="polite">
        {tail.error ? (
          <span className="jp-Genesis-error">{tail.error}</span>
        ) : tail.eof ? (
          <span className="jp-Genesis-muted">{trans.__('End of log.')}</span>
        ) : (
          <span className="jp-Genesis-live">
            <span className="jp-Genesis-liveDot" aria-hidden="true" /> {trans.__('live')}
          </span>
        )}
      </div>
    </>
  );
}

function History(props: { job: Job; trans: TranslationBundle }) {
  const { trans } = props;
  return (
    <table className="jp-Genesis-table jp-Genesis-history">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">{trans.__('Time')}</th>
          <th scope="col">{trans.__('State')}</th>
          <th scope="col">{trans.__('Reason')}</th>
          <th scope="col">{trans.__('Scheduler state')}</th>
          <th scope="col">{trans.__('Scheduler reason')}</th>
          <th scope="col">{trans.__('Exit')}</th>
          <th scope="col">{trans.__('Message')}</th>
        </tr>
      </thead>
      <tbody>
        {props.job.history.map((e) => (
          <tr key={e.seq} data-state={e.state}>
            <td>{e.seq}</td>
            <td>{formatTime(e.at)}</td>
            <td>
              <span className={`jp-Genesis-statePill jp-Genesis-state-${e.state}`}>{e.state}</span>
            </td>
            <td>{e.reason ?? ''}</td>
            <td>
              <code>{e.nativeState ?? ''}</code>
            </td>
            <td>
              <code>{e.nativeReason ?? ''}</code>
            </td>
            <td>{e.exitCode ?? ''}</td>
            <td>{e.message ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
