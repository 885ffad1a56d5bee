import { formatRef, parseRef, type JobSpecInput, type JobUse } from '@genesis-lab/contract';
import { rethrowPresentable } from '@genesis-lab/client';
import type { GenesisContext } from '../context';
import { resolvePinned } from './pull';

export type StagedIn = NonNullable<JobUse['stagedIn']>;

/**
 * A job's dataset stage-ins resolved before it is submitted, as a cell's reads are: a version
 * in the ref as written; none: a reproduction's pin (its sha256 checked), else latest. The spec
 * sent names each resolved version, so the job stages exactly what its lineage records.
 */
export async function resolveStageIn(
  ctx: GenesisContext,
  spec: JobSpecInput
): Promise<{ spec: JobSpecInput; stagedIn: StagedIn }> {
  const stagedIn: StagedIn = [];
  if (!spec.stageIn?.length) return { spec, stagedIn };
  const stageIn: NonNullable<JobSpecInput['stageIn']> = [];
  for (const item of spec.stageIn) {
    if (!('dataset' in item)) {
      stageIn.push(item);
      continue;
    }
    let ref;
    try {
      ref = parseRef(item.dataset);
    } catch (err) {
      rethrowPresentable(err);
    }
    const { version, pinned } = await resolvePinned(ctx, ref);
    stagedIn.push({
      ref: item.dataset,
      id: ref.id,
      version: version.version,
      sha256: version.sha256,
      ...(pinned ? { pinned } : {})
    });
    stageIn.push({ ...item, dataset: formatRef({ id: ref.id, version: version.version }) });
  }
  return { spec: { ...spec, stageIn }, stagedIn };
}
