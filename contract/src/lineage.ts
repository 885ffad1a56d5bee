import { z } from 'zod';
import { LINEAGE_SCHEMA_VERSION } from './core/lineage';
import { Cql2Expr } from './cql2';
import { RecordId, Sha256, Version } from './ref';

/**
 * The small output the kernel helpers leave in a cell for every dataset version, model
 * version and job it used. The extension renders it as a chip and records it; the
 * provenance store turns it into PROV entities and activities.
 */

const base = {
  schemaVersion: z.literal(LINEAGE_SCHEMA_VERSION),
  at: z.iso.datetime().describe('When the use happened'),
  platform: z.string().optional().describe('Platform URL the item came from')
};

export const DatasetUse = z
  .object({
    ...base,
    kind: z.literal('dataset'),
    /** The ref as the user wrote it (may omit the version). */
    ref: z.string(),
    id: RecordId,
    version: Version.describe('The resolved version'),
    sha256: Sha256,
    columns: z.array(z.string()).optional(),
    filter: Cql2Expr.optional(),
    limit: z.number().int().optional(),
    offset: z.number().int().optional(),
    rowCount: z.number().int().nonnegative(),
    totalRows: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('Rows the query matches in all, when known (no filter): more than rowCount when a limit cut the pull'),
    mode: z.enum(['table', 'batches', 'export']).default('table'),
    pinned: z
      .boolean()
      .optional()
      .describe(
        'The ref had no version and resolved to the version a reproduction pinned (GENESIS_PINS), not to latest'
      )
  })
  .meta({ id: 'DatasetUse' });
export type DatasetUse = z.infer<typeof DatasetUse>;

export const JobUse = z
  .object({
    ...base,
    kind: z.literal('job'),
    jobId: z.string(),
    facility: z.string(),
    name: z.string(),
    action: z.enum(['submitted', 'awaited', 'observed']),
    state: z.string(),
    exitCode: z.number().int().nullable().optional(),
    nativeId: z.string().nullable().optional(),
    stagedIn: z
      .array(
        z
          .object({
            ref: z.string().describe('The stage-in ref as submitted (may omit the version)'),
            id: RecordId,
            version: Version.describe('The version the platform staged (resolved at submit)'),
            sha256: Sha256,
            pinned: z.boolean().optional().describe("A reproduction's pin chose the version, not latest")
          })
          .strict()
      )
      .optional()
      .describe('The dataset versions the job stages in (recorded on submit): a reproduction pins them')
  })
  .meta({ id: 'JobUse' });
export type JobUse = z.infer<typeof JobUse>;

/** A model version a cell called: pinned by its weights digest, like a dataset version. */
export const ModelUse = z
  .object({
    ...base,
    kind: z.literal('model'),
    /** The ref as the user wrote it (may omit the version). */
    ref: z.string(),
    id: RecordId,
    version: Version.describe('The resolved version'),
    sha256: Sha256.describe('sha256 of the weights'),
    runtime: z.string().describe('The runtime that ran it, e.g. "onnx" or "oip"'),
    rowCount: z.number().int().nonnegative().describe('Rows predicted'),
    inputs: z.array(z.string()).optional().describe('Dataset refs the input table came from, when known'),
    pinned: z.boolean().optional()
  })
  .meta({ id: 'ModelUse' });
export type ModelUse = z.infer<typeof ModelUse>;

export const LineageRecord = z.discriminatedUnion('kind', [DatasetUse, JobUse, ModelUse]).meta({ id: 'LineageRecord' });
export type LineageRecord = z.infer<typeof LineageRecord>;
