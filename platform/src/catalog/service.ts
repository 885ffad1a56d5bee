import type { StoredMetadata } from './record-rows';
import type {
  CatalogRecord,
  RecordKind,
  DataFormat,
  DatasetRecord,
  DatasetVersion,
  Principal,
  AccessLevel,
  AccessLevelChange,
  RecordMetadataInput,
  SearchQuery,
  SearchResult,
  VersionList,
  VersionSelector
} from '@genesis-lab/contract';
import type { RecordBatch, Schema } from 'apache-arrow';
import { ServiceKey } from '../services';

/** A concrete, published dataset version and where its canonical Arrow IPC file is. */
export interface ResolvedVersion {
  record: DatasetRecord;
  version: DatasetVersion;
  /** Absolute path of the immutable Arrow IPC *file* (random-access format) holding the rows. */
  objectPath: string;
}

export interface PublishInput {
  id: string;
  /** Version label; when absent the platform derives one (see implementation). */
  version?: string;
  /** Record metadata; required the first time an id is published, merged afterwards. */
  metadata?: RecordMetadataInput;
  sourceFormat: DataFormat;
  sourceSha256?: string;
  /** Arrow schema of the rows; field metadata may carry units. */
  schema: Schema;
  /** The rows, in record batches. Consumed once. */
  batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>;
  /** Called as rows are written. */
  onProgress?: (rowsWritten: number) => void;
}

export interface PublishResult {
  record: DatasetRecord;
  version: DatasetVersion;
  /** False when the identical version was already published (idempotent re-ingest). */
  created: boolean;
}

/**
 * The catalog: records, immutable content-addressed versions, search. Usable inside the
 * server and standalone (the CLI's ingest and seed open the home directly).
 * Every read takes a principal so access filtering happens before anything is counted.
 */
/** A record of another kind (a model) as its module writes it into the catalog. */
export interface KindRecordInput {
  kind: Exclude<RecordKind, 'dataset'>;
  id: string;
  meta: StoredMetadata;
  latestVersion: string;
  sizeBytes: number;
  updatedAt: string;
}

export interface CatalogService {
  /** The dataset record, or `not_found` with the closest visible ids as suggestions (a model id says it is one). */
  getRecord(id: string, principal: Principal): DatasetRecord;
  /** The record of any kind (a dataset or a model): what `GET /api/catalog/records/{ns}/{name}` answers. */
  getCatalogRecord(id: string, principal: Principal): CatalogRecord;
  /** A module keeping records of another kind (models) says how to read one in full. */
  registerKind(kind: Exclude<RecordKind, 'dataset'>, read: (id: string, principal: Principal) => CatalogRecord): void;
  /**
   * Write the catalog row and search document of a record of another kind, inside the caller's
   * transaction on the same database; `searchChanged()` after the commit. Answers its rid.
   */
  writeKindRecord(x: KindRecordInput): number;
  searchChanged(): void;
  /** Resolve `latest` or a concrete version; `not_found` (with suggestions) for unknown ids/versions. */
  resolve(id: string, selector: VersionSelector, principal: Principal): ResolvedVersion;
  /** Versions of a visible record, newest first (metadata: allowed for controlled records too). */
  versions(id: string, principal: Principal): VersionList;
  /** One version's metadata, resolving `latest`; no data clearance needed. */
  getVersion(id: string, selector: VersionSelector, principal: Principal): DatasetVersion;
  search(query: SearchQuery, principal: Principal): SearchResult;
  /**
   * Write rows as a new immutable version and publish it atomically: nothing is visible
   * until the object file is complete and the row is committed. Same id+version with
   * identical bytes is a no-op (`created: false`); with different bytes it is `conflict` (409).
   */
  publish(input: PublishInput): Promise<PublishResult>;
  /**
   * Change a record's access level / project (maintainers); `onChanged` runs inside the write's
   * transaction (the audit entry commits with the change).
   */
  setAccess(
    id: string,
    change: AccessLevelChange,
    principal: Principal,
    onChanged?: (before: { accessLevel: AccessLevel; project: string }) => void
  ): DatasetRecord;
  /** Count of visible records (for /api/health). */
  count(principal: Principal): number;
  /** Load the search index now (at start, so no user's first search waits for it). */
  warmSearch(): void;
  /** Hits and misses of the search result cache since start (reported by /api/health). */
  readonly searchCacheStats: { hits: number; misses: number };
}

/** The catalog as the other modules of a platform find it. */
export const CATALOG_SERVICE = new ServiceKey<CatalogService>('catalog');
