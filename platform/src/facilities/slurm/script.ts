import * as path from 'node:path';
import type { JobSpec } from '@genesis-lab/contract';
import { footprintOf } from '../capabilities';
import { JOB_FILES } from '../job-files';
import { newlineDefinition, shQuote } from '../shell-quote';

/** `attributes.custom` keys the Slurm connector understands, and the sbatch option each becomes. */
export const SLURM_CUSTOM_OPTIONS: Record<string, string> = {
  'slurm.constraint': '--constraint',
  'slurm.qos': '--qos',
  'slurm.gres': '--gres',
  'slurm.licenses': '--licenses',
  'slurm.begin': '--begin',
  'slurm.nice': '--nice',
  'slurm.comment': '--comment',
  'slurm.mail-type': '--mail-type',
  'slurm.mail-user': '--mail-user',
  'slurm.hold': '--hold',
  'slurm.exclusive': '--exclusive'
};
/** Options that are flags: the value must be "true" (or "false" to leave them out). */
const FLAG_OPTIONS = new Set(['slurm.hold', 'slurm.exclusive']);

/** Slurm's time format D-HH:MM:SS, rounded up to whole seconds. */
export function slurmTime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d}-${two(h)}:${two(m)}:${two(s)}`;
}

/** A job name Slurm shows as-is: letters, digits, "._-", at most 64 characters. */
export function slurmJobName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'genesis-job';
}

export interface BatchSubmission {
  /** The batch script: no `#SBATCH` directives at all; every option is in `options`. */
  script: string;
  /** sbatch options as argv words (never parsed by a shell). */
  options: string[];
}

/**
 * Build what `sbatch` gets for a job. Options go on the command line as separate argv words,
 * so no spec field can add a directive; the script holds no `#SBATCH` line and every spec
 * value in it is a single-quoted shell word, so no field can inject shell either. The script
 * claims the job directory first (a duplicate submission never runs the program twice) and
 * records the program's exit code in our own file, the source of truth for it.
 */
export function buildBatchSubmission(
  jobId: string,
  workDir: string,
  spec: JobSpec,
  defaults: { partition?: string; account?: string } = {}
): BatchSubmission {
  const f = footprintOf(spec);
  const r = spec.resources;
  const a = spec.attributes;
  const options = [
    '--parsable',
    `--job-name=${slurmJobName(spec.name)}`,
    `--chdir=${workDir}`,
    `--output=${path.join(workDir, JOB_FILES.stdout)}`,
    `--error=${path.join(workDir, JOB_FILES.stderr)}`,
    `--export=${spec.inheritEnvironment ? 'ALL' : 'NONE'}`,
    `--nodes=${f.nodes}`,
    `--ntasks=${f.processes}`
  ];
  if (r.processesPerNode !== undefined) options.push(`--ntasks-per-node=${r.processesPerNode}`);
  if (r.cpuCoresPerProcess !== undefined) options.push(`--cpus-per-task=${r.cpuCoresPerProcess}`);
  if (r.gpuCoresPerProcess) options.push(`--gpus-per-task=${r.gpuCoresPerProcess}`);
  if (f.memoryBytes !== undefined) options.push(`--mem=${Math.max(1, Math.ceil(f.memoryBytes / 1048576))}M`);
  if (r.exclusiveNodeUse) options.push('--exclusive');
  if (f.durationSeconds !== undefined) options.push(`--time=${slurmTime(f.durationSeconds)}`);
  const partition = a.queue ?? defaults.partition;
  if (partition) options.push(`--partition=${partition}`);
  const account = a.account ?? defaults.account;
  if (account) options.push(`--account=${account}`);
  if (a.reservation) options.push(`--reservation=${a.reservation}`);
  for (const [key, value] of Object.entries(a.custom)) {
    const opt = SLURM_CUSTOM_OPTIONS[key];
    if (!opt) throw new Error(`unknown Slurm attribute ${key}`);
    if (FLAG_OPTIONS.has(key)) {
      if (value === 'true') options.push(opt);
      else if (value !== 'false') throw new Error(`${key} must be "true" or "false"`);
    } else options.push(`${opt}=${value}`);
  }

  const NL = 'genesis_nl';
  const q = (v: string) => shQuote(v, NL);
  const exitTmp = path.join(workDir, '.exit.tmp');
  const exitFile = path.join(workDir, JOB_FILES.exit);
  const claim = path.join(workDir, '.claim');
  const lines = [
    '#!/bin/sh',
    `# Genesis Lab job ${jobId}: options are sbatch arguments, this script holds no directives.`,
    newlineDefinition(NL),
    `if ! (set -C; printf '%s\\n' "$SLURM_JOB_ID" > ${q(claim)}) 2>/dev/null && [ "$(cat ${q(claim)})" != "$SLURM_JOB_ID" ]; then exit 0; fi`,
    `GENESIS_JOB_ID=${q(jobId)}; export GENESIS_JOB_ID`,
    `GENESIS_JOB_DIR=${q(workDir)}; export GENESIS_JOB_DIR`,
    ...Object.entries(spec.environment).map(([k, v]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid environment name ${JSON.stringify(k)}`);
      return `${k}=${q(v)}; export ${k}`;
    }),
    `finish() { printf '%s\\n' "$1" > ${q(exitTmp)} && mv -f ${q(exitTmp)} ${q(exitFile)}; exit "$1"; }`,
    `cd ${q(spec.directory ?? workDir)} || { echo "genesis: cannot enter the job directory" >&2; finish 126; }`,
    `${[spec.executable, ...spec.arguments].map(q).join(' ')} < ${q(spec.stdinPath ?? '/dev/null')}`,
    'finish $?',
    ''
  ];
  return { script: lines.join('\n'), options };
}
