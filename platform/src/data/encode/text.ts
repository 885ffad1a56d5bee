import type { RecordBatch, Schema } from 'apache-arrow';
import { releaseOf } from '../ipc/raw-batch';
import { cellFormatter, csvQuote, type CellFormatter, type TextStyle } from './cells';
import type { Piece } from './piece';

/** Rows per text chunk: large enough to amortise, small enough to keep memory flat. */
const ROWS_PER_CHUNK = 4096;

function formatters(batch: RecordBatch, style: TextStyle): CellFormatter[] {
  return batch.data.children.map((d) => cellFormatter(d, style));
}

/** CSV (RFC 4180 quoting, `\n` line ends): a header line, then one line per row. */
export async function* csvPieces(schema: Schema, batches: AsyncIterable<RecordBatch>): AsyncGenerator<Piece> {
  yield { chunks: [schema.fields.map((f) => csvQuote(f.name)).join(',') + '\n'] };
  for await (const batch of batches) {
    const cells = formatters(batch, { format: 'csv' });
    for (let s = 0; s < batch.numRows; s += ROWS_PER_CHUNK) {
      const e = Math.min(s + ROWS_PER_CHUNK, batch.numRows);
      const lines: string[] = new Array(e - s);
      for (let i = s; i < e; i++) {
        let line = '';
        for (let c = 0; c < cells.length; c++) line += (c ? ',' : '') + cells[c]!(i);
        lines[i - s] = line;
      }
      yield { chunks: [lines.join('\n') + '\n'] };
    }
    releaseOf(batch)?.(); // strings hold copies: the body is free
  }
}

/** A JSON array of row objects, one row per line (so a client may also split it by lines). */
export async function* jsonPieces(
  schema: Schema,
  batches: AsyncIterable<RecordBatch>,
  int64: 'number' | 'string'
): AsyncGenerator<Piece> {
  const keys = schema.fields.map((f) => JSON.stringify(f.name) + ':');
  let first = true;
  yield { chunks: ['['] };
  for await (const batch of batches) {
    const cells = formatters(batch, { format: 'json', int64 });
    for (let s = 0; s < batch.numRows; s += ROWS_PER_CHUNK) {
      const e = Math.min(s + ROWS_PER_CHUNK, batch.numRows);
      const rows: string[] = new Array(e - s);
      for (let i = s; i < e; i++) {
        let row = '{';
        for (let c = 0; c < cells.length; c++) row += (c ? ',' : '') + keys[c] + cells[c]!(i);
        rows[i - s] = row + '}';
      }
      yield { chunks: [(first ? '\n' : ',\n') + rows.join(',\n')] };
      first = false;
    }
    releaseOf(batch)?.();
  }
  yield { chunks: [first ? ']\n' : '\n]\n'] };
}
