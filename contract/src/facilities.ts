import { z } from 'zod';
import { FacilityName } from './jobs';
import { AccessLevel } from './catalog';

/**
 * Facilities are configuration (a zod-validated file) plus a connector. New kinds
 * (quantum, instrument) join this union with their own options.
 */
const common = {
  name: FacilityName,
  title: z.string().optional(),
  description: z.string().optional(),
  /** The highest access level of data this facility is cleared for. */
  clearance: AccessLevel.default('open'),
  enabled: z.boolean().default(true)
};

export const LocalFacilityConfig = z
  .object({
    ...common,
    kind: z.literal('local'),
    maxConcurrent: z.number().int().positive().default(4).describe('Jobs running at once; more wait QUEUED'),
    pollIntervalMs: z.number().int().min(50).default(500).describe('How often adopted jobs are checked'),
    cpus: z.number().int().positive().optional().describe('Cores a job may ask for; the machine by default'),
    memory: z.string().optional(),
    workRoot: z.string().optional().describe('Where per-job directories go; under GENESIS_HOME by default')
  })
  .strict();

const EnvVarName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name such as SLURM_JWT');

/** Slurm through its command-line tools (sbatch, squeue, scancel, scontrol, sacct). */
export const SlurmCliTransportConfig = z.object({ kind: z.literal('cli') }).strict();

/**
 * Slurm through slurmrestd with JWT authentication. The token comes from an environment
 * variable or a file (re-read for every request, so a rotated token is picked up; the file
 * must not be readable by group or others).
 */
export const SlurmRestTransportConfig = z
  .object({
    kind: z.literal('rest'),
    url: z
      .url({ protocol: /^https?$/, error: 'must be the http(s) URL of slurmrestd, e.g. http://127.0.0.1:6820' })
      .describe('slurmrestd base URL, without /slurm/...'),
    user: z
      .string()
      .regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/, 'must be a user name (X-SLURM-USER-NAME), e.g. root')
      .describe('The Slurm user the token belongs to; jobs run as this user'),
    tokenEnv: EnvVarName.optional().describe('Environment variable of the platform holding the JWT'),
    tokenFile: z
      .string()
      .regex(/^\//, 'must be an absolute path')
      .optional()
      .describe('File holding the JWT (mode 600 or stricter); "SLURM_JWT=..." as scontrol token prints it is fine'),
    apiVersion: z
      .enum(['v0.0.38'], { error: 'must be "v0.0.38": the openapi version of slurmrestd this connector speaks' })
      .default('v0.0.38')
  })
  .strict()
  .superRefine((t, ctx) => {
    if ((t.tokenEnv === undefined) === (t.tokenFile === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [t.tokenEnv === undefined ? 'tokenEnv' : 'tokenFile'],
        message: 'give exactly one of tokenEnv (an environment variable name) or tokenFile (a file path) for the JWT'
      });
  });

export const SlurmTransportConfig = z.discriminatedUnion('kind', [SlurmCliTransportConfig, SlurmRestTransportConfig]);
export type SlurmTransportConfig = z.infer<typeof SlurmTransportConfig>;
export type SlurmRestTransportConfig = z.infer<typeof SlurmRestTransportConfig>;

export const SlurmFacilityConfig = z
  .object({
    ...common,
    kind: z.literal('slurm'),
    /** How the connector talks to Slurm: its command-line tools (default) or slurmrestd. */
    // "cli" (the only value before slurmrestd was supported) still reads as { kind: 'cli' }.
    transport: z.preprocess((v) => (v === 'cli' ? { kind: 'cli' } : v), SlurmTransportConfig).default({ kind: 'cli' }),
    /** Directory holding sbatch/squeue/scancel/scontrol/sacct; PATH when absent (cli transport). */
    binDir: z.string().optional(),
    pollIntervalMs: z.number().int().min(100).default(2000),
    partitions: z.array(z.string()).optional().describe('Allowed partitions; discovered when absent'),
    defaultPartition: z.string().optional(),
    defaultAccount: z.string().optional(),
    workRoot: z.string().optional().describe('Shared directory for job dirs; under GENESIS_HOME by default'),
    completionLog: z.string().optional().describe('jobcomp/filetxt log, for final states without slurmdbd'),
    statusRetries: z.number().int().min(0).max(10).default(3).describe('Retries of a failed status query per cycle'),
    lostAfterSeconds: z
      .number()
      .int()
      .min(5)
      .default(120)
      .describe('A submitted job that no Slurm source knows for this long is FAILED/LOST'),
    commandTimeoutMs: z.number().int().min(1000).default(30000).describe('Timeout of one command or REST request')
  })
  .strict();

export const FacilityConfig = z
  .discriminatedUnion('kind', [LocalFacilityConfig, SlurmFacilityConfig])
  .meta({ id: 'FacilityConfig' });
export type FacilityConfig = z.infer<typeof FacilityConfig>;
export type LocalFacilityConfig = z.infer<typeof LocalFacilityConfig>;
export type SlurmFacilityConfig = z.infer<typeof SlurmFacilityConfig>;

/** How often facilities are probed again and their configuration re-read, by default. */
export const FACILITY_PROBE_INTERVAL_MS = 30_000;

/** The facilities file: `$GENESIS_HOME/facilities.json` or `--facilities FILE`. */
export const FacilitiesFile = z
  .object({
    probeIntervalMs: z
      .number()
      .int()
      .min(1000)
      .default(FACILITY_PROBE_INTERVAL_MS)
      .describe(
        'How often every facility is probed again (capabilities, health) and this file re-read for new facilities'
      ),
    facilities: z.array(FacilityConfig).min(1)
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.facilities.forEach((fac, i) => {
      if (seen.has(fac.name))
        ctx.addIssue({
          code: 'custom',
          path: ['facilities', i, 'name'],
          message: `duplicate facility name "${fac.name}"`
        });
      seen.add(fac.name);
    });
  });
export type FacilitiesFile = z.infer<typeof FacilitiesFile>;

export const FacilityCapabilities = z.object({
  maxNodes: z.number().int().nullable(),
  maxCpusPerNode: z.number().int().nullable(),
  maxGpusPerNode: z.number().int().nullable(),
  maxMemoryBytes: z.number().nullable(),
  maxDurationSeconds: z.number().nullable(),
  queues: z.array(z.string()),
  supportsHold: z.boolean(),
  supportsCancel: z.boolean(),
  transport: z.string(),
  /** Keys of `attributes.custom` this facility understands. */
  customAttributes: z.array(z.string()).default([])
});
export type FacilityCapabilities = z.infer<typeof FacilityCapabilities>;

export const FacilityInfo = z
  .object({
    name: FacilityName,
    kind: z.string(),
    title: z.string(),
    description: z.string().optional(),
    clearance: AccessLevel,
    healthy: z.boolean(),
    message: z.string().optional(),
    checkedAt: z.iso.datetime().nullable(),
    capabilities: FacilityCapabilities,
    queue: z.object({ queued: z.number().int(), held: z.number().int(), active: z.number().int() }),
    /** Connector counters since start (e.g. status calls per poll cycle), for operators and benchmarks. */
    stats: z.record(z.string(), z.number()).default({})
  })
  .meta({ id: 'FacilityInfo' });
export type FacilityInfo = z.infer<typeof FacilityInfo>;

/** `POST /api/facilities/refresh`: every facility probed again now, the configuration re-read. */
export const FacilityRefresh = z
  .object({
    facilities: z.array(FacilityInfo),
    /** Facilities that appeared (new in the configuration, or Slurm's tools found on PATH). */
    added: z.array(FacilityName),
    /** What was read but needs a restart, or could not be read (the running facilities stay). */
    notes: z.array(z.string())
  })
  .meta({ id: 'FacilityRefresh' });
export type FacilityRefresh = z.infer<typeof FacilityRefresh>;
