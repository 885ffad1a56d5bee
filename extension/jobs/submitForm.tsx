import {
  GenesisError,
  JobSpec,
  validationError,
  type FacilityInfo,
  type Job,
  type JobSpecInput
} from '@genesis-lab/contract';
import type { TranslationBundle } from '@jupyterlab/translation';
import { UUID } from '@lumino/coreutils';
import * as React from 'react';
import { describeError } from '../client/errors';
import type { IGenesisClient } from '../tokens';

export interface ISubmitFormProps {
  client: IGenesisClient;
  trans: TranslationBundle;
  facilities: readonly FacilityInfo[];
  defaultFacility: string;
  /** Prefill (Resubmit). */
  initial?: JobSpecInput;
  onSubmitted: (job: Job) => void;
}

interface IFormState {
  facility: string;
  name: string;
  executable: string;
  args: string;
  nodeCount: string;
  processCount: string;
  cpuCoresPerProcess: string;
  memory: string;
  duration: string;
  queue: string;
}

function initialState(props: ISubmitFormProps): IFormState {
  const s = props.initial;
  const fallback =
    props.facilities.find((f) => f.name === props.defaultFacility)?.name ?? props.facilities[0]?.name ?? 'local';
  return {
    facility: s?.facility ?? fallback,
    name: s?.name ?? '',
    executable: s?.executable ?? '',
    args: (s?.arguments ?? []).join('\n'),
    nodeCount: s?.resources?.nodeCount?.toString() ?? '',
    processCount: s?.resources?.processCount?.toString() ?? '',
    cpuCoresPerProcess: s?.resources?.cpuCoresPerProcess?.toString() ?? '',
    memory: s?.resources?.memory?.toString() ?? '',
    duration: s?.attributes?.duration?.toString() ?? '',
    queue: s?.attributes?.queue ?? ''
  };
}

/** What each field is called on screen: errors name fields by these, never by JSON paths. */
function fieldLabel(trans: TranslationBundle, field: keyof IFormState): string {
  switch (field) {
    case 'facility':
      return trans.__('Facility');
    case 'executable':
      return trans.__('Executable');
    case 'args':
      return trans.__('Arguments');
    case 'name':
      return trans.__('Name');
    case 'nodeCount':
      return trans.__('Nodes');
    case 'processCount':
      return trans.__('Processes');
    case 'cpuCoresPerProcess':
      return trans.__('CPUs/process');
    case 'memory':
      return trans.__('Memory');
    case 'duration':
      return trans.__('Duration');
    case 'queue':
      return trans.__('Queue');
  }
}

/** The spec paths (after `spec.` or `body.`) each field fills. */
const FIELD_OF_PATH: Record<string, keyof IFormState> = {
  facility: 'facility',
  executable: 'executable',
  arguments: 'args',
  name: 'name',
  'resources.nodeCount': 'nodeCount',
  'resources.processCount': 'processCount',
  'resources.cpuCoresPerProcess': 'cpuCoresPerProcess',
  'resources.memory': 'memory',
  'attributes.duration': 'duration',
  'attributes.queue': 'queue'
};

const COUNT_FIELDS = ['nodeCount', 'processCount', 'cpuCoresPerProcess'] as const;

/** One problem to show: the field it is about (when known) and what to do. */
interface IFormIssue {
  field?: keyof IFormState;
  message: string;
}

/** The field an issue path such as `spec.resources.memory` or `body.arguments[2]` is about. */
function fieldOfPath(path: string): keyof IFormState | undefined {
  const key = path.replace(/^(spec|body)\.?/, '').replace(/\[\d+\]$/, '');
  return FIELD_OF_PATH[key];
}

/**
 * Mistakes the form can name better than the schema can: a missing executable, a command line
 * typed into Executable (`sh -c "echo hi"`: the program is run without a shell, so the whole
 * line would be taken as one program name), a count that is no number.
 */
function checkFields(f: IFormState, trans: TranslationBundle): IFormIssue[] {
  const issues: IFormIssue[] = [];
  const executable = f.executable.trim();
  if (executable === '') {
    issues.push({ field: 'executable', message: trans.__('enter the program to run, e.g. /bin/sh') });
  } else if (/\s/.test(executable)) {
    const [program, ...rest] = executable.split(/\s+/);
    issues.push({
      field: 'executable',
      message: trans.__(
        'only the program goes here (%1); put its arguments in Arguments, one per line (%2). The program is run without a shell.',
        program!,
        rest.join(' ')
      )
    });
  }
  for (const key of COUNT_FIELDS) {
    const v = f[key].trim();
    if (v !== '' && !/^[1-9]\d*$/.test(v)) {
      issues.push({ field: key, message: trans.__('a whole number of at least 1, e.g. 2') });
    }
  }
  return issues;
}

/** Blank fields are left out; numbers stay text when they are not numbers, so zod names the field. */
function specOf(f: IFormState): Record<string, unknown> {
  const num = (v: string) => (v.trim() === '' ? undefined : /^\d+$/.test(v.trim()) ? Number(v.trim()) : v.trim());
  const text = (v: string) => (v.trim() === '' ? undefined : v.trim());
  const resources = Object.fromEntries(
    Object.entries({
      nodeCount: num(f.nodeCount),
      processCount: num(f.processCount),
      cpuCoresPerProcess: num(f.cpuCoresPerProcess),
      memory: num(f.memory)
    }).filter(([, v]) => v !== undefined)
  );
  const attributes = Object.fromEntries(
    Object.entries({ duration: num(f.duration), queue: text(f.queue) }).filter(([, v]) => v !== undefined)
  );
  const executable = f.executable.trim();
  return {
    name: text(f.name) ?? (executable.split('/').pop() || 'job'),
    facility: f.facility,
    executable,
    arguments: f.args.split('\n').filter((a) => a !== ''),
    resources,
    attributes,
    tags: { submittedFrom: 'jupyterlab' }
  };
}

/**
 * The form that submits a job: facility, executable, arguments (one per line), resources,
 * duration, queue. The spec is checked with the contract's `JobSpec` before it is sent;
 * the platform's refusal (a facility that cannot honour it) is shown as it says it.
 */
export function SubmitForm(props: ISubmitFormProps): React.ReactElement {
  const { trans } = props;
  const [form, setForm] = React.useState<IFormState>(() => initialState(props));
  const [errors, setErrors] = React.useState<{ message?: string; issues: IFormIssue[] } | null>(null);
  const formRef = React.useRef<HTMLFormElement>(null);
  const [idPrefix] = React.useState(() => `jp-Genesis-submit-${UUID.uuid4()}`);
  const invalid = new Set((errors?.issues ?? []).map((i) => i.field).filter((f) => f !== undefined));
  // After a refusal, the first field named goes to the focus (keyboard users land on it).
  React.useEffect(() => {
    const first = errors?.issues.find((i) => i.field)?.field;
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
  }, [errors]);
  const [busy, setBusy] = React.useState(false);
  const [done, setDone] = React.useState<Job | null>(null);
  const set =
    (key: keyof IFormState) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) =>
      setForm({ ...form, [key]: e.currentTarget.value });
  const facility = props.facilities.find((f) => f.name === form.facility);
  // Facilities may arrive after the form opened: settle on one that exists.
  React.useEffect(() => {
    if (props.facilities.length > 0 && !facility) setForm((f) => ({ ...f, facility: initialState(props).facility }));
  }, [props.facilities]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (busy) return;
    // The form's own words first; the schema's for what they do not cover (one per field).
    const mistakes = checkFields(form, trans);
    const parsed = JobSpec.safeParse(specOf(form));
    if (!parsed.success) {
      const err = validationError('spec', parsed.error);
      const named = new Set(mistakes.map((m) => m.field));
      mistakes.push(...issuesOf(err.issues ?? [], err.message).filter((i) => !i.field || !named.has(i.field)));
    }
    if (mistakes.length > 0 || !parsed.success) {
      setErrors({ issues: mistakes });
      return;
    }
    setBusy(true);
    setErrors(null);
    setDone(null);
    try {
      // One key per click: a retried request (or a double click) cannot submit twice.
      const job = await props.client.submitJob({ ...parsed.data, idempotencyKey: UUID.uuid4() });
      setDone(job);
      props.onSubmitted(job);
    } catch (err) {
      // The platform's own words; its issues, when it names fields, also mark them.
      const issues = err instanceof GenesisError ? (err.issues ?? []) : [];
      setErrors({ message: describeError(err), issues: issuesOf(issues).filter((i) => i.field) });
    } finally {
      setBusy(false);
    }
  };

  const errorId = `${idPrefix}-error`;
  const field = (key: keyof IFormState, label: string, placeholder = '', hint?: string) => (
    <label className="jp-Genesis-field">
      <span>{label}</span>
      <input
        className="jp-mod-styled"
        name={key}
        value={form[key]}
        placeholder={placeholder}
        onChange={set(key)}
        title={hint}
        spellCheck={false}
        aria-invalid={invalid.has(key) || undefined}
        aria-describedby={invalid.has(key) ? errorId : undefined}
      />
    </label>
  );

  return (
    <form
      className="jp-Genesis-submitForm"
      onSubmit={submit}
      aria-label={trans.__('Submit a job')}
      ref={formRef}
      noValidate
    >
      <label className="jp-Genesis-field">
        <span>{trans.__('Facility')}</span>
        <select className="jp-mod-styled" name="facility" value={form.facility} onChange={set('facility')}>
          {props.facilities.length === 0 && <option value={form.facility}>{form.facility}</option>}
          {props.facilities.map((f) => (
            <option key={f.name} value={f.name} disabled={!f.healthy}>
              {f.title || f.name} ({f.kind}){f.healthy ? '' : ` — ${trans.__('unavailable')}`}
            </option>
          ))}
        </select>
      </label>
      {field(
        'executable',
        trans.__('Executable'),
        trans.__('e.g. /bin/sh'),
        trans.__('Only the program to run (no arguments), found on the facility PATH or as an absolute path')
      )}
      <label className="jp-Genesis-field">
        <span>{trans.__('Arguments (one per line)')}</span>
        <textarea
          className="jp-mod-styled"
          name="args"
          rows={3}
          aria-invalid={invalid.has('args') || undefined}
          aria-describedby={invalid.has('args') ? errorId : undefined}
          value={form.args}
          onChange={set('args')}
          spellCheck={false}
        />
      </label>
      {field('name', trans.__('Name'), trans.__('defaults to the executable'))}
      <div className="jp-Genesis-fieldRow">
        {field('nodeCount', trans.__('Nodes'), '1')}
        {field('processCount', trans.__('Processes'), '1')}
        {field('cpuCoresPerProcess', trans.__('CPUs/process'), '1')}
      </div>
      <div className="jp-Genesis-fieldRow">
        {field('memory', trans.__('Memory'), '512M', trans.__('Per node, e.g. 512M, 4G'))}
        {field('duration', trans.__('Duration'), '10m', trans.__('Wall-time limit, e.g. 90s, 15m, 1h30m, 01:30:00'))}
        {facility && facility.capabilities.queues.length > 0 ? (
          <label className="jp-Genesis-field">
            <span>{trans.__('Queue')}</span>
            <select className="jp-mod-styled" name="queue" value={form.queue} onChange={set('queue')}>
              <option value="">{trans.__('default')}</option>
              {facility.capabilities.queues.map((q) => (
                <option key={q} value={q}>
                  {q}
                </option>
              ))}
            </select>
          </label>
        ) : (
          field('queue', trans.__('Queue'), trans.__('default'))
        )}
      </div>
      {errors && (
        <div className="jp-Genesis-error" role="alert" id={errorId}>
          {errors.message && <div>{errors.message}</div>}
          {errors.issues.length === 1 && !errors.message && <div>{describeIssue(trans, errors.issues[0]!)}</div>}
          {(errors.issues.length > 1 || (errors.message && errors.issues.length > 0)) && (
            <ul>
              {errors.issues.map((i, k) => (
                <li key={k}>{describeIssue(trans, i)}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {done && (
        <div className="jp-Genesis-success" role="status">
          {trans.__('Submitted %1 (%2) to %3.', done.spec.name, done.id, done.facility)}
        </div>
      )}
      <div className="jp-Genesis-formActions">
        <button type="submit" className="jp-Button jp-mod-styled jp-mod-accept" disabled={busy}>
          {busy ? trans.__('Submitting…') : trans.__('Submit job')}
        </button>
      </div>
    </form>
  );
}

/** Issues from a schema or the platform, named by the form's labels where the path is a field. */
function issuesOf(issues: readonly { path: string; message: string }[], fallback?: string): IFormIssue[] {
  const named = issues.map((i) => {
    const field = fieldOfPath(i.path);
    return field ? { field, message: i.message } : { message: `${i.path}: ${i.message}` };
  });
  return named.length > 0 || !fallback ? named : [{ message: fallback }];
}

function describeIssue(trans: TranslationBundle, issue: IFormIssue): string {
  return issue.field ? trans.__('%1: %2', fieldLabel(trans, issue.field), issue.message) : issue.message;
}
