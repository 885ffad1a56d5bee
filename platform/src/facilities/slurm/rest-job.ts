import { parseDurationSeconds } from '@genesis-lab/contract';
import type { BatchSubmission } from './script';

type Props = Record<string, string | number | boolean | number[] | Record<string, string>>;
const int = (v: string) => Number.parseInt(v, 10);
function seconds(v: string): number {
  const s = parseDurationSeconds(v);
  if (s === undefined) throw new Error(`unreadable --time ${JSON.stringify(v)}`);
  return s;
}

/** Each sbatch option `script.ts` emits, as a v0.0.38 `job_properties` field. */
const FIELDS: Record<string, (v: string) => [string, Props[string]] | undefined> = {
  '--parsable': () => undefined,
  // No --export over REST: `environment` is exactly what the job gets.
  '--export': () => undefined,
  '--job-name': (v) => ['name', v],
  '--chdir': (v) => ['current_working_directory', v],
  '--output': (v) => ['standard_output', v],
  '--error': (v) => ['standard_error', v],
  '--nodes': (v) => ['nodes', [int(v), int(v)]],
  '--ntasks': (v) => ['tasks', int(v)],
  '--ntasks-per-node': (v) => ['tasks_per_node', int(v)],
  '--cpus-per-task': (v) => ['cpus_per_task', int(v)],
  '--gpus-per-task': (v) => ['gpus_per_task', v],
  '--mem': (v) => ['memory_per_node', int(v)],
  '--exclusive': () => ['exclusive', 'exclusive'],
  // REST takes whole minutes; sbatch rounds seconds up to minutes the same way.
  '--time': (v) => ['time_limit', Math.max(1, Math.ceil(seconds(v) / 60))],
  '--partition': (v) => ['partition', v],
  '--account': (v) => ['account', v],
  '--reservation': (v) => ['reservation', v],
  '--constraint': (v) => ['constraints', v],
  '--qos': (v) => ['qos', v],
  '--gres': (v) => ['gres', v],
  '--licenses': (v) => ['licenses', v],
  '--begin': (v) => ['begin_time', v],
  '--nice': (v) => ['nice', int(v)],
  '--comment': (v) => ['comment', v],
  '--mail-type': (v) => ['mail_type', v],
  '--mail-user': (v) => ['mail_user', v],
  '--hold': () => ['hold', true]
};

/**
 * The body of `POST /slurm/v0.0.38/job/submit` for a submission `buildBatchSubmission` made:
 * the same script text (no directives, every value quoted) and the same options, mapped
 * field by field, so both transports submit exactly the same job.
 */
export function restJobSubmission(
  sub: BatchSubmission,
  environment: Record<string, string>
): { script: string; job: Props } {
  const job: Props = {};
  for (const opt of sub.options) {
    const eq = opt.indexOf('=');
    const name = eq < 0 ? opt : opt.slice(0, eq);
    const field = FIELDS[name];
    if (!field) throw new Error(`the REST transport cannot pass the sbatch option ${name}`);
    const kv = field(eq < 0 ? '' : opt.slice(eq + 1));
    if (kv) job[kv[0]] = kv[1];
  }
  // slurmrestd requires a non-empty environment; ours always holds GENESIS_JOB_ID.
  job.environment = environment;
  return { script: sub.script, job };
}
