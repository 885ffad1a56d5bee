import type { Hash } from 'node:crypto';
import { parse, CsvError, type Parser } from 'csv-parse';
import { GenesisError } from '@genesis-lab/contract';
import { fileChunks } from '../../util/file-chunks';

/**
 * Records of a CSV (or TSV) file, streamed in chunks of records (one per file chunk read, so
 * the per-record cost is a plain array push, not a promise): the header first, then each
 * row as text values. Every row must have as many fields as the header; a malformed or
 * truncated file (an unclosed quote, a short last line) is an `unprocessable` error naming
 * the line.
 */
export async function* csvRecordChunks(
  file: string,
  opts: { delimiter?: string; onBytes?: (bytes: number) => void; hash?: Hash } = {}
): AsyncGenerator<string[][]> {
  const parser: Parser = parse({
    bom: true,
    delimiter: opts.delimiter ?? ',',
    relax_column_count: false,
    skip_empty_lines: true
  });
  let failure: unknown;
  parser.on('error', (err) => (failure = err));
  const drain = (): string[][] => {
    const out: string[][] = [];
    let rec: string[] | null;
    while ((rec = parser.read() as string[] | null) !== null) out.push(rec);
    if (failure) throw wrap(file, failure);
    return out;
  };
  for await (const chunk of fileChunks(file, opts.onBytes, opts.hash)) {
    parser.write(chunk);
    const rows = drain();
    if (rows.length) yield rows;
  }
  // The last record (no trailing newline) and syntax errors at end of input come with end().
  const tail: string[][] = [];
  await new Promise<void>((resolve) => {
    parser.on('readable', () => {
      let rec: string[] | null;
      while ((rec = parser.read() as string[] | null) !== null) tail.push(rec);
    });
    parser.once('end', resolve);
    parser.once('error', () => resolve());
    parser.end();
  });
  if (failure) throw wrap(file, failure);
  if (tail.length) yield tail;
}

function wrap(file: string, err: unknown): unknown {
  if (!(err instanceof CsvError)) return err;
  const line = (err as CsvError & { lines?: number }).lines;
  return new GenesisError(
    'unprocessable',
    `Malformed CSV${line ? ` at line ${line}` : ''} in ${file}: ${err.message.replace(/^Invalid Record Length: /, '')}`,
    {
      hint: 'Nothing was published. Fix the file (every row needs as many fields as the header, quotes must close) and ingest again'
    }
  );
}
