import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Field, RecordBatch, Schema, type DataType } from 'apache-arrow';
import {
  ARROW_META,
  GenesisError,
  OWNER,
  parseOrThrow,
  RecordMetadata,
  type DataFormat,
  type DatasetRecord,
  type DatasetVersion,
  type RecordMetadataInput
} from '@genesis-lab/contract';
import { typeName } from '../catalog/arrow-types';
import type { CatalogService } from '../catalog/service';
import { BatchBuilder, ConversionError, type ColumnPlan } from './batch-builder';
import { ColumnInference, classifyJson, classifyText, COLUMN_TYPES, type ColumnType } from './column-type';
import { openArrow } from './sources/arrow';
import { csvRecordChunks } from './sources/csv';
import { sha256File } from './sources/file-bytes';
import { featureRow, GeometryScan, isFeature } from './sources/geojson';
import { jsonValues, sniffJsonLayout, type JsonLayout } from './sources/json';
import { openParquet } from './sources/parquet';

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

export interface IngestedColumn {
  name: string;
  type: string;
  nulls?: number;
  inferred: boolean;
}

export interface IngestReport {
  record: DatasetRecord;
  version: DatasetVersion;
  created: boolean;
  format: DataFormat;
  columns: IngestedColumn[];
}

const EXTENSIONS: Record<string, DataFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.json': 'json',
  '.ndjson': 'json',
  '.jsonl': 'json',
  '.geojson': 'geojson',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.arrow': 'arrow',
  '.arrows': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow'
};

function readHead(file: string, bytes = 65536): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Detect the format (and JSON layout) of a file. */
export function detectFormat(file: string, given?: DataFormat): { format: DataFormat; layout?: JsonLayout } {
  const ext = path.extname(file).toLowerCase();
  const format = given ?? EXTENSIONS[ext];
  if (!format)
    throw new GenesisError('unsupported_media_type', `Cannot tell the format of ${file} from its extension "${ext}"`, {
      hint: `Use one of ${Object.keys(EXTENSIONS).join(' ')} or pass --format csv|json|geojson|parquet|arrow`
    });
  if (format === 'json' || format === 'geojson') {
    const layout = ext === '.ndjson' || ext === '.jsonl' ? 'ndjson' : sniffJsonLayout(readHead(file));
    if (format === 'geojson' && layout !== 'geojson')
      throw new GenesisError('unprocessable', `${file} is not a GeoJSON FeatureCollection`);
    return { format: layout === 'geojson' ? 'geojson' : 'json', layout };
  }
  return { format };
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

  const prepared =
    format === 'parquet' || format === 'arrow'
      ? await binarySource(opts, format, fieldInfo)
      : await textSource(opts, format, layout, fieldInfo, total);

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

type FieldInfo = RecordMetadata['fieldInfo'];

function existingFieldInfo(catalog: CatalogService, id: string): FieldInfo {
  try {
    const rec = catalog.getRecord(id, OWNER);
    return Object.fromEntries(rec.fields.map((f) => [f.name, { unit: f.unit, description: f.description }]));
  } catch {
    return {};
  }
}

function fieldMetadata(info: FieldInfo, name: string, base?: Map<string, string>): Map<string, string> {
  const m = new Map(base ?? []);
  const i = info[name];
  if (i?.unit) m.set(ARROW_META.unit, i.unit);
  if (i?.description) m.set(ARROW_META.description, i.description);
  return m;
}

/** Source names -> catalog names; every rename must name an existing column and names stay unique. */
function finalNames(sources: string[], rename: Record<string, string> = {}): string[] {
  for (const from of Object.keys(rename))
    if (!sources.includes(from))
      throw new GenesisError('bad_request', `Cannot rename column "${from}": the file has no such column`, {
        suggestions: sources.slice(0, 20)
      });
  const names = sources.map((s) => rename[s] ?? s);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new GenesisError('unprocessable', `Column name "${n}" appears twice`);
    seen.add(n);
  }
  return names;
}

function checkTypeOverrides(names: string[], types: Record<string, ColumnType> = {}): void {
  for (const [name, t] of Object.entries(types)) {
    if (!names.includes(name))
      throw new GenesisError('bad_request', `Cannot set the type of column "${name}": there is no such column`, {
        suggestions: names.slice(0, 20)
      });
    if (!COLUMN_TYPES.includes(t))
      throw new GenesisError('bad_request', `Unknown column type "${t}" for "${name}"`, {
        hint: `Use ${COLUMN_TYPES.join(', ')}`
      });
  }
}

/** CSV and JSON: pass 1 infers types and validates, pass 2 converts. */
async function textSource(
  opts: IngestOptions,
  format: DataFormat,
  layout: JsonLayout | undefined,
  fieldInfo: FieldInfo,
  total: number
): Promise<Prepared> {
  const hash = createHash('sha256');
  let rows = 0;
  // Rows counted so far by the scan (it runs a chunk behind the bytes; the last report is exact).
  const scanProgress = (done: number) => opts.onProgress?.({ phase: 'scan', done, total, unit: 'bytes', rows });
  let bytesRead = 0;
  const writeBytes = (done: number) => (bytesRead = done);

  let sources: string[] = [];
  const inference: ColumnInference[] = [];
  let textNulls: boolean;
  let readRows: () => AsyncGenerator<{ where: () => string; values: unknown[] }>;

  if (format === 'csv') {
    textNulls = true;
    const delimiter = path.extname(opts.file).toLowerCase() === '.tsv' ? '\t' : ',';
    for await (const chunk of csvRecordChunks(opts.file, { delimiter, onBytes: scanProgress, hash })) {
      for (const values of chunk) {
        if (sources.length === 0) {
          sources = values.map((v, i) => v.trim() || `column_${i + 1}`);
          sources.forEach(() => inference.push(new ColumnInference()));
          continue;
        }
        for (let c = 0; c < sources.length; c++) {
          const v = values[c]!;
          inference[c]!.observe(classifyText(v), v);
        }
        rows++;
      }
    }
    readRows = async function* () {
      let header = true;
      let row = 0;
      for await (const chunk of csvRecordChunks(opts.file, { delimiter, onBytes: writeBytes })) {
        for (const values of chunk) {
          if (header) {
            header = false;
            continue;
          }
          row++;
          yield { where: () => `data row ${row}`, values };
        }
      }
    };
  } else {
    textNulls = false;
    const index = new Map<string, number>();
    const geo = new GeometryScan();
    const isGeo = layout === 'geojson';
    const objects = async function* (onBytes?: (n: number) => void, withHash?: boolean) {
      let n = 0;
      for await (const v of jsonValues(opts.file, layout!, { onBytes, ...(withHash ? { hash } : {}) })) {
        const i = n;
        const where = () => (isGeo ? `feature ${i}` : layout === 'ndjson' ? `line ${i + 1}` : `element ${i}`);
        if (isGeo ? !isFeature(v) : typeof v !== 'object' || v === null || Array.isArray(v))
          throw new GenesisError(
            'unprocessable',
            `${opts.file}: ${where} is not ${isGeo ? 'a GeoJSON Feature' : 'an object'}`
          );
        n++;
        yield { where, obj: v as Record<string, unknown> };
      }
    };
    // Pass 1a (GeoJSON only needs to know the geometry shape before flattening).
    const shape = { allPoints: true, hasZ: false };
    if (isGeo) {
      for await (const { obj } of objects(scanProgress, true)) geo.observe(obj);
      shape.allPoints = geo.allPoints;
      shape.hasZ = geo.hasZ;
    }
    const flat = (obj: Record<string, unknown>) => (isGeo ? featureRow(obj, shape) : obj);
    for await (const { obj } of objects(isGeo ? undefined : scanProgress, !isGeo)) {
      const row = flat(obj);
      const seen = new Set<number>();
      for (const [k, v] of Object.entries(row)) {
        let c = index.get(k);
        if (c === undefined) {
          c = sources.length;
          index.set(k, c);
          sources.push(k);
          const inf = new ColumnInference();
          // Rows before this key appeared had no value for it.
          for (let i = 0; i < rows; i++) inf.observe('null', null);
          inference.push(inf);
        }
        seen.add(c);
        inference[c]!.observe(classifyJson(v), v);
      }
      for (let c = 0; c < sources.length; c++) if (!seen.has(c)) inference[c]!.observe('null', null);
      rows++;
    }
    readRows = async function* () {
      for await (const { where, obj } of objects(writeBytes)) {
        const row = flat(obj);
        yield { where, values: sources.map((s) => row[s]) };
      }
    };
  }
  if (rows === 0 || sources.length === 0)
    throw new GenesisError('unprocessable', `${opts.file} has no data rows`, { hint: 'Nothing was published' });
  scanProgress(total);

  const names = finalNames(sources, opts.rename);
  checkTypeOverrides(names, opts.types);
  const plans: ColumnPlan[] = names.map((name, c) => ({
    name,
    type: opts.types?.[name] ?? inference[c]!.type,
    unit: inference[c]!.unit,
    metadata: fieldMetadata(fieldInfo, name)
  }));
  const builder = new BatchBuilder(plans, textNulls);
  return {
    schema: builder.schema,
    sourceSha256: hash.digest('hex'),
    unit: 'bytes',
    totalRows: rows,
    bytesRead: () => bytesRead,
    columns: plans.map((p, c) => ({
      name: p.name,
      type: typeName(builder.schema.fields[c]!.type),
      nulls: inference[c]!.nulls,
      inferred: opts.types?.[p.name] === undefined
    })),
    batches: async function* () {
      for await (const { where, values } of readRows()) {
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
async function binarySource(opts: IngestOptions, format: 'parquet' | 'arrow', fieldInfo: FieldInfo): Promise<Prepared> {
  if (opts.types && Object.keys(opts.types).length)
    throw new GenesisError('bad_request', `Column types cannot be overridden for ${format} input: it is already typed`);
  const sourceSha256 = await sha256File(opts.file);
  const src = format === 'parquet' ? await openParquet(opts.file) : { ...(await openArrow(opts.file)), rows: 0 };
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
