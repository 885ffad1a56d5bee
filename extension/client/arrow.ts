import { ARROW_META } from '@genesis-lab/contract';
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
  const formatters = schema.fields.map((f) => formatterFor(arrow, f.type));
  const rows: Cell[][] = [];
  let truncated = false;
  for await (const batch of reader) {
    const n = Math.min(batch.numRows, limit - rows.length);
    const vectors = schema.fields.map((_, i) => batch.getChildAt(i));
    for (let r = 0; r < n; r++) rows.push(vectors.map((v, c) => (v ? formatters[c]!(v.get(r)) : null)));
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

function formatterFor(arrow: ArrowModule, type: import('apache-arrow').DataType): (v: unknown) => Cell {
  const DT = arrow.DataType;
  if (DT.isTimestamp(type) || DT.isDate(type)) {
    return (v) => (v == null ? null : isoOrText(v));
  }
  if (DT.isInt(type) || DT.isFloat(type) || DT.isDecimal(type)) {
    return (v) => {
      if (v == null) return null;
      if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
      return typeof v === 'number' ? v : String(v);
    };
  }
  if (DT.isBool(type)) return (v) => (v == null ? null : v ? 'true' : 'false');
  if (DT.isUtf8(type) || DT.isLargeUtf8(type) || DT.isDictionary(type)) {
    return (v) => (v == null ? null : String(v));
  }
  return (v) => (v == null ? null : textOf(v));
}

function isoOrText(v: unknown): string {
  const ms = typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : Number(v);
  if (!Number.isFinite(ms)) return String(v);
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

/** Nested values (lists, structs, binary) as short text: the grid shows text, not objects. */
function textOf(v: unknown): string {
  if (v instanceof Uint8Array) return `<${v.byteLength} bytes>`;
  if (typeof v === 'object' && v !== null && 'toJSON' in v && typeof v.toJSON === 'function') {
    return JSON.stringify(v.toJSON(), (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  }
  return String(v);
}
