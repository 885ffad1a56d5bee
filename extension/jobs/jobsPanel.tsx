import { isFinal, type FacilityInfo, type Job, type JobSpecInput } from '@genesis-lab/contract';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import { Signal } from '@lumino/signaling';
import * as React from 'react';
import { ConnectionBanner } from '../common/connection';
import { jobElapsedMs } from '@genesis-lab/contract/core';
import { formatDuration } from '../common/format';
import { useSignal } from '../common/useSignal';
import type { IGenesisClient } from '../tokens';
import type { JobsModel } from './jobsModel';
import { SubmitForm } from './submitForm';
import { useNow } from './useNow';

export interface IJobsActions {
  open(job: Job): void;
}

/**
 * The Jobs sidebar: facilities with health and queues, a submit form, and the job list,
 * all rendered from `JobsModel`, which push events keep current.
 */
export class JobsPanel extends ReactWidget {
  constructor(
    readonly model: JobsModel,
    private _client: IGenesisClient,
    private _actions: IJobsActions,
    private _defaultFacility: () => string
  ) {
    super();
    this.addClass('jp-Genesis-jobs');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'Genesis jobs');
  }

  /** Open the submit form, optionally prefilled (Resubmit), and focus it. */
  showSubmitForm(initial?: JobSpecInput): void {
    this._form = { open: true, initial, key: this._form.key + 1 };
    this._formChanged.emit();
    // Focus through an activate request: handled after any activation already queued.
    this._focusForm = true;
    this.activate();
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.model.start();
  }

  /** Activating the panel puts the focus on its first control (keyboard users start there). */
  protected override onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    if (this._focusForm) {
      this._focusForm = false;
      this._focusWhenRendered('.jp-Genesis-submitForm input[name="executable"]');
    } else if (!this.node.contains(document.activeElement)) {
      this._focusWhenRendered('button');
    }
  }

  /** React renders a new panel (or the opened form) a frame or two later. */
  private _focusWhenRendered(selector: string, frames = 30): void {
    const target = this.node.querySelector<HTMLElement>(selector);
    if (target) target.focus();
    else if (frames > 0) requestAnimationFrame(() => this._focusWhenRendered(selector, frames - 1));
  }

  protected render(): React.ReactElement {
    return (
      <JobsView
        model={this.model}
        client={this._client}
        actions={this._actions}
        defaultFacility={this._defaultFacility}
        form={() => this._form}
        formChanged={this._formChanged}
        toggleForm={() => {
          // "New job" opens the form as the palette command does: focus on its first field.
          if (!this._form.open) return this.showSubmitForm();
          this._form = { ...this._form, open: false, initial: undefined, key: this._form.key + 1 };
          this._formChanged.emit();
        }}
      />
    );
  }

  private _form: { open: boolean; initial?: JobSpecInput; key: number } = { open: false, key: 0 };
  private _formChanged = new Signal<this, void>(this);
  private _focusForm = false;
}

function JobsView(props: {
  model: JobsModel;
  client: IGenesisClient;
  actions: IJobsActions;
  defaultFacility: () => string;
  form: () => { open: boolean; initial?: JobSpecInput; key: number };
  formChanged: Signal<JobsPanel, void>;
  toggleForm: () => void;
}) {
  const { model, client, actions } = props;
  useSignal(model.changed);
  useSignal(props.formChanged);
  const form = props.form();
  return (
    <div className="jp-Genesis-jobsBody">
      <div className="jp-Genesis-jobsHeader">
        <h2 className="jp-Genesis-panelTitle">Genesis jobs</h2>
        <button
          className={`jp-Button jp-mod-styled${form.open ? '' : ' jp-mod-accept'}`}
          aria-expanded={form.open}
          onClick={props.toggleForm}
        >
          {form.open ? 'Close form' : 'New job'}
        </button>
      </div>
      <ConnectionBanner client={client} />
      {form.open && (
        <SubmitForm
          key={form.key}
          client={client}
          facilities={model.facilities}
          defaultFacility={props.defaultFacility()}
          initial={form.initial}
          onSubmitted={(job) => model.upsert(job)}
        />
      )}
      <Facilities facilities={model.facilities} error={model.facilitiesError} />
      <JobList model={model} actions={actions} />
    </div>
  );
}

function Facilities(props: { facilities: readonly FacilityInfo[]; error: string | null }) {
  return (
    <details className="jp-Genesis-facilities" open>
      <summary>Facilities</summary>
      {props.error && (
        <div className="jp-Genesis-error" role="alert">
          {props.error}
        </div>
      )}
      <ul className="jp-Genesis-facilityList">
        {props.facilities.map((f) => (
          <li key={f.name} className="jp-Genesis-facility" data-facility={f.name} data-healthy={f.healthy}>
            <span
              className={`jp-Genesis-health ${f.healthy ? 'jp-mod-healthy' : 'jp-mod-unhealthy'}`}
              role="img"
              aria-label={f.healthy ? 'healthy' : 'unhealthy'}
              title={f.message ?? (f.healthy ? 'healthy' : 'unhealthy')}
            />
            <span className="jp-Genesis-facilityName">{f.title || f.name}</span>
            <span className="jp-Genesis-muted">{f.kind}</span>
            <span className="jp-Genesis-queue" title="queued / held / running">
              {f.queue.queued} queued · {f.queue.held} held · {f.queue.active} running
            </span>
            {!f.healthy && f.message && <div className="jp-Genesis-facilityMessage">{f.message}</div>}
          </li>
        ))}
      </ul>
    </details>
  );
}

function JobList(props: { model: JobsModel; actions: IJobsActions }) {
  const { model, actions } = props;
  const jobs = model.jobs;
  const now = useNow(jobs.some((j) => !isFinal(j.state)));
  const listRef = React.useRef<HTMLUListElement>(null);
  const [active, setActive] = React.useState(0);
  const activeIndex = Math.min(active, Math.max(0, jobs.length - 1));

  const onKeyDown = (e: React.KeyboardEvent) => {
    const items = Array.from(listRef.current?.querySelectorAll<HTMLElement>('[role="option"]') ?? []);
    const index = items.indexOf(document.activeElement as HTMLElement);
    if (index < 0) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      items[Math.max(0, Math.min(items.length - 1, index + (e.key === 'ArrowDown' ? 1 : -1)))]?.focus();
    } else if (e.key === 'Enter' && jobs[index]) {
      e.preventDefault();
      actions.open(jobs[index]!);
    }
  };

  return (
    <section className="jp-Genesis-jobList" aria-label="Jobs" aria-busy={model.loading}>
      {model.error && (
        <div className="jp-Genesis-error" role="alert">
          {model.error}
        </div>
      )}
      {model.loaded && jobs.length === 0 && (
        <div className="jp-Genesis-empty">No jobs yet. Submit one with “New job”.</div>
      )}
      <ul
        ref={listRef}
        className="jp-Genesis-jobs"
        role="listbox"
        aria-label="Jobs, newest first (Enter opens)"
        onKeyDown={onKeyDown}
        onFocus={(e) => {
          const i = jobs.findIndex((j) => j.id === (e.target as HTMLElement).dataset.jobId);
          if (i >= 0 && i !== active) setActive(i);
        }}
      >
        {jobs.map((job, i) => (
          <li
            key={job.id}
            className="jp-Genesis-jobRow"
            role="option"
            aria-selected={i === activeIndex}
            tabIndex={i === activeIndex ? 0 : -1}
            data-job-id={job.id}
            data-state={job.state}
            onClick={() => actions.open(job)}
          >
            <span className={`jp-Genesis-statePill jp-Genesis-state-${job.state}`}>{job.state}</span>
            <span className="jp-Genesis-jobName" title={job.spec.executable + ' ' + job.spec.arguments.join(' ')}>
              {job.spec.name}
            </span>
            <span className="jp-Genesis-jobFacility">{job.facility}</span>
            <span className="jp-Genesis-jobTimes">
              <span className="jp-Genesis-jobElapsed" title="elapsed">
                {formatDuration(jobElapsedMs(job, now))}
              </span>
              {job.exitCode !== null && (
                <span className="jp-Genesis-jobExit" title="exit code">
                  exit {job.exitCode}
                </span>
              )}
            </span>
            {job.reason && job.state !== 'COMPLETED' && (
              <span className="jp-Genesis-jobReason" title="reason">
                {job.reason}
              </span>
            )}
          </li>
        ))}
      </ul>
      {model.loaded && model.hasOlder && <OlderJobs model={model} />}
    </section>
  );
}

/**
 * The end of the loaded pages: a button that appends the next older page, a live status while
 * it loads and the reason when it failed (the button then retries). The button stays enabled
 * (aria-disabled while loading) so keyboard focus stays on it from page to page.
 */
function OlderJobs(props: { model: JobsModel }) {
  const { model } = props;
  const busy = model.loadingOlder;
  return (
    <div className="jp-Genesis-olderJobs" aria-busy={busy}>
      {model.olderError && (
        <div className="jp-Genesis-error" role="alert">
          Could not load older jobs: {model.olderError}
        </div>
      )}
      <div className="jp-Genesis-more">
        <button
          className="jp-Button jp-mod-styled"
          aria-disabled={busy}
          onClick={() => {
            if (!busy) void model.loadOlder();
          }}
        >
          Show older jobs
        </button>
        <span className="jp-Genesis-muted jp-Genesis-olderStatus" role="status" aria-live="polite">
          {busy ? ' Loading older jobs…' : ''}
        </span>
      </div>
    </div>
  );
}
