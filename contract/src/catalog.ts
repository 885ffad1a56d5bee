import { z } from 'zod';
import { RecordId, Sha256, Version } from './ref';

/**
 * Catalog records, aligned with schema.org/Dataset, Croissant and DCAT so they export
 * without loss. One record per `namespace/name`; versions are immutable and
 * content-addressed (sha256 of the canonical Arrow IPC bytes).
 */

export const AccessLevel = z.enum(['open', 'controlled', 'export-controlled']);
export type AccessLevel = z.infer<typeof AccessLevel>;

export const RecordKind = z.enum(['dataset', 'model']);
export type RecordKind = z.infer<typeof RecordKind>;

/** SPDX licence identifier or expression (`CC-BY-4.0`, `MIT`, `CC0-1.0`, `LicenseRef-...`). */
export const License = z
  .string()
  .regex(/^[A-Za-z0-9.+\-() ]{1,100}$/, 'must be an SPDX identifier or expression, e.g. "CC-BY-4.0"');

export const Agent = z.object({
  name: z.string().min(1),
  /** A person or an organization (schema.org/DCAT type). Unset: a person when an affiliation is given. */
  kind: z.enum(['person', 'organization']).optional(),
  url: z.url().optional(),
  email: z.email().optional(),
  affiliation: z.string().optional(),
  identifier: z.string().optional().describe('ORCID, ROR or other persistent id')
});
export type Agent = z.infer<typeof Agent>;

/** The Arrow logical type of a column, as text (`float64`, `int64`, `utf8`, `timestamp[ms]`, ...). */
export const FieldType = z.string().min(1);

export const Field = z.object({
  name: z.string().min(1),
  type: FieldType,
  nullable: z.boolean().default(true),
  unit: z.string().optional().describe('UCUM or plain unit, e.g. "ppm", "degC", "MWh"'),
  description: z.string().optional()
});
export type Field = z.infer<typeof Field>;

export const TemporalCoverage = z.object({
  start: z.string().optional().describe('ISO 8601 date or date-time'),
  end: z.string().optional()
});
export const SpatialCoverage = z.object({
  description: z.string().optional(),
  /** [west, south, east, north] in WGS84 degrees. */
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional()
});

export const Source = z.object({
  description: z.string().optional(),
  url: z.url().optional(),
  citation: z.string().optional(),
  /** Refs or URLs this dataset was derived from (PROV wasDerivedFrom). */
  wasDerivedFrom: z.array(z.string()).default([])
});
export type Source = z.infer<typeof Source>;

export const DataFormat = z.enum(['arrow', 'parquet', 'csv', 'json', 'geojson']);
export type DataFormat = z.infer<typeof DataFormat>;

export const Distribution = z.object({
  format: DataFormat,
  mediaType: z.string(),
  /** Known for stored objects; absent for exports produced on request (CSV, Parquet). */
  sizeBytes: z.number().int().nonnegative().optional(),
  sha256: Sha256.optional(),
  /** Relative API path to fetch it (or an absolute URL for harvested records). */
  contentUrl: z.string()
});
export type Distribution = z.infer<typeof Distribution>;

export const DatasetVersion = z
  .object({
    version: Version,
    sha256: Sha256.describe('sha256 of the canonical Arrow IPC file'),
    sizeBytes: z.number().int().nonnegative(),
    rowCount: z.number().int().nonnegative(),
    batchCount: z.number().int().nonnegative(),
    createdAt: z.iso.datetime(),
    sourceFormat: DataFormat,
    sourceSha256: Sha256.optional().describe('sha256 of the ingested file, as received'),
    fields: z.array(Field),
    distributions: z.array(Distribution),
    notes: z.string().optional()
  })
  .meta({ id: 'DatasetVersion' });
export type DatasetVersion = z.infer<typeof DatasetVersion>;

/** What a publisher describes; the platform adds id, versions and timestamps. */
export const RecordMetadata = z
  .object({
    title: z.string().min(1),
    description: z.string().default(''),
    keywords: z.array(z.string().min(1)).default([]),
    creators: z.array(Agent).default([]),
    publisher: Agent.optional(),
    license: License,
    licenseUrl: z
      .url()
      .optional()
      .describe('Where the licence text is; needed for "LicenseRef-..." ids, derived from SPDX otherwise'),
    accessLevel: AccessLevel.default('open'),
    domain: z.string().min(1).optional().describe('Science domain, e.g. "climate", "seismology"'),
    temporalCoverage: TemporalCoverage.optional(),
    spatialCoverage: SpatialCoverage.optional(),
    source: Source.default({ wasDerivedFrom: [] }),
    /** Units and descriptions for fields, by column name; types come from the data. */
    fieldInfo: z
      .record(z.string(), z.object({ unit: z.string().optional(), description: z.string().optional() }))
      .default({}),
    url: z.url().optional().describe('Landing page'),
    citation: z.string().optional()
  })
  .meta({ id: 'RecordMetadata' });
export type RecordMetadata = z.infer<typeof RecordMetadata>;
export type RecordMetadataInput = z.input<typeof RecordMetadata>;

export const DatasetRecord = RecordMetadata.omit({ fieldInfo: true })
  .extend({
    kind: z.literal('dataset'),
    id: RecordId,
    /** Fields of the latest version, with units and descriptions merged in. */
    fields: z.array(Field),
    versions: z.array(DatasetVersion).describe('Newest first'),
    /** Absent for a metadata-only record (harvested from another catalog, no data held here yet). */
    latestVersion: Version.optional(),
    /** Formats a harvested record declares; local versions list theirs in `distributions`. */
    formats: z.array(DataFormat).default([]),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime()
  })
  .meta({ id: 'DatasetRecord' });
export type DatasetRecord = z.infer<typeof DatasetRecord>;

export const VersionList = z.object({ id: RecordId, versions: z.array(DatasetVersion) }).meta({ id: 'VersionList' });
export type VersionList = z.infer<typeof VersionList>;

/**
 * One record as a harvester (or a bulk metadata import) delivers it: the publisher's
 * metadata plus its id, without data. Imported records are searchable at once; their data
 * arrives later through ingest, as versions.
 */
export const RecordImport = RecordMetadata.extend({
  id: RecordId,
  kind: z.literal('dataset').default('dataset'),
  /** Formats the source catalog offers the data in (facet `format`). */
  formats: z.array(DataFormat).default([]),
  updatedAt: z.iso.datetime().optional().describe('When the source last changed the record')
}).meta({ id: 'RecordImport' });
export type RecordImport = z.infer<typeof RecordImport>;
export type RecordImportInput = z.input<typeof RecordImport>;
