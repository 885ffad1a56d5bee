import { isFinal, type FacilityInfo, type Job, type JobSpecInput } from '@genesis-lab/contract';
import type { TranslationBundle } from '@jupyterlab/translation';
import { VDomRenderer } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import * as React from 'react';
import { ConnectionBanner } from '../common/connection';
import { IdentityLine } from '../common/identity';
import { jobElapsedMs } from '@genesis-lab/contract/core';
import { formatDuration } from '../common/format';
import { useRovingListbox } from '../common/rovingListbox';
import type { IGenesisClient } from '../tokens';
import type { JobsModel } from './jobsModel';
import { SubmitForm } from './submitForm';
import { useNow } from './useNow';

export interface IJobsActions {
  open(job: Job): void;
}

/** Whether the submit form is open, what it was prefilled with; a new key resets it. */
interface IFormState {
  open: boolean;
  initial?: JobSpecInput;
  key: number;
}

/**
 * The Jobs sidebar: facilities with health and queues, a submit form, and the job list,
 * all rendered from `JobsModel`, which push events keep current.
 */
export class JobsPanel extends VDomRenderer<JobsModel> {
  constructor(
    model: JobsModel,
    private _client: IGenesisClient,
    private _trans: TranslationBundle,
    private _actions: IJobsActions,
    private _defaultFacility: () => string
  ) {
    super(model);
    this.addClass('jp-Genesis-jobs');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', _trans.__('Genesis jobs'));
  }

  /** Open the submit form, optionally prefilled (Resubmit), and focus it. */
  showSubmitForm(initial?: JobSpecInput): void {
    this._form = { open: true, initial, key: this._form.key + 1 };
    this.update();
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
    const { model, _trans: trans } = this;
    const form = this._form;
    return (
      <div className="jp-Genesis-jobsBody">
        <div className="jp-Genesis-jobsHeader">
          <h2 className="jp-Genesis-panelTitle">{trans.__('Genesis jobs')}</h2>
          <button
            className={`jp-Button jp-mod-styled${form.open ? '' : ' jp-mod-accept'}`}
            aria-expanded={form.open}
            onClick={() => this._toggleForm()}
          >
            {form.open ? trans.__('Close form') : trans.__('New job')}
          </button>
        </div>
        <ConnectionBanner client={this._client} trans={trans} />
        <IdentityLine client={this._client} trans={trans} />
        {form.open && (
          <SubmitForm
            key={form.key}
            client={this._client}
            trans={trans}
            facilities={model.facilities}
            defaultFacility={this._defaultFacility()}
            initial={form.initial}
            onSubmitted={(job) => model.upsert(job)}
          />
        )}
        <Facilities facilities={model.facilities} error={model.facilitiesError} trans={trans} />
        <JobList model={model} actions={this._actions} trans={trans} />
      </div>
    );
  }

  /** "New job" opens the form as the palette command does (focus on its first field); again, it closes it. */
  private _toggleForm(): void {
    if (!this._form.open) return this.showSubmitForm();
    this._form = { open: false, key: this._form.key + 1 };
    this.update();
  }

  private _form: IFormState = { open: false, key: 0 };
  private _focusForm = false;
}

function Facilities(props: { facilities: readonly FacilityInfo[]; error: string | null; trans: TranslationBundle }) {
  const { trans } = props;
  return (
    <details className="jp-Genesis-facilities" open>
      <summary>{trans.__('Facilities')}</summary>
      {props.error && (
        <div className="jp-Genesis-error" role="alert">
          {props.error}
        </div>
      )}
      <ul className="jp-Genesis-facilityList">
        {props.facilities.map((f) => {
          const health = f.healthy ? trans.__('healthy') : trans.__('unhealthy');
          return (
            <li key={f.name} className="jp-Genesis-facility" data-facility={f.name} data-healthy={f.healthy}>
              <span
                className={`jp-Genesis-health ${f.healthy ? 'jp-mod-healthy' : 'jp-mod-unhealthy'}`}
                role="img"
                aria-label={health}
                title={f.message ?? health}
              />
              <span className="jp-Genesis-facilityName">{f.title || f.name}</span>
              <span className="jp-Genesis-muted">{f.kind}</span>
              <span className="jp-Genesis-queue" title={trans.__('queued / held / running')}>
                {trans.__('%1 queued · %2 held · %3 running', f.queue.queued, f.queue.held, f.queue.active)}
              </span>
              {!f.healthy && f.message && <div className="jp-Genesis-facilityMessage">{f.message}</div>}
            </li>
          );
        })}
      </ul>
    </details>
  );
}

function JobList(props: { model: JobsModel; actions: IJobsActions; trans: TranslationBundle }) {
  const { model, actions, trans } = props;
  const jobs = model.jobs;
  const now = useNow(jobs.some((j) => !isFinal(j.state)));
  const list = useRovingListbox({ items: jobs, keyOf: (job) => job.id, onEnter: (job) => actions.open(job) });

  return (
    <section className="jp-Genesis-jobList" aria-label={trans.__('Jobs')} aria-busy={model.loading}>
      {model.error && (
        <div className="jp-Genesis-error" role="alert">
          {model.error}
        </div>
      )}
      {model.loaded && jobs.length === 0 && (
        <div className="jp-Genesis-empty">{trans.__('No jobs yet. Submit one with “New job”.')}</div>
      )}
      <ul className="jp-Genesis-jobs" aria-label={trans.__('Jobs, newest first (Enter opens)')} {...list.listProps}>
        {jobs.map((job, i) => (
          <li
            key={job.id}
            className="jp-Genesis-jobRow"
            {...list.optionProps(i, job.id)}
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
              <span className="jp-Genesis-jobElapsed" title={trans.__('elapsed')}>
                {formatDuration(jobElapsedMs(job, now))}
              </span>
              {job.exitCode !== null && (
                <span className="jp-Genesis-jobExit" title={trans.__('exit code')}>
                  {trans.__('exit %1', job.exitCode)}
                </span>
              )}
            </span>
            {job.reason && job.state !== 'COMPLETED' && (
              <span className="jp-Genesis-jobReason" title={trans.__('reason')}>
                {job.reason}
              </span>
            )}
          </li>
        ))}
      </ul>
      {model.loaded && model.hasOlder && <OlderJobs model={model} trans={trans} />}
    </section>
  );
}

/**
 * The end of the loaded pages: a button that appends the next older page, a live status while
 * it loads and the reason when it failed (the button then retries). The button stays enabled
 * (aria-disabled while loading) so keyboard focus stays on it from page to page.
 */
function OlderJobs(props: { model: JobsModel; trans: TranslationBundle }) {
  const { model, trans } = props;
  const busy = model.loadingOlder;
  return (
    <div className="jp-Genesis-olderJobs" aria-busy={busy}>
      {model.olderError && (
        <div className="jp-Genesis-error" role="alert">
          {trans.__('Could not load older jobs: %1', model.olderError)}
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
          {trans.__('Show older jobs')}
        </button>
        <span className="jp-Genesis-muted jp-Genesis-olderStatus" role="status" aria-live="polite">
          {busy ? ` ${trans.__('Loading older jobs…')}` : ''}
        </span>
      </div>
    </div>
  );
}
