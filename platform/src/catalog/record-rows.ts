import {
  ARROW_FILE_MEDIA_TYPE,
  ARROW_STREAM_MEDIA_TYPE,
  CSV_MEDIA_TYPE,
  PARQUET_MEDIA_TYPE,
  routePath,
  type AccessLevel,
  type DataFormat,
  type DatasetRecord,
  type DatasetVersion,
  type FacetName,
  type Field,
  type RecordMetadata
} from '@genesis-lab/contract';

/**
 * How records, versions, fields and facet values sit in SQLite, and the one function that
 * (re)writes everything derived from a record (facets, browse totals, full-text row, fields)
 * so the indexes can never drift from the record.
 */
export interface RecordRow {
  rid: number;
  id: string;
  kind: 'dataset';
  title: string;
  access_level: AccessLevel;
  metadata: string;
  latest_version: string | null;
  latest_rows: number | null;
  latest_size: number | null;
  created_at: string;
  updated_at: string;
}

export interface VersionRow {
  rid: number;
  version: string;
  seq: number;
  sha256: string;
  size_bytes: number;
  row_count: number;
  batch_count: number;
  source_format: DataFormat;
  source_sha256: string | null;
  fields: string;
  notes: string | null;
  created_at: string;
}

/** Metadata as stored: the contract's RecordMetadata plus the formats a harvested record declared. */
export interface StoredMetadata extends RecordMetadata {
  formats?: DataFormat[];
}

export function versionFromRow(id: string, v: VersionRow): DatasetVersion {
  const [ns, name] = id.split('/') as [string, string];
  const url = (route: 'object' | 'arrow' | 'csv' | 'parquet') => routePath(route, { ns, name, version: v.version });
  return {
    version: v.version,
    sha256: v.sha256,
    sizeBytes: v.size_bytes,
    rowCount: v.row_count,
    batchCount: v.batch_count,
    createdAt: v.created_at,
    sourceFormat: v.source_format,
    ...(v.source_sha256 ? { sourceSha256: v.source_sha256 } : {}),
    fields: JSON.parse(v.fields) as Field[],
    distributions: [
      // The canonical object, byte for byte: its bytes hash to `sha256`.
      {
        format: 'arrow',
        mediaType: ARROW_FILE_MEDIA_TYPE,
        sizeBytes: v.size_bytes,
        sha256: v.sha256,
        contentUrl: url('object')
      },
      // The same rows streamed, with projection and filters.
      { format: 'arrow', mediaType: ARROW_STREAM_MEDIA_TYPE, contentUrl: url('arrow') },
      { format: 'parquet', mediaType: PARQUET_MEDIA_TYPE, contentUrl: url('parquet') },
      { format: 'csv', mediaType: CSV_MEDIA_TYPE, contentUrl: url('csv') }
    ],
    ...(v.notes ? { notes: v.notes } : {})
  };
}

/** Fields of the record: the latest version's schema with the publisher's units/descriptions merged in. */
export function mergeFieldInfo(fields: Field[], info: RecordMetadata['fieldInfo']): Field[] {
  return fields.map((f) => {
    const extra = info[f.name];
    return extra
      ? {
          ...f,
          ...(extra.unit ? { unit: extra.unit } : {}),
          ...(extra.description ? { description: extra.description } : {})
        }
      : f;
  });
}

export function recordFromRows(row: RecordRow, versions: VersionRow[]): DatasetRecord {
  const meta = JSON.parse(row.metadata) as StoredMetadata;
  const { fieldInfo, formats: declared, ...rest } = meta;
  const vs = versions.map((v) => versionFromRow(row.id, v));
  const latest = vs[0];
  return {
    ...rest,
    kind: 'dataset',
    id: row.id,
    fields: latest ? mergeFieldInfo(latest.fields, fieldInfo) : [],
    versions: vs,
    ...(row.latest_version ? { latestVersion: row.latest_version } : {}),
    formats: formatsOf(declared ?? [], versions),
    createdAt: row.created_at,
    updatedAt: row.updated_at
  };
}

export function formatsOf(declared: DataFormat[], versions: { source_format: DataFormat }[]): DataFormat[] {
  return [...new Set<DataFormat>([...versions.map((v) => v.source_format), ...declared])].sort();
}

/** Facet values of a record (what search counts and filters on). */
export function facetValuesOf(meta: StoredMetadata, formats: DataFormat[]): [FacetName, string][] {
  const out: [FacetName, string][] = [
    ['license', meta.license],
    ['accessLevel', meta.accessLevel]
  ];
  if (meta.domain) out.push(['domain', meta.domain]);
  if (meta.publisher?.name) out.push(['publisher', meta.publisher.name]);
  for (const f of formats) out.push(['format', f]);
  for (const k of new Set(meta.keywords.map((k) => k.trim()).filter(Boolean))) out.push(['keywords', k]);
  return out;
}
