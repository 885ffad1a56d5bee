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
  type Principal,
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
import { dataForbidden, dataReadable, metadataVisible, visibleLevels } from './access';
import { fieldsOf } from './arrow-types';
import { catalogMigrations } from './migrations';
import { writeArrowObject } from './object-writer';
import {
  IndexWriter,
  formatsOf,
  mergeFieldInfo,
  recordFromRows,
  versionFromRow,
  type RecordRow,
  type StoredMetadata,
  type VersionRow
} from './record-rows';
import { CatalogSearch } from './search/search';
import type { CatalogService, PublishInput, PublishResult, ResolvedVersion } from './service';

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * The catalog on SQLite + the home's content-addressed objects. One instance per database
 * connection: the platform's module creates one on the server's connection, the CLI opens
 * its own on the same home (WAL lets the running server see what the CLI commits).
 */
export class SqliteCatalog implements CatalogService {
  private readonly index: IndexWriter;
  private readonly searcher: CatalogSearch;
  private readonly byId;
  private readonly versionsOf;

  constructor(
    readonly db: Db,
    readonly home: Home
  ) {
    this.index = new IndexWriter(db);
    this.searcher = new CatalogSearch(db);
    this.byId = db.prepare<[string], RecordRow>('SELECT * FROM catalog_records WHERE id = ?');
    this.versionsOf = db.prepare<[number], VersionRow>(
      'SELECT * FROM catalog_versions WHERE rid = ? ORDER BY seq DESC'
    );
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

  getRecord(id: string, principal: Principal): DatasetRecord {
    const row = this.visibleRow(id, principal);
    return recordFromRows(row, this.versionsOf.all(row.rid));
  }

  versions(id: string, principal: Principal): VersionList {
    const row = this.visibleRow(id, principal);
    return { id: row.id, versions: this.versionsOf.all(row.rid).map((v) => versionFromRow(row.id, v)) };
  }

  /** Version metadata (no data access check: metadata of controlled records is public). */
  getVersion(id: string, selector: VersionSelector, principal: Principal): DatasetVersion {
    const row = this.visibleRow(id, principal);
    return versionFromRow(row.id, this.versionRow(row, selector));
  }

  resolve(id: string, selector: VersionSelector, principal: Principal): ResolvedVersion {
    const row = this.visibleRow(id, principal);
    const v = this.versionRow(row, selector);
    if (!dataReadable(principal, row.access_level)) throw dataForbidden(row.id, row.access_level);
    const versions = this.versionsOf.all(row.rid);
    return {
      record: recordFromRows(row, versions),
      version: versionFromRow(row.id, v),
      objectPath: this.home.objectPath(v.sha256)
    };
  }

  search(query: SearchQuery, principal: Principal): SearchResult {
    return this.searcher.search(query, principal);
  }

  /** Drop cached full-text matches (benchmarks use it to measure cold searches). */
  clearSearchCache(): void {
    this.searcher.clearCache();
  }

  get searchCacheStats(): { hits: number; misses: number } {
    return { ...this.searcher.cacheStats };
  }

  count(principal: Principal): number {
    const levels = visibleLevels(principal);
    const row = this.db
      .prepare<unknown[], { n: number }>(
        `SELECT COUNT(*) AS n FROM catalog_records WHERE access_level IN (${levels.map(() => '?').join(', ')})`
      )
      .get(...levels);
    return row?.n ?? 0;
  }

  private visibleRow(id: string, principal: Principal): RecordRow {
    const row = this.byId.get(id);
    if (row && metadataVisible(principal, row.access_level)) return row;
    const levels = visibleLevels(principal);
    const ids = this.db
      .prepare<unknown[], { id: string }>(
        `SELECT id FROM catalog_records WHERE access_level IN (${levels.map(() => '?').join(', ')})`
      )
      .all(...levels)
      .map((r) => r.id);
    const suggestions = closest(id, ids);
    return notFound(`No dataset "${id}" in the catalog`, suggestions, 'Search the catalog: genesis search <words>');
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
      this.searcher.index.markDirty();
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
    let row = this.byId.get(id);
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
    const existed = row !== undefined;
    if (!row) {
      const info = this.db
        .prepare(
          `INSERT INTO catalog_records (id, kind, title, title_key, access_level, metadata, created_at, updated_at, change_seq)
           VALUES (?, 'dataset', ?, ?, ?, ?, ?, ?, 0)`
        )
        .run(id, meta.title, titleKey(meta.title), meta.accessLevel, JSON.stringify(meta), now, now);
      row = this.db
        .prepare<[number], RecordRow>('SELECT * FROM catalog_records WHERE rid = ?')
        .get(Number(info.lastInsertRowid))!;
    }
    const seq = (existing[0]?.seq ?? 0) + 1;
    this.db
      .prepare(
        `INSERT INTO catalog_versions (rid, version, seq, sha256, size_bytes, row_count, batch_count, source_format,
           source_sha256, fields, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`
      )
      .run(
        row.rid,
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
    this.db
      .prepare(
        `UPDATE catalog_records SET title = ?, title_key = ?, access_level = ?, metadata = ?, latest_version = ?,
           latest_rows = ?, latest_size = ?, updated_at = ? WHERE rid = ?`
      )
      .run(
        meta.title,
        titleKey(meta.title),
        meta.accessLevel,
        JSON.stringify(meta),
        label,
        written.rowCount,
        written.sizeBytes,
        now,
        row.rid
      );
    const versions = this.versionsOf.all(row.rid);
    this.index.write({
      rid: row.rid,
      id,
      meta,
      fields: mergeFieldInfo(fields, meta.fieldInfo),
      formats: formatsOf(meta.formats ?? [], versions),
      existed
    });
    const fresh = this.byId.get(id)!;
    const v = versions.find((x) => x.version === label)!;
    return { record: recordFromRows(fresh, versions), version: versionFromRow(id, v), created: true };
  }

  /**
   * Bulk metadata import, as a harvester delivers records from another catalog: validated,
   * written in transactions of `batchSize`, searchable at once. A record that exists gets its
   * metadata replaced (its versions stay); an identical one is left alone.
   */
  importRecords(
    records: Iterable<RecordImportInput>,
    opts: { batchSize?: number; offset?: number } = {}
  ): ImportResult {
    const result: ImportResult = { created: 0, updated: 0, unchanged: 0 };
    const batchSize = opts.batchSize ?? 5000;
    const insert = this.db.prepare(
      `INSERT INTO catalog_records (id, kind, title, title_key, access_level, metadata, created_at, updated_at, change_seq)
       VALUES (?, 'dataset', ?, ?, ?, ?, ?, ?, 0)`
    );
    const update = this.db.prepare(
      'UPDATE catalog_records SET title = ?, title_key = ?, access_level = ?, metadata = ?, updated_at = ? WHERE rid = ?'
    );
    const fieldsOfRid = this.db.prepare<[number], { fields: string }>(
      'SELECT fields FROM catalog_versions WHERE rid = ? ORDER BY seq DESC LIMIT 1'
    );
    const writeBatch = this.db.transaction((batch: RecordImport[]) => {
      for (const rec of batch) {
        const { id, kind: _kind, formats, updatedAt, ...metaOnly } = rec;
        const meta: StoredMetadata = { ...metaOnly, formats };
        const json = JSON.stringify(meta);
        const now = updatedAt ?? new Date().toISOString();
        const row = this.byId.get(id);
        if (row && row.metadata === json) {
          result.unchanged++;
          continue;
        }
        let rid: number;
        if (row) {
          update.run(meta.title, titleKey(meta.title), meta.accessLevel, json, now, row.rid);
          rid = row.rid;
          result.updated++;
        } else {
          rid = Number(
            insert.run(id, meta.title, titleKey(meta.title), meta.accessLevel, json, now, now).lastInsertRowid
          );
          result.created++;
        }
        const versions = row ? this.versionsOf.all(rid) : [];
        const latestFields = row ? fieldsOfRid.get(rid) : undefined;
        this.index.write({
          rid,
          id,
          meta,
          fields: mergeFieldInfo(latestFields ? JSON.parse(latestFields.fields) : [], meta.fieldInfo),
          formats: formatsOf(formats, versions),
          existed: row !== undefined
        });
      }
    });
    let batch: RecordImport[] = [];
    // `offset` numbers records across calls, so an error names the record's place in the whole input.
    let n = opts.offset ?? 0;
    try {
      for (const raw of records) {
        batch.push(parseOrThrow(RecordImport, raw, `records[${n}]`));
        n++;
        if (batch.length >= batchSize) {
          writeBatch.immediate(batch);
          batch = [];
        }
      }
      if (batch.length) writeBatch.immediate(batch);
    } finally {
      this.searcher.index.markDirty();
    }
    return result;
  }
}

function titleKey(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

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
