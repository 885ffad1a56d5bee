import type { Hash } from 'node:crypto';
import * as path from 'node:path';
import { ColumnInference, classifyText } from '../column-type';
import type { ReadProgress, SourceRow, TextScan, TextSource } from '../source';
import { csvRecordChunks } from './csv';

/** CSV (or TSV, by its extension): the header names the columns, every value is text. */
export class CsvSource implements TextSource {
  readonly typed = false;
  readonly emptyIsNull = true;
  private readonly delimiter: string;

  constructor(private readonly file: string) {
    this.delimiter = path.extname(file).toLowerCase() === '.tsv' ? '\t' : ',';
  }

  async scan(hash: Hash, progress: ReadProgress): Promise<TextScan> {
    let columns: string[] = [];
    const inference: ColumnInference[] = [];
    let rows = 0;
    const onBytes = (bytes: number) => progress(bytes, rows);
    for await (const chunk of csvRecordChunks(this.file, { delimiter: this.delimiter, onBytes, hash })) {
      for (const values of chunk) {
        if (columns.length === 0) {
          columns = values.map((v, i) => v.trim() || `column_${i + 1}`);
          columns.forEach(() => inference.push(new ColumnInference()));
          continue;
        }
        for (let c = 0; c < columns.length; c++) {
          const v = values[c]!;
          inference[c]!.observe(classifyText(v), v);
        }
        rows++;
      }
    }
    return { columns, inference, rows };
  }

  async *rows(_scan: TextScan, progress: ReadProgress): AsyncGenerator<SourceRow> {
    let header = true;
    let row = 0;
    const onBytes = (bytes: number) => progress(bytes, row);
    for await (const chunk of csvRecordChunks(this.file, { delimiter: this.delimiter, onBytes })) {
      for (const values of chunk) {
        if (header) {
          header = false;
          continue;
        }
        const n = ++row;
        yield { where: () => `data row ${n}`, values };
      }
    }
  }
}
