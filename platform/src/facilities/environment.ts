import type { JobSpec } from '@genesis-lab/contract';
import type { TrackedJob } from './connector';

/** Variables of the platform process a job must never inherit (its credentials). */
const PRIVATE = ['GENESIS_TOKEN', 'SLURM_JWT'];

/** The environment a job starts with: inherited (minus platform secrets) or empty, plus its own and ours. */
export function jobEnvironment(spec: JobSpec, job: Pick<TrackedJob, 'id' | 'workDir'>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = spec.inheritEnvironment ? { ...process.env } : {};
  for (const k of PRIVATE) delete base[k];
  return { ...base, ...spec.environment, GENESIS_JOB_ID: job.id, GENESIS_JOB_DIR: job.workDir };
}
