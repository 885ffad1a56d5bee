import { isFinal, type Job, type LogStream } from '@genesis-lab/contract';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import * as React from 'react';
import { ConnectionBanner } from '../common/connection';
import { jobElapsedMs } from '@genesis-lab/contract/core';
import { formatDuration, formatTime } from '../common/format';
import { jobIcon } from '../common/icons';
import { useSignal } from '../common/useSignal';
import type { IGenesisClient, ILogTail } from '../tokens';
import type { JobDetailModel } from './jobDetailModel';
import { JobTimeline } from './timeline';
import { useNow } from './useNow';

export interface IJobDetailActions {
  resubmit(job: Job): void;
}

type Tab = 'log' | 'spec' | 'history';

/** A job in the main area: state, timeline, live log, spec, history; Cancel and Resubmit. */
export class JobDetailView extends ReactWidget {
  constructor(
    readonly model: JobDetailModel,
    private _client: IGenesisClient,
    private _actions: IJobDetailActions
  ) {
    super();
    this.id = `genesis-job-${model.id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
    this.addClass('jp-Genesis-jobDetail');
    this.title.icon = jobIcon;
    this.title.label = `Job ${model.id}`;
    this.title.closable = true;
    // Focusable, so that activating it moves the focus here (see onActivateRequest).
    this.node.tabIndex = -1;
    model.changed.connect(() => {
      if (model.job) this.title.label = `${model.job.spec.name} (${model.job.state})`;
    });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.model.dispose();
    super.dispose();
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (!this.model.job) void this.model.load();
  }

  /**
   * Closing the tab disposes the view and its live log subscription: a widget only detached would stay in the
   * tracker (and the restored layout's state), and opening the same job again would "find" it
   * and show nothing.
   */
  protected override onCloseRequest(msg: Message): void {
    super.onCloseRequest(msg);
    this.dispose();
  }

  /**
   * Take the focus when activated (opened or re-shown from the Jobs panel, a lineage chip):
   * the shell's current widget and this tracker's current view follow focus, and without it
   * "Cancel the Current Genesis Job" would cancel the job viewed before, not the one shown.
   */
  protected override onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    if (!this.node.contains(document.activeElement)) this.node.focus();
  }

  protected render(): React.ReactElement {
    return <JobDetail model={this.model} client={this._client} actions={this._actions} />;
  }
}

function JobDetail(props: { model: JobDetailModel; client: IGenesisClient; actions: IJobDetailActions }) {
  const { model, client, actions } = props;
  useSignal(model.changed);
  const [tab, setTab] = React.useState<Tab>('log');
  const job = model.job;
  const now = useNow(job !== null && !isFinal(job.state));
  return (
    <div className="jp-Genesis-jobDetailBody">
      <ConnectionBanner client={client} />
      {model.error && (
        <div className="jp-Genesis-error" role="alert">
          {model.error}
        </div>
      )}
      {!job && !model.error && <div className="jp-Genesis-muted">Loading job {model.id}…</div>}
      {job && (
        <>
          <header className="jp-Genesis-jobDetailHeader">
            <h1>
              {job.spec.name} <span className={`jp-Genesis-statePill jp-Genesis-state-${job.state}`}>{job.state}</span>
            </h1>
            <dl className="jp-Genesis-facts">
              <dt>Job</dt>
              <dd>
                <code>{job.id}</code>
                {job.nativeId && (
                  <>
                    {' '}
                    on {job.facility} as <code>{job.nativeId}</code>
                  </>
                )}
                {!job.nativeId && <> on {job.facility}</>}
              </dd>
              <dt>Elapsed</dt>
              <dd>{formatDuration(jobElapsedMs(job, now))}</dd>
              {job.exitCode !== null && (
                <>
                  <dt>Exit code</dt>
                  <dd data-exit-code={job.exitCode}>{job.exitCode}</dd>
                </>
              )}
              {(job.reason || job.nativeState) && (
                <>
                  <dt>Reason</dt>
                  <dd>
                    {job.reason ?? ''}
                    {job.nativeState && (
                      <span className="jp-Genesis-native" title="The scheduler's own words">
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
                  <dt>Message</dt>
                  <dd>{job.message}</dd>
                </>
              )}
            </dl>
            <div className="jp-Genesis-jobActions">
              {!isFinal(job.state) && (
                <button
                  className="jp-Button jp-mod-styled jp-mod-warn"
                  disabled={model.cancelling}
                  onClick={() => void model.cancel()}
                >
                  {model.cancelling ? 'Cancelling…' : 'Cancel'}
                </button>
              )}
              <button className="jp-Button jp-mod-styled" onClick={() => actions.resubmit(job)}>
                Resubmit…
              </button>
            </div>
            {model.actionError && (
              <div className="jp-Genesis-error" role="alert">
                {model.actionError}
              </div>
            )}
          </header>
          <JobTimeline job={job} now={now} />
          <div className="jp-Genesis-tabs" role="tablist" aria-label="Job details">
            {(['log', 'spec', 'history'] as Tab[]).map((t) => (
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
                  const order: Tab[] = ['log', 'spec', 'history'];
                  const i = order.indexOf(t);
                  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                    e.preventDefault();
                    const next = order[(i + (e.key === 'ArrowRight' ? 1 : order.length - 1)) % order.length]!;
                    setTab(next);
                    (
                      e.currentTarget.parentElement?.querySelector(
                        `#${CSS.escape(`${model.id}-tab-${next}`)}`
                      ) as HTMLElement
                    )?.focus();
                  }
                }}
              >
                {t === 'log' ? 'Log' : t === 'spec' ? 'Spec' : 'History'}
              </button>
            ))}
          </div>
          <div
            role="tabpanel"
            id={`${model.id}-panel-${tab}`}
            aria-labelledby={`${model.id}-tab-${tab}`}
            className="jp-Genesis-tabPanel"
          >
            {tab === 'log' && <Logs model={model} />}
            {tab === 'spec' && <pre className="jp-Genesis-json">{JSON.stringify(job.spec, null, 2)}</pre>}
            {tab === 'history' && <History job={job} />}
          </div>
        </>
      )}
    </div>
  );
}

function Logs(props: { model: JobDetailModel }) {
  const [stream, setStream] = React.useState<LogStream>('stdout');
  return (
    <div className="jp-Genesis-logs">
      <div className="jp-Genesis-logStreams" role="radiogroup" aria-label="Log stream">
        {(['stdout', 'stderr'] as LogStream[]).map((s) => (
          <label key={s}>
            <input
              type="radio"
              name={`${props.model.id}-stream`}
              checked={stream === s}
              onChange={() => setStream(s)}
            />{' '}
            {s}
          </label>
        ))}
      </div>
      <LogView key={stream} tail={props.model.tail(stream)} />
    </div>
  );
}

/** The live log; it stays scrolled to the end unless the user scrolled up to read. */
function LogView(props: { tail: ILogTail }) {
  const { tail } = props;
  useSignal(tail.changed);
  const ref = React.useRef<HTMLPreElement>(null);
  const stick = React.useRef(true);
  React.useLayoutEffect(() => {
    const pre = ref.current;
    if (pre && stick.current) pre.scrollTop = pre.scrollHeight;
  });
  return (
    <>
      {tail.startOffset > 0 && (
        <div className="jp-Genesis-muted">… showing the log from byte {tail.startOffset.toLocaleString('en-US')}</div>
      )}
      <pre
        ref={ref}
        className="jp-Genesis-log"
        data-stream={tail.stream}
        data-next-offset={tail.nextOffset}
        data-eof={tail.eof}
        tabIndex={0}
        aria-label={`${tail.stream} of job ${tail.jobId}`}
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
          <span className="jp-Genesis-muted">End of log.</span>
        ) : (
          <span className="jp-Genesis-live">
            <span className="jp-Genesis-liveDot" aria-hidden="true" /> live
          </span>
        )}
      </div>
    </>
  );
}

function History(props: { job: Job }) {
  return (
    <table className="jp-Genesis-table jp-Genesis-history">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Time</th>
          <th scope="col">State</th>
          <th scope="col">Reason</th>
          <th scope="col">Scheduler state</th>
          <th scope="col">Scheduler reason</th>
          <th scope="col">Exit</th>
          <th scope="col">Message</th>
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
