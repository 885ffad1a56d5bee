import { lastSeq } from '@genesis-lab/client/core';
import {
  LineageRecord,
  isFinal,
  validationError,
  type DatasetUse,
  type Job,
  type JobState,
  type JobUpdate,
  type JobUse,
  type ModelUse
} from '@genesis-lab/contract';
import type { IDisposable } from '@lumino/disposable';
import { formatCount, formatRowsOf, shortDigest } from '../common/format';
import { datasetIcon, jobIcon, modelIcon } from '../common/icons';
import type { IGenesisClient } from '../tokens';
import type { IChipContext } from './context';

/**
 * Render one `application/vnd.genesis.lineage+json` output into `node` as a compact chip: kind
 * icon, ref, version, short digest. The chip is a button: click (or Enter) opens the dataset
 * in the catalog, or the job in the Jobs panel. Built from DOM text nodes only: the output
 * comes from a kernel and is never interpreted as HTML.
 *
 * A job chip shows the state the platform reports now, not the one recorded when the cell ran
 * (a job submitted by a cell goes on after it): it asks the client for the job and follows its
 * updates until the job is final. The returned handle stops that.
 */
export function renderLineage(node: HTMLElement, data: unknown, context: IChipContext): IDisposable | null {
  const { trans } = context;
  node.textContent = '';
  const parsed = LineageRecord.safeParse(data);
  if (!parsed.success) {
    const error = document.createElement('div');
    error.className = 'jp-Genesis-lineageInvalid';
    error.textContent = trans.__(
      'Unreadable Genesis lineage output: %1',
      validationError('lineage', parsed.error).message
    );
    node.appendChild(error);
    return null;
  }
  if (parsed.data.kind === 'dataset') {
    node.appendChild(datasetChip(parsed.data, context));
    return null;
  }
  if (parsed.data.kind === 'model') {
    node.appendChild(modelChip(parsed.data, context));
    return null;
  }
  const chip = jobChip(parsed.data, context);
  node.appendChild(chip.node);
  return context.client && !isFinal(parsed.data.state as JobState)
    ? followJob(parsed.data.jobId, context.client, chip.show)
    : null;
}

function datasetChip(use: DatasetUse, { actions, trans }: IChipContext): HTMLElement {
  const ref = `${use.id}@${use.version}`;
  const chip = makeChip('dataset', trans.__('Open %1 in the Genesis catalog', ref), () => actions.openDataset(ref));
  chip.appendChild(datasetIcon.element({ className: 'jp-Genesis-chipIcon', tag: 'span' }));
  append(chip, 'jp-Genesis-chipRef', use.id);
  append(chip, 'jp-Genesis-chipVersion', `@${use.version}`);
  append(chip, 'jp-Genesis-chipDigest', shortDigest(use.sha256, 8)).title = `sha256 ${use.sha256}`;
  // A pull cut by a limit says so: "First 100,000 of 3,000,000 rows".
  append(chip, 'jp-Genesis-chipMeta', formatRowsOf(trans, use.rowCount, use.totalRows));
  chip.dataset.ref = ref;
  chip.dataset.sha256 = use.sha256;
  return chip;
}

/** The chip of a model version a cell called: ref, version, weights digest, rows predicted. */
function modelChip(use: ModelUse, { actions, trans }: IChipContext): HTMLElement {
  const ref = `${use.id}@${use.version}`;
  const chip = makeChip('model', trans.__('Open %1 in the Genesis catalog', ref), () => actions.openModel(ref));
  chip.appendChild(modelIcon.element({ className: 'jp-Genesis-chipIcon', tag: 'span' }));
  append(chip, 'jp-Genesis-chipRef', use.id);
  append(chip, 'jp-Genesis-chipVersion', `@${use.version}`);
  append(chip, 'jp-Genesis-chipDigest', shortDigest(use.sha256, 8)).title = `weights sha256 ${use.sha256}`;
  append(
    chip,
    'jp-Genesis-chipMeta',
    trans._n('%2 row predicted', '%2 rows predicted', use.rowCount, formatCount(use.rowCount))
  );
  chip.dataset.ref = ref;
  chip.dataset.sha256 = use.sha256;
  return chip;
}

/** The chip of a job, and how to show a newer state of that job in it. */
function jobChip(use: JobUse, { actions, trans }: IChipContext): { node: HTMLElement; show(job: Job): void } {
  const chip = makeChip('job', trans.__('Open job %1 in the Genesis jobs panel', use.jobId), () =>
    actions.openJob(use.jobId)
  );
  chip.appendChild(jobIcon.element({ className: 'jp-Genesis-chipIcon', tag: 'span' }));
  append(chip, 'jp-Genesis-chipRef', use.name);
  append(chip, 'jp-Genesis-chipVersion', `${use.facility}${use.nativeId ? ` #${use.nativeId}` : ''}`);
  const state = append(chip, 'jp-Genesis-chipState', '');
  const exit = append(chip, 'jp-Genesis-chipMeta', '');
  const show = (s: string, exitCode: number | null | undefined) => {
    state.className = `jp-Genesis-chipState jp-Genesis-state-${s}`;
    state.textContent = s;
    exit.textContent = exitCode !== undefined && exitCode !== null ? trans.__('exit %1', exitCode) : '';
    exit.hidden = exit.textContent === '';
    chip.dataset.state = s;
  };
  show(use.state, use.exitCode);
  chip.dataset.jobId = use.jobId;
  return { node: chip, show: (job) => show(job.state, job.exitCode) };
}

/**
 * Keep a chip on the job's current state: read it, then apply every newer update (by seq) until
 * the job is final. Updates pushed before the live connection (re)subscribed are missed, so the
 * job is read again whenever live events come back. A job the platform does not know (another
 * platform's output) keeps the recorded state.
 */
function followJob(jobId: string, client: IGenesisClient, show: (job: Job) => void): IDisposable {
  let seq = -1;
  let watch: IDisposable | null = client.watchJobs();
  const apply = (job: Job) => {
    if (!watch || lastSeq(job) <= seq) return;
    seq = lastSeq(job);
    show(job);
    if (isFinal(job.state)) stop();
  };
  const read = () => client.getJob(jobId).then(apply, () => undefined);
  const onUpdate = (_: IGenesisClient, update: JobUpdate) => {
    if (update.job.id === jobId) apply(update.job);
  };
  const onLive = (_: IGenesisClient, live: boolean) => {
    if (live) void read();
  };
  const stop = () => {
    client.jobUpdated.disconnect(onUpdate);
    client.liveChanged.disconnect(onLive);
    watch?.dispose();
    watch = null;
  };
  client.jobUpdated.connect(onUpdate);
  client.liveChanged.connect(onLive);
  void read();
  return {
    get isDisposed() {
      return watch === null;
    },
    dispose: stop
  };
}

function makeChip(kind: 'dataset' | 'job' | 'model', label: string, open: () => void): HTMLButtonElement {
  const chip = document.createElement('button');
  chip.type = 'button';
  chip.className = 'jp-Genesis-lineageChip';
  chip.dataset.kind = kind;
  chip.title = label;
  chip.setAttribute('aria-label', label);
  chip.addEventListener('click', (e) => {
    e.preventDefault();
    open();
  });
  return chip;
}

function append(parent: HTMLElement, className: string, text: string): HTMLElement {
  const span = document.createElement('span');
  span.className = className;
  span.textContent = text;
  parent.appendChild(span);
  return span;
}
