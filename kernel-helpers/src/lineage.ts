import {
  LINEAGE_MIME_TYPE,
  LineageRecord,
  formatRef,
  rowsText,
  countText,
  type DatasetUse,
  type JobUse,
  type ModelUse
} from '@genesis-lab/contract';
import type { NotebookOutput } from './notebook/tslab';

type Input<T> = Omit<T, 'schemaVersion' | 'at'> & { at?: string };

/** One line for front ends that do not render the lineage MIME type. */
export function lineageText(r: LineageRecord): string {
  if (r.kind === 'dataset') {
    const ref = formatRef({ id: r.id, version: r.version });
    return `genesis lineage: used ${ref} (sha256 ${r.sha256.slice(0, 12)}…), ${rowsText(r.rowCount, r.totalRows, r.limit)}${r.ref !== ref ? ` [asked for ${r.ref}]` : ''}`;
  }
  if (r.kind === 'model')
    return `genesis lineage: model ${formatRef({ id: r.id, version: r.version })} (weights sha256 ${r.sha256.slice(0, 12)}…, ${r.runtime}), ${countText(r.rowCount, 'row')} predicted`;
  const staged = r.stagedIn?.length ? `, staged in ${r.stagedIn.map((d) => formatRef(d)).join(', ')}` : '';
  return `genesis lineage: job ${r.jobId} (${r.name}) ${r.action} on ${r.facility}: ${r.state}${staged}`;
}

/**
 * The lineage a cell leaves behind: every dataset version (and later model version and job) it
 * used, as one small output of MIME type application/vnd.genesis.lineage+json that the
 * extension records. Outside a notebook the records are kept in memory (`records()`), for
 * scripts and for the provenance work to consume.
 */
export class LineageRecorder {
  private readonly kept: LineageRecord[] = [];

  constructor(private readonly output: () => NotebookOutput | undefined) {}

  /** Validate (with the contract's schema), keep, and show in the running cell if there is one. */
  emit(record: Input<DatasetUse> | Input<JobUse> | Input<ModelUse>): LineageRecord {
    const full = LineageRecord.parse({ schemaVersion: 1, at: new Date().toISOString(), ...record });
    this.kept.push(full);
    this.output()?.show({ [LINEAGE_MIME_TYPE]: full, 'text/plain': lineageText(full) });
    return full;
  }

  /** Everything emitted in this process, oldest first. */
  records(): readonly LineageRecord[] {
    return [...this.kept];
  }

  clear(): void {
    this.kept.length = 0;
  }
}
