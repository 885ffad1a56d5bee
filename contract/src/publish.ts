import { z } from 'zod';
import { DatasetVersion, DataFormat, RecordMetadata } from './catalog';
import { ARROW_FILE_MEDIA_TYPE, ARROW_STREAM_MEDIA_TYPE, CSV_MEDIA_TYPE, PARQUET_MEDIA_TYPE } from './core/media';
import { jsonParam } from './query';
import { RecordId, Version } from './ref';

/**
 * Publishing a new immutable dataset version over HTTP: a table a cell computed (its bytes in the
 * request), or a file a job left in its directory (then the job is recorded as what generated the
 * version, closing the loop data -> job -> new data). Same rules as `genesis ingest`: identical
 * content is not published twice, a version label is never reused for other content.
 */

/** The formats a request body may carry, by the media type it is sent as. */
export const PUBLISH_MEDIA_TYPES = {
  [ARROW_STREAM_MEDIA_TYPE]: 'arrow',
  [ARROW_FILE_MEDIA_TYPE]: 'arrow',
  [PARQUET_MEDIA_TYPE]: 'parquet',
  [CSV_MEDIA_TYPE]: 'csv',
  'application/x-ndjson': 'json',
  'application/geo+json': 'geojson'
} as const satisfies Record<string, DataFormat>;

/** Record metadata as query text (JSON), like a filter: a first version needs it, later ones may update it. */
const metadataParam = jsonParam(RecordMetadata, 'the record metadata');

export const PublishQuery = z
  .object({
    version: Version.optional().describe('The new version label; the next number when absent'),
    metadata: metadataParam
      .optional()
      .describe('Record metadata as JSON text: required for a dataset\'s first version ({"title", "license", ...})')
  })
  .strict()
  .meta({ id: 'PublishQuery' });
export type PublishQuery = z.infer<typeof PublishQuery>;

/** A file a finished job left in its directory, published as a version of a dataset. */
export const JobOutputPublish = z
  .object({
    file: z
      .string()
      .min(1)
      .regex(/^[^\0]*$/, 'must not contain NUL')
      .describe("Path of the file, relative to the job's directory"),
    dataset: RecordId,
    version: Version.optional(),
    format: DataFormat.optional().describe("Detected from the file's extension when absent"),
    metadata: RecordMetadata.optional().describe("Required for the dataset's first version")
  })
  .strict()
  .meta({ id: 'JobOutputPublish' });
export type JobOutputPublish = z.infer<typeof JobOutputPublish>;

export const PublishedColumn = z.object({
  name: z.string(),
  type: z.string(),
  nulls: z.number().int().nonnegative().optional(),
  inferred: z.boolean().describe('Type inferred from text (CSV, JSON), not given by the source')
});
export type PublishedColumn = z.infer<typeof PublishedColumn>;

export const PublishResult = z
  .object({
    id: RecordId,
    version: DatasetVersion,
    created: z.boolean().describe('false: identical content was already published as this version'),
    format: DataFormat,
    columns: z.array(PublishedColumn),
    generatedBy: z.string().optional().describe('The job recorded as what generated the version')
  })
  .meta({ id: 'PublishResult' });
export type PublishResult = z.infer<typeof PublishResult>;
