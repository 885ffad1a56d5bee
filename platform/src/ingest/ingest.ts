import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Field, RecordBatch, Schema, type DataType } from 'apache-arrow';
import {
  GenesisError,
  parseOrThrow,
  RecordMetadata,
  type DataFormat,
  type DatasetRecord,
  type DatasetVersion,
  type PublishedColumn,
  type RecordMetadataInput
} from '@genesis-lab/contract';
import { typeName } from '../catalog/arrow-types';
import type { CatalogService } from '../catalog/service';
import { BatchBuilder, ConversionError, type ColumnPlan } from './batch-builder';
import { checkTypeOverrides, existingFieldInfo, fieldMetadata, finalNames, type FieldInfo } from './column-plan';
import type { ColumnType } from './column-type';
import { detectFormat, sourceFor } from './formats';
import type { TextSource, TypedSource } from './source';
import { sha256File } from '../util/file-chunks';

export interface IngestProgress {
  phase: 'scan' | 'write';
  /** Bytes of the source read in this phase (text formats) or rows written (binary formats). */
  done: number;
  total: number;
  unit: 'bytes' | 'rows';
  rows: number;
  /** What `rows` counts, as progress lines name it (default rows; a records import says records). */
  items?: 'rows' | 'records';
}

export interface IngestOptions {
  file: string;
  id: string;
  version?: string;
  /** Record metadata (validated with the contract; errors name the JSON path). */
  metadata?: unknown;
  /** Source format; detected from the extension (and, for JSON, the first bytes) when absent. */
  format?: DataFormat;
  /** Source column name -> name in the catalog. */
  rename?: Record<string, string>;
  /** Column (catalog name) -> type, instead of the inferred one (e.g. epoch-ms numbers as timestamp). */
  types?: Record<string, ColumnType>;
  onProgress?: (p: IngestProgress) => void;
}

/** A column as published (the contract's shape, so the CLI and the HTTP answer agree). */
export type IngestedColumn = PublishedColumn;

export interface IngestReport {
  record: DatasetRecord;
  version: DatasetVersion;
  created: boolean;
  format: DataFormat;
  columns: IngestedColumn[];
}

/**
 * Ingest one file as a new immutable version of `id`: detect the format, infer column types
 * (text formats: a first pass over the whole file, so a late conflicting value promotes the
 * type instead of failing), convert in a second pass into canonical batches, and publish
 * atomically through the catalog. Memory stays at about one batch whatever the file size.
 */
export async function ingestFile(catalog: CatalogService, opts: IngestOptions): Promise<IngestReport> {
  if (!fs.existsSync(opts.file) || !fs.statSync(opts.file).isFile())
    throw new GenesisError('not_found', `No file ${opts.file}`);
  if (fs.statSync(opts.file).size === 0) throw new GenesisError('unprocessable', `${opts.file} is empty`);
  const metadata = opts.metadata === undefined ? undefined : parseOrThrow(RecordMetadata, opts.metadata, 'metadata');
  const fieldInfo = metadata?.fieldInfo ?? existingFieldInfo(catalog, opts.id);
  const { format, layout } = detectFormat(opts.file, opts.format);
  const total = fs.statSync(opts.file).size;

  const source = sourceFor(opts.file, format, layout);
  const prepared = source.typed
    ? await fromTyped(source, opts, format, fieldInfo)
    : await fromText(source, opts, fieldInfo, total);

  const result = await catalog.publish({
    id: opts.id,
    ...(opts.version !== undefined ? { version: opts.version } : {}),
    ...(opts.metadata !== undefined ? { metadata: opts.metadata as RecordMetadataInput } : {}),
    sourceFormat: format,
    sourceSha256: prepared.sourceSha256,
    schema: prepared.schema,
    batches: prepared.batches(),
    onProgress: (rows) =>
      opts.onProgress?.({
        phase: 'write',
        done: prepared.unit === 'rows' ? rows : Math.min(prepared.bytesRead(), total),
        total: prepared.unit === 'rows' ? prepared.totalRows : total,
        unit: prepared.unit,
        rows
      })
  });
  return { ...result, format, columns: prepared.columns };
}

interface Prepared {
  schema: Schema;
  batches: () => AsyncGenerator<RecordBatch>;
  columns: IngestedColumn[];
  sourceSha256: string;
  unit: 'bytes' | 'rows';
  totalRows: number;
  bytesRead: () => number;
}

/** CSV and JSON: the source's scan infers the types (and hashes the file), its rows are converted. */
async function fromText(
  source: TextSource,
  opts: IngestOptions,
  fieldInfo: FieldInfo,
  total: number
): Promise<Prepared> {
  const hash = createHash('sha256');
  // The scan runs a chunk behind the bytes it reports; its last report is exact.
  const scanProgress = (done: number, rows: number) =>
    opts.onProgress?.({ phase: 'scan', done, total, unit: 'bytes', rows });
  const scan = await source.scan(hash, scanProgress);
  if (scan.rows === 0 || scan.columns.length === 0)
    throw new GenesisError('unprocessable', `${opts.file} has no data rows`, { hint: 'Nothing was published' });
  scanProgress(total, scan.rows);

  const names = finalNames(scan.columns, opts.rename);
  checkTypeOverrides(names, opts.types);
  const plans: ColumnPlan[] = names.map((name, c) => ({
    name,
    type: opts.types?.[name] ?? scan.inference[c]!.type,
    unit: scan.inference[c]!.unit,
    metadata: fieldMetadata(fieldInfo, name)
  }));
  const builder = new BatchBuilder(plans, source.emptyIsNull);
  let bytesRead = 0;
  return {
    schema: builder.schema,
    sourceSha256: hash.digest('hex'),
    unit: 'bytes',
    totalRows: scan.rows,
    bytesRead: () => bytesRead,
    columns: plans.map((p, c) => ({
      name: p.name,
      type: typeName(builder.schema.fields[c]!.type),
      nulls: scan.inference[c]!.nulls,
      inferred: opts.types?.[p.name] === undefined
    })),
    batches: async function* () {
      for await (const { where, values } of source.rows(scan, (done) => (bytesRead = done))) {
        let batch: RecordBatch | undefined;
        try {
          batch = builder.append(values);
        } catch (err) {
          if (err instanceof ConversionError)
            throw new GenesisError('unprocessable', `${opts.file}, ${where()}: ${err.message}`, {
              hint: 'Nothing was published. Fix the value or change the column type'
            });
          throw err;
        }
        if (batch) yield batch;
      }
      const last = builder.flush();
      if (last) yield last;
    }
  };
}

/** Parquet and Arrow already carry types: rename columns and attach units, keep the data as is. */
async function fromTyped(
  source: TypedSource,
  opts: IngestOptions,
  format: DataFormat,
  fieldInfo: FieldInfo
): Promise<Prepared> {
  if (opts.types && Object.keys(opts.types).length)
    throw new GenesisError('bad_request', `Column types cannot be overridden for ${format} input: it is already typed`);
  const sourceSha256 = await sha256File(opts.file);
  const src = await source.open();
  const names = finalNames(
    src.schema.fields.map((f) => f.name),
    opts.rename
  );
  const schema = new Schema(
    src.schema.fields.map(
      (f, i) => new Field(names[i]!, f.type as DataType, f.nullable, fieldMetadata(fieldInfo, names[i]!, f.metadata))
    ),
    src.schema.metadata
  );
  return {
    schema,
    sourceSha256,
    unit: 'rows',
    totalRows: src.rows,
    bytesRead: () => 0,
    columns: schema.fields.map((f) => ({ name: f.name, type: typeName(f.type), inferred: false })),
    batches: async function* () {
      for await (const b of src.batches()) yield new RecordBatch(schema, b.data);
    }
  };
}
