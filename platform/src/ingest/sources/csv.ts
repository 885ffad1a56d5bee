import type { Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { GenesisError } from '@genesis-lab/contract';
import { fileChunks } from './file-bytes';

export interface CsvRow {
  /** 1-based line number in the file where the record starts. */
  line: number;
  values: string[];
}

/**
 * Records of a CSV (or TSV) file, streamed: the header first, then each row as text values.
 * Every row must have as many fields as the header; a malformed or truncated file (an
 * unclosed quote, a short last line) is an `unprocessable` error naming the line.
 */
export async function* csvRows(
  file: string,
  opts: { delimiter?: string; onBytes?: (bytes: number) => void; hash?: Hash } = {}
): AsyncGenerator<CsvRow> {
  const parser = Readable.from(fileChunks(file, opts.onBytes, opts.hash)).pipe(
    parse({
      bom: true,
      delimiter: opts.delimiter ?? ',',
      info: true,
      relax_column_count: false,
      skip_empty_lines: true
    })
  );
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { line: rec.info.lines, values: rec.record };
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw new GenesisError(
        'unprocessable',
        `Malformed CSV${line ? ` at line ${line}` : ''} in ${file}: ${err.message.replace(/^Invalid Record Length: /, '')}`,
        {
          hint: 'Nothing was published. Fix the file (every row needs as many fields as the header, quotes must close) and ingest again'
        }
      );
    }
    throw err;
  }
}
