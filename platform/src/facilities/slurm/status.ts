import type { Observation } from '../connector';

/** One job as Slurm reports it, whatever the source (squeue JSON, the jobcomp log). */
export interface NativeStatus {
  nativeId: string;
  /** Slurm's state, verbatim (several flags joined by "," when Slurm gives a list). */
  state: string;
  reason: string | undefined;
  /** The program's exit code as Slurm saw it, and the signal that ended it. */
  exitCode: number | undefined;
  signal: number | undefined;
  workDir: string | undefined;
  source: 'squeue' | 'rest' | 'jobcomp';
}

type Num = number | { set?: boolean; infinite?: boolean; number?: number } | undefined;
const num = (v: Num): number | undefined =>
  typeof v === 'number' ? v : v && typeof v === 'object' && v.set !== false ? v.number : undefined;

interface SqueueJson {
  meta?: { plugin?: { type?: string }; Slurm?: { version?: { major?: number; minor?: number } } };
  errors?: unknown[];
  jobs?: Array<Record<string, unknown>>;
}

/**
 * Parse `squeue --json`, or slurmrestd's `GET /jobs` and `GET /job/N` (the same openapi
 * document), by the shape its `meta` announces: openapi v0.0.38/39 (Slurm 22.05,
 * 23.02: `job_state` a string, `exit_code` the raw wait status) or v0.0.40+ (Slurm 23.11+:
 * `job_state` a list of flags, `exit_code` an object with `return_code` and `signal`).
 */
export function parseSqueueJson(text: string, source: 'squeue' | 'rest' = 'squeue'): NativeStatus[] {
  const doc = JSON.parse(text) as SqueueJson;
  if (!doc || !Array.isArray(doc.jobs))
    throw new Error(`${source === 'rest' ? 'slurmrestd' : 'squeue --json'} answered without a "jobs" list`);
  const plugin = doc.meta?.plugin?.type ?? '';
  const v = /v0\.0\.(\d+)/.exec(plugin);
  const major = doc.meta?.Slurm?.version?.major ?? 0;
  const listShape = v
    ? Number(v[1]) >= 40
    : major >= 24 || (major === 23 && (doc.meta?.Slurm?.version?.minor ?? 0) >= 11);
  return doc.jobs.map((j) => {
    const rawState = j.job_state;
    const state = Array.isArray(rawState) ? rawState.map(String).join(',') : String(rawState ?? 'UNKNOWN');
    let exitCode: number | undefined;
    let signal: number | undefined;
    const ec = j.exit_code as Num | { return_code?: Num; signal?: { id?: Num } } | undefined;
    if (!listShape && typeof ec === 'number') {
      // A raw wait(2) status: exit code in the high byte, signal in the low 7 bits.
      exitCode = (ec >> 8) & 0xff;
      signal = ec & 0x7f || undefined;
    } else if (ec && typeof ec === 'object' && 'return_code' in ec) {
      exitCode = num(ec.return_code);
      signal = num(ec.signal?.id) || undefined;
    } else if (typeof ec === 'number') exitCode = ec;
    return {
      nativeId: String(num(j.job_id as Num)),
      state,
      reason: typeof j.state_reason === 'string' && j.state_reason !== 'None' ? j.state_reason : undefined,
      exitCode,
      signal,
      workDir: typeof j.current_working_directory === 'string' ? j.current_working_directory : undefined,
      source
    };
  });
}

/** The statuses of the given job ids only. */
export function only(statuses: NativeStatus[], ids: string[]): NativeStatus[] {
  const wanted = new Set(ids);
  return statuses.filter((s) => wanted.has(s.nativeId));
}

/**
 * Parse `sacct -c -P -o jobid,state,exitcode,workdir` (the jobcomp/filetxt log, which keeps
 * final states without slurmdbd). Later lines win: a requeued job appears more than once.
 */
export function parseJobcomp(text: string): NativeStatus[] {
  const out = new Map<string, NativeStatus>();
  for (const line of text.split('\n')) {
    const [jobId, state, exit, workDir] = line.split('|');
    if (!jobId || !/^\d+/.test(jobId) || !state) continue;
    const m = /^(\d+):(\d+)$/.exec(exit ?? '');
    // sacct writes "CANCELLED by 0"; the base state is the first word.
    out.set(`${jobId}|${workDir ?? ''}`, {
      nativeId: jobId,
      state,
      reason: undefined,
      exitCode: m ? Number(m[1]) : undefined,
      signal: m && Number(m[2]) ? Number(m[2]) : undefined,
      workDir: workDir || undefined,
      source: 'jobcomp'
    });
  }
  return [...out.values()];
}

const ACTIVE = new Set([
  'RUNNING',
  'COMPLETING',
  'CONFIGURING',
  'SUSPENDED',
  'STOPPED',
  'SIGNALING',
  'STAGE_OUT',
  'RESIZING'
]);
const WAITING = new Set(['PENDING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'SPECIAL_EXIT']);

/**
 * Map a Slurm state to ours. `ownExit` is the code our script recorded (the source of truth
 * for the exit code); `cancelRequested` tells a user's cancel from an admin's. The native
 * state and reason travel verbatim.
 */
export function observationOf(s: NativeStatus, ownExit: number | undefined, cancelRequested: boolean): Observation {
  const flags = s.state.split(/[,\s]+/);
  const base = flags.find((f) => ACTIVE.has(f) || WAITING.has(f) || FINAL[f] !== undefined) ?? flags[0] ?? 'UNKNOWN';
  const native = { nativeState: s.state, ...(s.reason ? { nativeReason: s.reason } : {}) };
  if (WAITING.has(base)) {
    const held = base === 'REQUEUE_HOLD' || /held/i.test(s.reason ?? '') || flags.includes('REQUEUE_HOLD');
    return { state: held ? 'HELD' : 'QUEUED', ...native, message: `${base}${s.reason ? ` (${s.reason})` : ''}` };
  }
  if (ACTIVE.has(base)) return { state: 'ACTIVE', ...native, message: base };
  const fin = FINAL[base];
  if (!fin) return { state: 'QUEUED', ...native, message: `unrecognised Slurm state ${s.state}` };
  const exitCode = ownExit ?? s.exitCode ?? null;
  if (base === 'COMPLETED') {
    if (ownExit !== undefined && ownExit !== 0)
      return { state: 'FAILED', reason: 'NONZERO_EXIT', exitCode, ...native, message: `exited with code ${ownExit}` };
    return { state: 'COMPLETED', exitCode: exitCode ?? 0, ...native, message: 'exited 0' };
  }
  if (base === 'CANCELLED' || base === 'REVOKED')
    return {
      state: 'CANCELED',
      reason: cancelRequested ? 'CANCELED_BY_USER' : 'OTHER',
      exitCode,
      ...native,
      message: cancelRequested ? 'canceled on request' : `canceled by Slurm (${s.state})`
    };
  if (base === 'FAILED') {
    const launch = exitCode === null && s.signal === undefined;
    return {
      state: 'FAILED',
      reason: s.signal && ownExit === undefined ? 'SIGNALED' : launch ? 'LAUNCH_FAILED' : 'NONZERO_EXIT',
      exitCode,
      ...native,
      message: s.signal && ownExit === undefined ? `killed by signal ${s.signal}` : `exited with code ${exitCode}`
    };
  }
  return {
    state: 'FAILED',
    reason: fin === 'OK' ? 'OTHER' : fin,
    exitCode,
    ...native,
    message: FINAL_MESSAGE[base] ?? base
  };
}

const FINAL: Record<string, import('@genesis-lab/contract').JobReason | 'OK'> = {
  COMPLETED: 'OK',
  FAILED: 'NONZERO_EXIT',
  CANCELLED: 'CANCELED_BY_USER',
  REVOKED: 'OTHER',
  TIMEOUT: 'TIMEOUT',
  DEADLINE: 'TIMEOUT',
  OUT_OF_MEMORY: 'OUT_OF_MEMORY',
  NODE_FAIL: 'NODE_FAIL',
  BOOT_FAIL: 'LAUNCH_FAILED',
  PREEMPTED: 'PREEMPTED'
};
const FINAL_MESSAGE: Record<string, string> = {
  TIMEOUT: 'exceeded its time limit and was killed by Slurm',
  DEADLINE: 'reached its deadline and was killed by Slurm',
  OUT_OF_MEMORY: 'ran out of memory and was killed by Slurm',
  NODE_FAIL: 'a node it ran on failed',
  BOOT_FAIL: 'a node failed to boot for it',
  PREEMPTED: 'preempted by a higher-priority job'
};
