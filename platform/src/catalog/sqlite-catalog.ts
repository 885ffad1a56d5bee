import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  GenesisError,
  LATEST,
  RecordId,
  RecordImport,
  RecordMetadata,
  Version,
  parseOrThrow,
  type DatasetRecord,
  type DatasetVersion,
  type Field,
  type AccessLevel,
  type AccessLevelChange,
  type CatalogRecord,
  type Principal,
  type RecordKind,
  type RecordImportInput,
  type SearchQuery,
  type SearchResult,
  type VersionList,
  type VersionSelector,
  closest
} from '@genesis-lab/contract';
import { openDatabase, type Db } from '../db/database';
import { platformMigrations } from '../db/migrations';
import type { Home } from '../home';
import { fsyncDir } from '../util/atomic';
import { dataReadable, dataRefusal, mayManageProject, recordVisible, visibleSql } from '../access/policy';
import { fieldsOf } from './arrow-types';
import { catalogMigrations } from './migrations';
import { writeArrowObject } from './object-writer';
import {
  formatsOf,
  mergeFieldInfo,
  recordFromRows,
  versionFromRow,
  type RecordRow,
  type StoredMetadata,
  type VersionRow
} from './record-rows';
import { CatalogSearch } from './search/search';
import type { SearchEngine } from './search/search-engine';
import { foldText } from './search/words';
import type { CatalogService, KindRecordInput, PublishInput, PublishResult, ResolvedVersion } from './service';

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportOptions {
  /** Records per transaction (default 5,000): each batch becomes searchable at once, never in part. */
  batchSize?: number;
  /** Number of records before these in the whole input (error messages name records by their place in it). */
  offset?: number;
  /** Called after each committed batch with the records handled so far in this call. */
  onProgress?: (records: number) => void;
}

/** Parameters of the record upsert. */
interface RecordRowValues {
  kind: RecordKind;
  id: string;
  title: string;
  titleKey: string;
  access: string;
  metadata: string;
  version: string | null;
  rows: number | null;
  size: number | null;
  updatedAt: string;
  seq: number;
}

/** A record's latest version, as its row keeps it for listing and sorting. */
interface LatestVersion {
  version: string;
  rows: number | null;
  sizeBytes: number;
}

/**
 * The catalog on SQLite + the home's content-addressed objects. One instance per database
 * connection: the platform's module creates one on the server's connection, the CLI opens
 * its own on the same home (WAL lets the running server see what the CLI commits).
 */
export class SqliteCatalog implements CatalogService {
  private readonly searcher: SearchEngine;
  private readonly byId;
  private readonly versionsOf;
  private readonly upsertRow;
  private readonly lastSeq;
  private readonly kindReaders = new Map<RecordKind, (id: string, principal: Principal) => CatalogRecord>();

  constructor(
    readonly db: Db,
    readonly home: Home
  ) {
    this.searcher = new CatalogSearch(db);
    this.byId = db.prepare<[string], RecordRow>('SELECT * FROM catalog_records WHERE id = ?');
    this.versionsOf = db.prepare<[number], VersionRow>(
      'SELECT * FROM catalog_versions WHERE rid = ? ORDER BY seq DESC'
    );
    // A new id is inserted; an existing one gets its metadata (and, from a publish, its latest
    // version) replaced; created_at and an unmentioned latest version stay.
    this.upsertRow = db
      .prepare<[RecordRowValues], number>(
        `INSERT INTO catalog_records (id, kind, title, title_key, access_level, metadata, latest_version, latest_rows,
           latest_size, created_at, updated_at, change_seq)
         VALUES (@id, @kind, @title, @titleKey, @access, @metadata, @version, @rows, @size, @updatedAt, @updatedAt,
           @seq)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, title_key = excluded.title_key,
           access_level = excluded.access_level, metadata = excluded.metadata,
           latest_version = COALESCE(excluded.latest_version, latest_version),
           latest_rows = COALESCE(excluded.latest_rows, latest_rows),
           latest_size = COALESCE(excluded.latest_size, latest_size),
           updated_at = excluded.updated_at, change_seq = excluded.change_seq
         RETURNING rid`
      )
      .pluck();
    this.lastSeq = db.prepare<[], number>('SELECT IFNULL(MAX(change_seq), 0) FROM catalog_records').pluck();
    this.rebuildSearchDocuments();
  }

  /** Open a home's database directly (CLI ingest/seed, benches): applies the platform's and the catalog's migrations. */
  static open(home: Home): SqliteCatalog {
    home.ensure();
    return new SqliteCatalog(openDatabase(home.dbPath, [...platformMigrations, ...catalogMigrations]), home);
  }

  close(): void {
    this.db.close();
  }

  // ---- reads -------------------------------------------------------------------------------

  /** Called for every grant of non-open data (the platform audits it). */
  onDataRead?: (principal: Principal, id: string, version: string, accessLevel: AccessLevel) => void;

  getRecord(id: string, principal: Principal): DatasetRecord {
    const row = this.datasetRow(id, principal);
    return recordFromRows(row, this.versionsOf.all(row.rid));
  }

  getCatalogRecord(id: string, principal: Principal): CatalogRecord {
    const row = this.visibleRow(id, principal);
    if (row.kind === 'dataset') return recordFromRows(row, this.versionsOf.all(row.rid));
    const read = this.kindReaders.get(row.kind);
    if (!read) throw new GenesisError('not_found', `"${id}" is a ${row.kind}, which this platform does not serve`);
    return read(row.id, principal);
  }

  /** A module that keeps records of another kind (models) says how to read one in full. */
  registerKind(kind: Exclude<RecordKind, 'dataset'>, read: (id: string, principal: Principal) => CatalogRecord): void {
    this.kindReaders.set(kind, read);
  }

  /**
   * Write the catalog row and search document of a record of another kind (a model), inside the
   * caller's transaction; call `searchChanged()` after it commits. Answers the record's rid.
   */
  writeKindRecord(x: KindRecordInput): number {
    const existing = this.byId.get(x.id);
    if (existing && existing.kind !== x.kind)
      throw new GenesisError('conflict', `"${x.id}" is already a ${existing.kind} in the catalog`, {
        hint: 'Choose another id'
      });
    const rid = this.upsertRecord(
      x.id,
      x.meta,
      JSON.stringify(x.meta),
      x.updatedAt,
      this.lastSeq.get()! + 1,
      {
        version: x.latestVersion,
        rows: null,
        sizeBytes: x.sizeBytes
      },
      x.kind
    );
    this.searcher.write(rid, { id: x.id, meta: x.meta, fields: fieldsOfInfo(x.meta), formats: [], kind: x.kind });
    return rid;
  }

  /** Tell search that records changed (after a commit of `writeKindRecord`). */
  searchChanged(): void {
    this.searcher.changed();
  }

  /** The dataset row of a visible record; a record of another kind is not a dataset (404 saying what it is). */
  private datasetRow(id: string, principal: Principal): RecordRow {
    const row = this.visibleRow(id, principal);
    if (row.kind !== 'dataset')
      throw new GenesisError('not_found', `"${id}" is a ${row.kind}, not a dataset`, {
        hint: row.kind === 'model' ? `Its versions: GET /api/models/${id}/versions` : undefined
      });
    return row;
  }

  versions(id: string, principal: Principal): VersionList {
    const row = this.datasetRow(id, principal);
    return { id: row.id, versions: this.versionsOf.all(row.rid).map((v) => versionFromRow(row.id, v)) };
  }

  /** Version metadata (no data access check: metadata of controlled records is public). */
  getVersion(id: string, selector: VersionSelector, principal: Principal): DatasetVersion {
    const row = this.datasetRow(id, principal);
    return versionFromRow(row.id, this.versionRow(row, selector));
  }

  resolve(id: string, selector: VersionSelector, principal: Principal): ResolvedVersion {
    const row = this.datasetRow(id, principal);
    const v = this.versionRow(row, selector);
    const owned = { accessLevel: row.access_level, project: row.project };
    if (!dataReadable(principal, owned)) throw dataRefusal(row.id, principal, owned);
    if (row.access_level !== 'open') this.onDataRead?.(principal, row.id, v.version, row.access_level);
    const versions = this.versionsOf.all(row.rid);
    const version = versionFromRow(row.id, v);
    const objectPath = this.home.objectPath(v.sha256);
    checkStoredObject(`${row.id}@${version.version}`, objectPath, version.sizeBytes);
    return { record: recordFromRows(row, versions), version, objectPath };
  }

  search(query: SearchQuery, principal: Principal): SearchResult {
    return this.searcher.search(query, principal);
  }

  /** Load the search index now instead of on the first search (the platform does at start). */
  warmSearch(): void {
    this.searcher.warm();
  }

  /** Drop cached search results (benchmarks use it to measure cold searches). */
  clearSearchCache(): void {
    this.searcher.clearCache();
  }

  get searchCacheStats(): { hits: number; misses: number } {
    return { ...this.searcher.cacheStats };
  }

  get searchIndexStats(): SearchEngine['indexStats'] {
    return this.searcher.indexStats;
  }

  count(principal: Principal): number {
    const where = visibleSql(principal);
    const row = this.db
      .prepare<unknown[], { n: number }>(
        `SELECT COUNT(*) AS n FROM catalog_records WHERE kind = 'dataset' AND (${where.sql})`
      )
      .get(...where.params);
    return row?.n ?? 0;
  }

  /** The record if the principal may know it exists; otherwise "not found", with only visible ids suggested. */
  private visibleRow(id: string, principal: Principal): RecordRow {
    const row = this.byId.get(id);
    if (row && recordVisible(principal, { accessLevel: row.access_level, project: row.project })) return row;
    const where = visibleSql(principal);
    const ids = this.db
      .prepare<unknown[], { id: string }>(`SELECT id FROM catalog_records WHERE ${where.sql}`)
      .all(...where.params)
      .map((r) => r.id);
    const suggestions = closest(id, ids);
    return notFound(`No record "${id}" in the catalog`, suggestions, 'Search the catalog: genesis search <words>');
  }

  private versionRow(row: RecordRow, selector: VersionSelector): VersionRow {
    const versions = this.versionsOf.all(row.rid);
    if (selector === LATEST) {
      const latest = versions[0];
      if (!latest)
        return notFound(
          `"${row.id}" has no data yet: its record was imported without versions`,
          [],
          'Ingest data for it: genesis ingest FILE --id ' + row.id
        );
      return latest;
    }
    const v = versions.find((x) => x.version === selector);
    if (!v)
      return notFound(
        `"${row.id}" has no version "${selector}"`,
        closest(
          selector,
          versions.map((x) => x.version)
        ).map((s) => `${row.id}@${s}`),
        versions.length
          ? `Its versions: ${versions
              .slice(0, 10)
              .map((x) => x.version)
              .join(', ')}; or use "latest"`
          : undefined
      );
    return v;
  }

  // ---- writes ------------------------------------------------------------------------------

  /**
   * Change a record's access level and/or project (maintainers of its project, and of the new
   * one). Its row and search document are rewritten in one transaction, so search, facets and
   * cached results follow at once (the index generation moves).
   */
  setAccess(
    id: string,
    change: AccessLevelChange,
    principal: Principal,
    onChanged?: (before: { accessLevel: AccessLevel; project: string }) => void
  ): DatasetRecord {
    const row = this.visibleRow(id, principal);
    const from = { accessLevel: row.access_level, project: row.project };
    const to = change.project ?? row.project;
    if (!mayManageProject(principal, row.project) || !mayManageProject(principal, to))
      throw new GenesisError(
        'forbidden',
        `Only maintainers of project "${row.project}"${to !== row.project ? ` and "${to}"` : ''} change the access of "${id}"`
      );
    try {
      this.db
        .transaction(() => {
          const previous = JSON.parse(row.metadata) as StoredMetadata;
          const meta: StoredMetadata = { ...previous, accessLevel: change.accessLevel, project: to };
          const now = new Date().toISOString();
          const rid = this.upsertRecord(id, meta, JSON.stringify(meta), now, this.lastSeq.get()! + 1);
          const versions = this.versionsOf.all(rid);
          this.searcher.write(rid, {
            id,
            meta,
            fields: mergeFieldInfo(versions[0] ? (JSON.parse(versions[0].fields) as Field[]) : [], meta.fieldInfo),
            formats: formatsOf(meta.formats ?? [], versions)
          });
          onChanged?.(from);
        })
        .immediate();
    } finally {
      this.searcher.changed();
    }
    const fresh = this.byId.get(id)!;
    return recordFromRows(fresh, this.versionsOf.all(fresh.rid));
  }

  async publish(input: PublishInput): Promise<PublishResult> {
    const id = parseOrThrow(RecordId, input.id, 'id', 'invalid_ref');
    const version = input.version === undefined ? undefined : parseOrThrow(Version, input.version, 'version');
    const metadata =
      input.metadata === undefined ? undefined : parseOrThrow(RecordMetadata, input.metadata, 'metadata');
    if (!metadata && !this.byId.get(id))
      throw new GenesisError('bad_request', `"${id}" is new: its first version needs record metadata`, {
        hint: 'Pass --meta record.json with at least {"title": "...", "license": "CC-BY-4.0"}'
      });

    const tmp = this.home.tmpPath('ingest');
    const written = await writeArrowObject(tmp, input.schema, input.batches, input.onProgress);
    try {
      return this.db.transaction(() => this.commitVersion(id, version, metadata, input, written)).immediate();
    } finally {
      this.searcher.changed();
      fs.rmSync(tmp, { force: true });
    }
  }

  private commitVersion(
    id: string,
    wanted: string | undefined,
    metadata: RecordMetadata | undefined,
    input: PublishInput,
    written: Awaited<ReturnType<typeof writeArrowObject>>
  ): PublishResult {
    const now = new Date().toISOString();
    const row = this.byId.get(id);
    const existing = row ? this.versionsOf.all(row.rid) : [];
    const label = wanted ?? defaultVersionLabel(existing, written.sha256);
    const same = existing.find((v) => v.version === label);
    if (same) {
      if (same.sha256 === written.sha256) {
        return { record: recordFromRows(row!, existing), version: versionFromRow(id, same), created: false };
      }
      throw new GenesisError(
        'conflict',
        `"${id}@${label}" already exists with different content (sha256 ${same.sha256.slice(0, 12)}…, this data ${written.sha256.slice(0, 12)}…); versions are immutable`,
        { hint: 'Publish it under a new version (--version), or leave --version out to get the next number' }
      );
    }

    // The object goes into place inside the transaction: if anything below fails, it is only an unreferenced file.
    const target = this.home.objectPath(written.sha256);
    if (!fs.existsSync(target)) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(written.tmpPath, target);
      fsyncDir(path.dirname(target));
    }

    const previous = row ? (JSON.parse(row.metadata) as StoredMetadata) : undefined;
    const meta: StoredMetadata = metadata ? { ...metadata, formats: previous?.formats ?? [] } : previous!;
    const fields = fieldsOf(input.schema);
    const rid = this.upsertRecord(id, meta, JSON.stringify(meta), now, this.lastSeq.get()! + 1, {
      version: label,
      rows: written.rowCount,
      sizeBytes: written.sizeBytes
    });
    const seq = (existing[0]?.seq ?? 0) + 1;
    this.db
      .prepare(
        `INSERT INTO catalog_versions (rid, version, seq, sha256, size_bytes, row_count, batch_count, source_format,
           source_sha256, fields, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`
      )
      .run(
        rid,
        label,
        seq,
        written.sha256,
        written.sizeBytes,
        written.rowCount,
        written.batchCount,
        input.sourceFormat,
        input.sourceSha256 ?? null,
        JSON.stringify(fields),
        now
      );
    const versions = this.versionsOf.all(rid);
    this.searcher.write(rid, {
      id,
      meta,
      fields: mergeFieldInfo(fields, meta.fieldInfo),
      formats: formatsOf(meta.formats ?? [], versions)
    });
    const fresh = this.byId.get(id)!;
    const v = versions.find((x) => x.version === label)!;
    return { record: recordFromRows(fresh, versions), version: versionFromRow(id, v), created: true };
  }

  /**
   * Bulk metadata import, as a harvester delivers records from another catalog: validated,
   * written in transactions of `batchSize` (one statement per record and one for its search
   * document), each batch searchable at once and never in part. A record that exists gets its
   * metadata replaced (its versions stay); an identical one is left alone.
   */
  importRecords(records: Iterable<RecordImportInput>, opts: ImportOptions = {}): ImportResult {
    const result: ImportResult = { created: 0, updated: 0, unchanged: 0 };
    const batchSize = opts.batchSize ?? 5000;
    const writeBatch = this.db.transaction((batch: RecordImport[]) => {
      let seq = this.lastSeq.get()!;
      const now = new Date().toISOString();
      for (const rec of batch) {
        const { id, kind: _kind, formats, updatedAt, ...metaOnly } = rec;
        const meta: StoredMetadata = { ...metaOnly, formats };
        const json = JSON.stringify(meta);
        const row = this.byId.get(id);
        if (row && row.metadata === json) {
          result.unchanged++;
          continue;
        }
        const rid = this.upsertRecord(id, meta, json, updatedAt ?? now, ++seq);
        const versions = row ? this.versionsOf.all(rid) : [];
        this.searcher.write(rid, {
          id,
          meta,
          fields: mergeFieldInfo(versions[0] ? (JSON.parse(versions[0].fields) as Field[]) : [], meta.fieldInfo),
          formats: formatsOf(formats, versions)
        });
        if (row) result.updated++;
        else result.created++;
      }
    });
    let batch: RecordImport[] = [];
    // `offset` numbers records across calls, so an error names the record's place in the whole input.
    const first = opts.offset ?? 0;
    let n = first;
    const flush = () => {
      writeBatch.immediate(batch);
      batch = [];
      opts.onProgress?.(n - first);
    };
    try {
      for (const raw of records) {
        batch.push(parseOrThrow(RecordImport, raw, `records[${n}]`));
        n++;
        if (batch.length >= batchSize) flush();
      }
      if (batch.length) flush();
    } finally {
      this.searcher.changed();
    }
    return result;
  }

  /** The one write of a record's row (insert or update, see upsertRow); returns its rid. Call inside a transaction. */
  private upsertRecord(
    id: string,
    meta: StoredMetadata,
    json: string,
    updatedAt: string,
    seq: number,
    latest?: LatestVersion,
    kind: RecordKind = 'dataset'
  ): number {
    return this.upsertRow.get({
      kind,
      id,
      title: meta.title,
      titleKey: titleKey(meta.title),
      access: meta.accessLevel,
      metadata: json,
      version: latest?.version ?? null,
      rows: latest?.rows ?? null,
      size: latest?.sizeBytes ?? null,
      updatedAt,
      seq
    })!;
  }

  /**
   * Records listed in `catalog_search_rebuild` (those from before search documents existed,
   * see migrations.ts) get their search documents, once, by whichever process opens first.
   */
  private rebuildSearchDocuments(): void {
    if (!this.db.prepare('SELECT 1 FROM catalog_search_rebuild LIMIT 1').get()) return;
    this.db
      .transaction(() => {
        const rows = this.db
          .prepare<[], RecordRow>('SELECT r.* FROM catalog_records r JOIN catalog_search_rebuild b ON b.rid = r.rid')
          .all();
        const bump = this.db.prepare('UPDATE catalog_records SET change_seq = ? WHERE rid = ?');
        let seq = this.lastSeq.get()!;
        for (const row of rows) {
          const meta = JSON.parse(row.metadata) as StoredMetadata;
          const versions = this.versionsOf.all(row.rid);
          const fields = versions[0] ? (JSON.parse(versions[0].fields) as Field[]) : [];
          this.searcher.write(row.rid, {
            id: row.id,
            meta,
            fields: row.kind === 'dataset' ? mergeFieldInfo(fields, meta.fieldInfo) : fieldsOfInfo(meta),
            formats: formatsOf(meta.formats ?? [], versions),
            kind: row.kind
          });
          bump.run(++seq, row.rid);
        }
        this.db.prepare('DELETE FROM catalog_search_rebuild').run();
      })
      .immediate();
    this.searcher.changed();
  }
}

/** A record without data (a model) is searchable by the columns its metadata describes (signature names, units). */
function fieldsOfInfo(meta: StoredMetadata): Field[] {
  return Object.entries(meta.fieldInfo ?? {}).map(([name, info]) => ({
    name,
    type: 'signature',
    nullable: false,
    ...(info.unit ? { unit: info.unit } : {}),
    ...(info.description ? { description: info.description } : {})
  }));
}

/** What titles sort by: folded as search folds words (lower case, no diacritics). */
const titleKey = foldText;

/**
 * Without --version: identical content to an existing version is that version (a no-op);
 * otherwise the next whole number after the highest numeric label ("1", "2", ...).
 */
export function defaultVersionLabel(existing: { version: string; sha256: string }[], sha256: string): string {
  const same = existing.find((v) => v.sha256 === sha256);
  if (same) return same.version;
  const numbers = existing.map((v) => (/^\d+$/.test(v.version) ? Number(v.version) : 0));
  return String(Math.max(0, ...numbers) + 1);
}

function notFound(message: string, suggestions: string[], hint?: string): never {
  throw new GenesisError('not_found', message, {
    ...(suggestions.length ? { suggestions } : {}),
    ...(hint ? { hint } : {})
  });
}

/**
 * A published version's object must be there, whole, before any byte of it is sent or staged:
 * one that went missing or was cut short behind the platform's back (a disk fault, a
 * hand-edited home) is refused with what is wrong, instead of a 500, a stream that stops
 * midway, or a job that reads half a file. (Same size with other bytes is not caught here:
 * that would need reading the whole object on every pull.)
 */
function checkStoredObject(ref: string, objectPath: string, sizeBytes: number): void {
  const st = fs.statSync(objectPath, { throwIfNoEntry: false });
  const hint =
    'Ingest the source again (the same content gives the same version and object) or restore the home from a backup';
  if (!st) throw new GenesisError('not_found', `The stored data of ${ref} is missing (${objectPath})`, { hint });
  if (st.size !== sizeBytes)
    throw new GenesisError(
      'unprocessable',
      `The stored data of ${ref} is damaged: ${st.size} bytes where ${sizeBytes} were published (${objectPath})`,
      { hint }
    );
}
