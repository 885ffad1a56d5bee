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

export const SlurmFacilityConfig = z
  .object({
    ...common,
    kind: z.literal('slurm'),
    /** How the connector talks to Slurm: its command-line tools (slurmrestd is not supported yet). */
    transport: z.literal('cli').default('cli'),
    /** Directory holding sbatch/squeue/scancel/scontrol/sacct; PATH when absent. */
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
    commandTimeoutMs: z.number().int().min(1000).default(30000)
  })
  .strict();

export const FacilityConfig = z
  .discriminatedUnion('kind', [LocalFacilityConfig, SlurmFacilityConfig])
  .meta({ id: 'FacilityConfig' });
export type FacilityConfig = z.infer<typeof FacilityConfig>;
export type LocalFacilityConfig = z.infer<typeof LocalFacilityConfig>;
export type SlurmFacilityConfig = z.infer<typeof SlurmFacilityConfig>;

/** The facilities file: `$GENESIS_HOME/facilities.json` or `--facilities FILE`. */
export const FacilitiesFile = z
  .object({ facilities: z.array(FacilityConfig).min(1) })
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
