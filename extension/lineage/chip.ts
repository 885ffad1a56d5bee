import { LineageRecord, validationError, type DatasetUse, type JobUse } from '@genesis-lab/contract';
import { formatRows, shortDigest } from '../common/format';
import { datasetIcon, jobIcon } from '../common/icons';
import type { IChipActions } from './actions';

/**
 * Render one `application/vnd.genesis.lineage+json` output into `node` as a compact chip: kind
 * icon, ref, version, short digest. The chip is a button: click (or Enter) opens the dataset
 * in the catalog, or the job in the Jobs panel. Built from DOM text nodes only: the output
 * comes from a kernel and is never interpreted as HTML.
 */
export function renderLineage(node: HTMLElement, data: unknown, actions: IChipActions): void {
  node.textContent = '';
  const parsed = LineageRecord.safeParse(data);
  if (!parsed.success) {
    const error = document.createElement('div');
    error.className = 'jp-Genesis-lineageInvalid';
    error.textContent = `Unreadable Genesis lineage output: ${validationError('lineage', parsed.error).message}`;
    node.appendChild(error);
    return;
  }
  node.appendChild(parsed.data.kind === 'dataset' ? datasetChip(parsed.data, actions) : jobChip(parsed.data, actions));
}

function datasetChip(use: DatasetUse, actions: IChipActions): HTMLElement {
  const ref = `${use.id}@${use.version}`;
  const chip = makeChip('dataset', `Open ${ref} in the Genesis catalog`, () => actions.openDataset(ref));
  chip.appendChild(datasetIcon.element({ className: 'jp-Genesis-chipIcon', tag: 'span' }));
  append(chip, 'jp-Genesis-chipRef', use.id);
  append(chip, 'jp-Genesis-chipVersion', `@${use.version}`);
  append(chip, 'jp-Genesis-chipDigest', shortDigest(use.sha256, 8)).title = `sha256 ${use.sha256}`;
  append(chip, 'jp-Genesis-chipMeta', formatRows(use.rowCount, use.totalRows, use.limit));
  chip.dataset.ref = ref;
  chip.dataset.sha256 = use.sha256;
  return chip;
}

function jobChip(use: JobUse, actions: IChipActions): HTMLElement {
  const chip = makeChip('job', `Open job ${use.jobId} in the Genesis jobs panel`, () => actions.openJob(use.jobId));
  chip.appendChild(jobIcon.element({ className: 'jp-Genesis-chipIcon', tag: 'span' }));
  append(chip, 'jp-Genesis-chipRef', use.name);
  append(chip, 'jp-Genesis-chipVersion', `${use.facility}${use.nativeId ? ` #${use.nativeId}` : ''}`);
  append(chip, `jp-Genesis-chipState jp-Genesis-state-${use.state}`, use.state);
  if (use.exitCode !== undefined && use.exitCode !== null) append(chip, 'jp-Genesis-chipMeta', `exit ${use.exitCode}`);
  chip.dataset.jobId = use.jobId;
  return chip;
}

function makeChip(kind: 'dataset' | 'job', label: string, open: () => void): HTMLButtonElement {
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
