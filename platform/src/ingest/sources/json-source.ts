import type { Hash } from 'node:crypto';
import { GenesisError } from '@genesis-lab/contract';
import { ColumnInference, classifyJson } from '../column-type';
import type { ReadProgress, SourceRow, TextScan, TextSource } from '../source';
import { jsonValues, type JsonLayout } from '../../util/json-values';

/** One value of a JSON file, checked to be an object, with where it is. */
export interface JsonObject {
  where: () => string;
  obj: Record<string, unknown>;
}

/**
 * A JSON array of objects or NDJSON: each object is a row, its keys the columns (a key first
 * seen late is a column whose earlier rows are null).
 */
export class JsonSource implements TextSource {
  readonly typed = false;
  readonly emptyIsNull = false;

  constructor(
    protected readonly file: string,
    protected readonly layout: JsonLayout
  ) {}

  /** What the values must be, for the error that names one that is not. */
  protected readonly expected: string = 'an object';

  protected isRow(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  }

  protected whereOf(i: number): string {
    return this.layout === 'ndjson' ? `line ${i + 1}` : `element ${i}`;
  }

  /** The object as a row: column name -> value. */
  protected rowOf(obj: Record<string, unknown>): Record<string, unknown> {
    return obj;
  }

  protected async *objects(onBytes?: (bytes: number) => void, hash?: Hash): AsyncGenerator<JsonObject> {
    let n = 0;
    for await (const v of jsonValues(this.file, this.layout, { onBytes, hash })) {
      const where = this.whereOf(n);
      if (!this.isRow(v)) throw new GenesisError('unprocessable', `${this.file}: ${where} is not ${this.expected}`);
      n++;
      yield { where: () => where, obj: v };
    }
  }

  async scan(hash: Hash | undefined, progress: ReadProgress | undefined): Promise<TextScan> {
    const columns: string[] = [];
    const index = new Map<string, number>();
    const inference: ColumnInference[] = [];
    let rows = 0;
    const onBytes = progress && ((bytes: number) => progress(bytes, rows));
    for await (const { obj } of this.objects(onBytes, hash)) {
      const row = this.rowOf(obj);
      const seen = new Set<number>();
      for (const [k, v] of Object.entries(row)) {
        let c = index.get(k);
        if (c === undefined) {
          c = columns.length;
          index.set(k, c);
          columns.push(k);
          const inf = new ColumnInference();
          // Rows before this key appeared had no value for it.
          for (let i = 0; i < rows; i++) inf.observe('null', null);
          inference.push(inf);
        }
        seen.add(c);
        inference[c]!.observe(classifyJson(v), v);
      }
      for (let c = 0; c < columns.length; c++) if (!seen.has(c)) inference[c]!.observe('null', null);
      rows++;
    }
    return { columns, inference, rows };
  }

  async *rows(scan: TextScan, progress: ReadProgress): AsyncGenerator<SourceRow> {
    let n = 0;
    for await (const { where, obj } of this.objects((bytes) => progress(bytes, n))) {
      const row = this.rowOf(obj);
      n++;
      yield { where, values: scan.columns.map((c) => row[c]) };
    }
  }
}
