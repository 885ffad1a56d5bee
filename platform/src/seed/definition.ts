import { z } from 'zod';
import { DataFormat, RecordId, RecordMetadata, Version } from '@genesis-lab/contract';
import { COLUMN_TYPES } from '../ingest/column-type';

/**
 * One example dataset, as data: where its rows are (a file shipped in an npm package, or a
 * JavaScript export of one, optionally one row per element of a nested list), how columns are
 * renamed or typed, and its record metadata with the true licence, source and units.
 * Definitions live in platform/seed/examples/*.json; the loader has no per-dataset code.
 */
export const SeedSource = z.union([
  z
    .object({
      package: z.string().min(1),
      file: z.string().min(1).describe('Path inside the package'),
      format: DataFormat.optional()
    })
    .strict(),
  z
    .object({
      package: z.string().min(1),
      export: z.string().min(1).describe('Name of an exported array of objects'),
      explode: z.string().optional().describe('Emit one row per element of this list property'),
      parentColumns: z
        .record(z.string(), z.string())
        .default({})
        .describe('Parent properties to copy into each exploded row: property -> column name')
    })
    .strict()
]);
export type SeedSource = z.infer<typeof SeedSource>;

export const SeedDefinition = z
  .object({
    id: RecordId,
    /** The version of the npm package the bytes came from, so a pin names the upstream release. */
    version: Version,
    source: SeedSource,
    rename: z.record(z.string(), z.string()).default({}),
    types: z.record(z.string(), z.enum(COLUMN_TYPES as unknown as [string, ...string[]])).default({}),
    metadata: RecordMetadata
  })
  .strict();
export type SeedDefinition = z.infer<typeof SeedDefinition>;
