import { z } from 'zod';
import { JOB_STATES, LOG_STREAMS } from './core/jobs';
import { listParam } from './query';
import { RefString } from './ref';
import { ProjectId } from './catalog';

/**
 * A portable job, after PSI/J's JobSpec and the DOE IRI facility API. The same spec runs
 * on any facility whose capabilities can honour it; connectors translate it.
 */

export const FacilityName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be lower-case letters, digits or "-", starting with a letter');

/**
 * Parse a duration: seconds as a number, or text such as "90", "90s", "15m", "1h30m",
 * "01:30:00", "30:00" or Slurm's "1-00:00:00". Returns undefined when the text is not one.
 */
export function parseDurationSeconds(d: number | string): number | undefined {
  if (typeof d === 'number') return Number.isInteger(d) && d > 0 ? d : undefined;
  const t = d.trim();
  if (/^\d+$/.test(t)) return Number(t) > 0 ? Number(t) : undefined;
  const units = /^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?$/i.exec(t);
  if (units && t !== '') {
    const [, dd, hh, mm, ss] = units.map((x) => Number(x ?? 0));
    const total = dd! * 86400 + hh! * 3600 + mm! * 60 + ss!;
    return total > 0 ? total : undefined;
  }
  const clock = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(t);
  if (clock) {
    const [, dd, hh, mm, ss] = clock.map((x) => Number(x ?? 0));
    if (mm! > 59 || ss! > 59) return undefined;
    const total = dd! * 86400 + hh! * 3600 + mm! * 60 + ss!;
    return total > 0 ? total : undefined;
  }
  return undefined;
}

/** Parse memory: bytes as a number, or text such as "512M", "4G", "1.5GiB", "800MB" (powers of 1024). */
export function parseMemoryBytes(m: number | string): number | undefined {
  if (typeof m === 'number') return Number.isInteger(m) && m > 0 ? m : undefined;
  const r = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(m.trim());
  if (!r) return undefined;
  const pow = { '': 0, K: 1, M: 2, G: 3, T: 4 }[r[2]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  const bytes = Math.round(Number(r[1]) * 1024 ** pow);
  return bytes > 0 ? bytes : undefined;
}

/** A wall-time: seconds, or text such as "90s", "15m", "1h30m", "01:30:00", "1-00:00:00". */
export const Duration = z.union([
  z.number().int().positive(),
  z.string().refine((s) => parseDurationSeconds(s) !== undefined, {
    message: 'must be seconds or a duration such as "90s", "15m", "1h30m", "01:30:00" or "1-00:00:00"'
  })
]);
export type Duration = z.infer<typeof Duration>;

/** Memory in bytes, or text such as "512M", "4G", "1.5GiB". */
export const Memory = z.union([
  z.number().int().positive(),
  z.string().refine((s) => parseMemoryBytes(s) !== undefined, {
    message: 'must be bytes or a size such as "512M", "4G" or "1.5GiB"'
  })
]);

export const Resources = z
  .object({
    nodeCount: z.number().int().positive().optional(),
    processCount: z.number().int().positive().optional(),
    processesPerNode: z.number().int().positive().optional(),
    cpuCoresPerProcess: z.number().int().positive().optional(),
    gpuCoresPerProcess: z.number().int().nonnegative().optional(),
    exclusiveNodeUse: z.boolean().optional(),
    memory: Memory.optional().describe('Memory per node')
  })
  .strict()
  .meta({ id: 'Resources' });
export type Resources = z.infer<typeof Resources>;

export const JobAttributes = z
  .object({
    duration: Duration.optional().describe('Wall-time limit'),
    queue: z.string().min(1).optional().describe('Queue or partition'),
    account: z.string().min(1).optional(),
    reservation: z.string().min(1).optional(),
    /** Scheduler-specific options, e.g. {"slurm.constraint": "gpu"}; the connector refuses keys it does not know. */
    custom: z
      .record(z.string().regex(/^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*$/, 'keys look like "slurm.constraint"'), z.string())
      .default({})
  })
  .strict()
  .meta({ id: 'JobAttributes' });
export type JobAttributes = z.infer<typeof JobAttributes>;

/** A file or catalog dataset copied into the job directory before it runs (or out after). */
export const StageItem = z.union([
  z
    .object({
      source: z
        .string()
        .min(1)
        .describe('A path on the platform host (URLs are refused; see docs/security.md for where staging may read)'),
      target: z.string().min(1)
    })
    .strict(),
  z
    .object({
      dataset: RefString,
      target: z.string().min(1),
      format: z.enum(['arrow', 'parquet', 'csv']).default('arrow')
    })
    .strict()
]);
export type StageItem = z.infer<typeof StageItem>;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const JobSpec = z
  .object({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[^\n\r\0]*$/, 'must be a single line'),
    facility: FacilityName.default('local'),
    executable: z
      .string()
      .min(1)
      .regex(/^[^\0\n\r]*$/, 'must not contain NUL or line breaks'),
    arguments: z.array(z.string().regex(/^[^\0]*$/, 'must not contain NUL')).default([]),
    directory: z.string().min(1).optional().describe('Working directory; a fresh per-job directory when absent'),
    environment: z
      .record(
        z.string().regex(ENV_NAME, 'environment names must be letters, digits and "_", not starting with a digit'),
        z.string().regex(/^[^\0]*$/)
      )
      .default({}),
    inheritEnvironment: z.boolean().default(true),
    stdinPath: z.string().optional(),
    resources: Resources.default({}),
    attributes: JobAttributes.default({ custom: {} }),
    stageIn: z.array(StageItem).default([]),
    stageOut: z.array(z.object({ source: z.string().min(1), target: z.string().min(1) }).strict()).default([]),
    tags: z.record(z.string(), z.string()).default({}),
    idempotencyKey: z.string().min(1).max(200).optional(),
    project: ProjectId.optional().describe('The project the job belongs to: its members see it (the owner always does)')
  })
  .strict()
  .meta({ id: 'JobSpec' });
export type JobSpec = z.infer<typeof JobSpec>;
export type JobSpecInput = z.input<typeof JobSpec>;

export const JobState = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobState>;

/** Why a job ended or waits, normalised; the scheduler's own words are kept beside it. */
export const JobReason = z.enum([
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'NONZERO_EXIT',
  'SIGNALED',
  'CANCELED_BY_USER',
  'PREEMPTED',
  'LAUNCH_FAILED',
  'SUBMIT_FAILED',
  'LOST',
  'OTHER'
]);
export type JobReason = z.infer<typeof JobReason>;

export const JobStateEvent = z
  .object({
    jobId: z.string(),
    seq: z.number().int().nonnegative().describe('Per-job sequence, 0 = NEW'),
    state: JobState,
    at: z.iso.datetime(),
    message: z.string().optional(),
    exitCode: z.number().int().nullable().optional(),
    reason: JobReason.optional(),
    nativeState: z.string().optional().describe("Scheduler's own state, verbatim"),
    nativeReason: z.string().optional().describe("Scheduler's own reason, verbatim")
  })
  .meta({ id: 'JobStateEvent' });
export type JobStateEvent = z.infer<typeof JobStateEvent>;

export const Job = z
  .object({
    id: z.string(),
    spec: JobSpec,
    facility: FacilityName,
    nativeId: z.string().nullable(),
    state: JobState,
    exitCode: z.number().int().nullable(),
    reason: JobReason.nullable(),
    message: z.string().nullable(),
    workDir: z.string().nullable(),
    nativeState: z.string().nullable().describe("The scheduler's latest state, verbatim"),
    nativeReason: z.string().nullable().describe("The scheduler's latest reason, verbatim"),
    owner: z.string(),
    createdAt: z.iso.datetime(),
    submittedAt: z.iso.datetime().nullable(),
    startedAt: z.iso.datetime().nullable(),
    endedAt: z.iso.datetime().nullable(),
    updatedAt: z.iso.datetime(),
    history: z.array(JobStateEvent),
    /** Files the job left behind: its stage-out targets, copied once it COMPLETED. */
    outputs: z.array(z.object({ source: z.string(), target: z.string(), bytes: z.number().int().nonnegative() }))
  })
  .meta({ id: 'Job' });
export type Job = z.infer<typeof Job>;

export const JobListQuery = z
  .object({
    facility: FacilityName.optional(),
    state: listParam('comma', JobState).describe('States, comma-separated'),
    tag: z
      .string()
      .refine((t) => t.indexOf('=') > 0, 'must be "key=value"')
      .optional()
      .describe('"key=value"'),
    updatedSince: z.iso
      .datetime()
      .optional()
      .describe("Only jobs updated at or after this time (the platform's clock): a live watcher's catch-up"),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().optional()
  })
  .meta({ id: 'JobListQuery' });
export type JobListQuery = z.infer<typeof JobListQuery>;

export const JobList = z.object({ jobs: z.array(Job), nextCursor: z.string().optional() }).meta({ id: 'JobList' });
export type JobList = z.infer<typeof JobList>;

export const LogStream = z.enum(LOG_STREAMS);
export type LogStream = z.infer<typeof LogStream>;

/** A piece of a job's log. `offset` is the byte offset of `data` in the file, so readers resume exactly. */
export const LogChunk = z
  .object({
    jobId: z.string(),
    stream: LogStream,
    offset: z.number().int().nonnegative(),
    data: z.string(),
    /** Byte offset just after `data`; pass it as `offset` to continue. */
    nextOffset: z.number().int().nonnegative(),
    eof: z.boolean().describe('True once the job is final and the file fully read')
  })
  .meta({ id: 'LogChunk' });
export type LogChunk = z.infer<typeof LogChunk>;

export const LogQuery = z.object({
  stream: LogStream.default('stdout'),
  offset: z.coerce.number().int().min(0).default(0),
  tail: z.coerce.number().int().min(1).max(10_000_000).optional().describe('Return only the last N bytes'),
  maxBytes: z.coerce.number().int().min(1).max(16_777_216).default(1_048_576)
});
export type LogQuery = z.infer<typeof LogQuery>;
