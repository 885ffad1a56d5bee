import { ARROW_META, cellTextOf, type ArrowColumnData } from '@genesis-lab/contract/core';
import type { IPreviewTable } from '../tokens';

type Cell = string | number | null;

/**
 * Decode the first `limit` rows of an Arrow IPC stream, batch by batch, and stop reading
 * (cancelling the download) as soon as there are enough. apache-arrow is imported on first
 * use, so its code is a separate chunk that JupyterLab only loads when a preview is shown.
 */
export async function decodePreview(response: Response, limit: number, cancel: () => void): Promise<IPreviewTable> {
  const arrow = await import('apache-arrow');
  const reader = await arrow.RecordBatchReader.from(response);
  await reader.open();
  const schema = reader.schema;
  const columns = schema.fields.map((f) => ({
    name: f.name,
    type: String(f.type),
    unit: f.metadata.get(ARROW_META.unit) ?? undefined
  }));
  const rows: Cell[][] = [];
  let truncated = false;
  for await (const batch of reader) {
    const n = Math.min(batch.numRows, limit - rows.length);
    const cells = schema.fields.map((f, i) => cellsOf(arrow, f.type, batch.getChildAt(i)));
    for (let r = 0; r < n; r++) rows.push(cells.map((cell) => cell(r)));
    if (rows.length >= limit) {
      truncated = n < batch.numRows;
      break;
    }
  }
  if (rows.length >= limit) {
    // Enough rows: do not download the rest of a large dataset.
    cancel();
    await reader.cancel().catch(() => undefined);
  }
  return { columns, rows, truncated };
}

type ArrowModule = typeof import('apache-arrow');

/**
 * The cells of one column of a batch: plain numbers stay numbers (the grid aligns them); every
 * other value is the text of the one cell-to-text rule (contract/core `cellTextOf`) the notebook
 * table and the CSV export use too: exact int64, sub-millisecond timestamps, ISO dates.
 */
function cellsOf(
  arrow: ArrowModule,
  type: import('apache-arrow').DataType,
  vector: import('apache-arrow').Vector | null
): (row: number) => Cell {
  if (!vector) return () => null;
  const DT = arrow.DataType;
  const chunks = vector.data.map((d) => {
    const chunk = new arrow.Vector([d]);
    return cellTextOf(d as unknown as ArrowColumnData, (k) => chunk.get(k));
  });
  const textAt = (row: number) => {
    let i = row;
    let c = 0;
    while (c < vector.data.length - 1 && i >= vector.data[c]!.length) i -= vector.data[c++]!.length;
    return chunks[c]!(i);
  };
  const plainNumber = DT.isFloat(type) || (DT.isInt(type) && type.bitWidth <= 32);
  if (plainNumber) return (row) => (vector.isValid(row) ? (vector.get(row) as number) : null);
  return textAt;
}
