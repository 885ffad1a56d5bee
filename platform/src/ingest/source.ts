import type { Hash } from 'node:crypto';
import type { RecordBatch, Schema } from 'apache-arrow';
import type { ColumnInference } from './column-type';

/** One row of a text source: its values in the scanned column order, and where it is (for errors). */
export interface SourceRow {
  where: () => string;
  values: unknown[];
}

/** What the first pass over a text source found: its columns, each with its inferred type, and its rows. */
export interface TextScan {
  columns: string[];
  inference: ColumnInference[];
  rows: number;
}

/** How far a pass has read: bytes of the file, and the rows counted so far (during a scan). */
export type ReadProgress = (bytes: number, rows: number) => void;

/**
 * A format without types of its own (CSV, JSON, GeoJSON), read twice with bounded memory:
 * `scan` infers every column's type from the whole file (so a late conflicting value promotes
 * the type instead of failing) and hashes its bytes; `rows` reads it again for conversion.
 */
export interface TextSource {
  readonly typed: false;
  /** An empty field is a null (CSV, which has no null) rather than an empty string (JSON). */
  readonly emptyIsNull: boolean;
  scan(hash: Hash, progress: ReadProgress): Promise<TextScan>;
  rows(scan: TextScan, progress: ReadProgress): AsyncGenerator<SourceRow>;
}

/** An opened typed file: its own schema, its row count when the format tells (0 otherwise), its batches. */
export interface TypedData {
  schema: Schema;
  rows: number;
  batches: () => AsyncGenerator<RecordBatch>;
}

/** A format that carries its own schema (Parquet, Arrow IPC): its batches are kept as they are. */
export interface TypedSource {
  readonly typed: true;
  open(): Promise<TypedData>;
}

export type Source = TextSource | TypedSource;
