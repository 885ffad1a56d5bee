import {
  GenesisError,
  JobSpec,
  validationError,
  type FacilityInfo,
  type Job,
  type JobSpecInput
} from '@genesis-lab/contract';
import { UUID } from '@lumino/coreutils';
import * as React from 'react';
import { describeError } from '../client/errors';
import type { IGenesisClient } from '../tokens';

export interface ISubmitFormProps {
  client: IGenesisClient;
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
  const [form, setForm] = React.useState<IFormState>(() => initialState(props));
  const [errors, setErrors] = React.useState<{ message: string; issues: { path: string; message: string }[] } | null>(
    null
  );
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
    const parsed = JobSpec.safeParse(specOf(form));
    if (!parsed.success) {
      const err = validationError('spec', parsed.error);
      setErrors({ message: err.message, issues: err.issues ?? [] });
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
      setErrors({ message: describeError(err), issues: err instanceof GenesisError ? (err.issues ?? []) : [] });
    } finally {
      setBusy(false);
    }
  };

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
      />
    </label>
  );

  return (
    <form className="jp-Genesis-submitForm" onSubmit={submit} aria-label="Submit a job">
      <label className="jp-Genesis-field">
        <span>Facility</span>
        <select className="jp-mod-styled" name="facility" value={form.facility} onChange={set('facility')}>
          {props.facilities.length === 0 && <option value={form.facility}>{form.facility}</option>}
          {props.facilities.map((f) => (
            <option key={f.name} value={f.name} disabled={!f.healthy}>
              {f.title || f.name} ({f.kind}){f.healthy ? '' : ' — unavailable'}
            </option>
          ))}
        </select>
      </label>
      {field(
        'executable',
        'Executable',
        '/bin/sh',
        'Program to run, found on the facility PATH or as an absolute path'
      )}
      <label className="jp-Genesis-field">
        <span>Arguments (one per line)</span>
        <textarea
          className="jp-mod-styled"
          name="args"
          rows={3}
          value={form.args}
          onChange={set('args')}
          spellCheck={false}
        />
      </label>
      {field('name', 'Name', 'defaults to the executable')}
      <div className="jp-Genesis-fieldRow">
        {field('nodeCount', 'Nodes', '1')}
        {field('processCount', 'Processes', '1')}
        {field('cpuCoresPerProcess', 'CPUs/process', '1')}
      </div>
      <div className="jp-Genesis-fieldRow">
        {field('memory', 'Memory', '512M', 'Per node, e.g. 512M, 4G')}
        {field('duration', 'Duration', '10m', 'Wall-time limit, e.g. 90s, 15m, 1h30m, 01:30:00')}
        {facility && facility.capabilities.queues.length > 0 ? (
          <label className="jp-Genesis-field">
            <span>Queue</span>
            <select className="jp-mod-styled" name="queue" value={form.queue} onChange={set('queue')}>
              <option value="">default</option>
              {facility.capabilities.queues.map((q) => (
                <option key={q} value={q}>
                  {q}
                </option>
              ))}
            </select>
          </label>
        ) : (
          field('queue', 'Queue', 'default')
        )}
      </div>
      {errors && (
        <div className="jp-Genesis-error" role="alert">
          <div>{errors.message}</div>
          {errors.issues.length > 1 && (
            <ul>
              {errors.issues.map((i, k) => (
                <li key={k}>
                  <code>{i.path}</code>: {i.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {done && (
        <div className="jp-Genesis-success" role="status">
          Submitted {done.spec.name} ({done.id}) to {done.facility}.
        </div>
      )}
      <div className="jp-Genesis-formActions">
        <button type="submit" className="jp-Button jp-mod-styled jp-mod-accept" disabled={busy}>
          {busy ? 'Submitting…' : 'Submit job'}
        </button>
      </div>
    </form>
  );
}
