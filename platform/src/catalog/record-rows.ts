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
  type RecordKind,
  type RecordMetadata
} from '@genesis-lab/contract';
import type { Db } from '../db/database';

/**
 * How records, versions, fields and facet values sit in SQLite, and the one function that
 * (re)writes everything derived from a record (facets, browse totals, full-text row, fields)
 * so the indexes can never drift from the record.
 */
export interface RecordRow {
  rid: number;
  id: string;
  kind: RecordKind;
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
export function facetValuesOf(
  meta: StoredMetadata,
  formats: DataFormat[],
  kind: RecordKind = 'dataset'
): [FacetName, string][] {
  const out: [FacetName, string][] = [
    ['license', meta.license],
    ['accessLevel', meta.accessLevel],
    ['kind', kind]
  ];
  if (meta.domain) out.push(['domain', meta.domain]);
  if (meta.publisher?.name) out.push(['publisher', meta.publisher.name]);
  for (const f of formats) out.push(['format', f]);
  for (const k of new Set(meta.keywords.map((k) => k.trim()).filter(Boolean))) out.push(['keywords', k]);
  return out;
}

export interface IndexInput {
  rid: number;
  id: string;
  meta: StoredMetadata;
  fields: Field[];
  formats: DataFormat[];
  /** False for a record inserted in this transaction (nothing derived to delete yet). */
  existed: boolean;
}

/** Statements for `writeIndexes`, prepared once per database. */
export class IndexWriter {
  private readonly delFacets;
  private readonly insFacet;
  private readonly bumpSeq;
  private readonly delFts;
  private readonly insFts;
  private readonly delFields;
  private readonly insField;

  constructor(db: Db) {
    this.delFacets = db.prepare('DELETE FROM catalog_facets WHERE rid = ?');
    this.insFacet = db.prepare('INSERT OR IGNORE INTO catalog_facets (facet, value, rid) VALUES (?, ?, ?)');
    this.bumpSeq = db.prepare(
      'UPDATE catalog_records SET change_seq = (SELECT MAX(change_seq) FROM catalog_records) + 1 WHERE rid = ?'
    );
    this.delFts = db.prepare('DELETE FROM catalog_fts WHERE rowid = ?');
    this.insFts = db.prepare(
      'INSERT INTO catalog_fts (rowid, title, name, keywords, description, fields, agents) VALUES (?, ?, ?, ?, ?, ?, ?)'
    );
    this.delFields = db.prepare('DELETE FROM catalog_fields WHERE rid = ?');
    this.insField = db.prepare(
      'INSERT INTO catalog_fields (rid, position, name, type, nullable, unit, description) VALUES (?, ?, ?, ?, ?, ?, ?)'
    );
  }

  /** Rewrite facets, the full-text row and the fields of one record, and mark it changed. Call inside a transaction. */
  write(x: IndexInput): void {
    this.bumpSeq.run(x.rid);
    if (x.existed) {
      this.delFacets.run(x.rid);
      this.delFts.run(x.rid);
      this.delFields.run(x.rid);
    }
    const seen = new Set<string>();
    for (const [facet, value] of facetValuesOf(x.meta, x.formats)) {
      const key = `${facet}\u0000${value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.insFacet.run(facet, value, x.rid);
    }
    const m = x.meta;
    const fieldText = x.fields.map((f) => [f.name, f.unit, f.description].filter(Boolean).join(' ')).join(' ; ');
    const agents = [
      x.id,
      ...m.creators.flatMap((c) => [c.name, c.affiliation ?? '']),
      m.publisher?.name ?? '',
      m.domain ?? ''
    ]
      .filter(Boolean)
      .join(' ; ');
    this.insFts.run(
      x.rid,
      m.title,
      // The id's name ("seattle-weather") is a curated summary of what the record is.
      x.id.slice(x.id.indexOf('/') + 1),
      m.keywords.join(' ; '),
      m.description,
      fieldText,
      agents
    );
    x.fields.forEach((f, i) =>
      this.insField.run(x.rid, i, f.name, f.type, f.nullable ? 1 : 0, f.unit ?? null, f.description ?? null)
    );
  }
}
