import { Field, Float64, Int32, RecordBatch, Schema, Struct, Table, makeData, vectorFromArray } from 'apache-arrow';
import { ARROW_META, type RecordMetadataInput } from '@genesis-lab/contract';
import { Home, SqliteCatalog } from '@genesis-lab/platform';
import { COLS, DAY_MS, type Row, toTable } from './reference';

/** A small deterministic PRNG (mulberry32), so fixtures are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = ['a', 'b', 'ab', 'a%b', 'x_y', 'é', 'zz', 'A', '😀', 'a\\b', '', 'line\nbreak', 'comma,quote"'];

/** Rows of the "mixed" fixture: every filterable kind, with nulls, NaN, unicode and CSV-hostile strings. */
export function mixedRows(n: number, seed = 7): Row[] {
  const r = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const maybe = <T>(v: T): T | null => (r() < 0.1 ? null : v);
  const rows: Row[] = [];
  for (let k = 0; k < n; k++) {
    rows.push({
      i: maybe(Math.floor(r() * 11) - 5),
      f: maybe(pick([0.5, -0.5, 2.25, Number.NaN, 3, -1, 1e-9, 0, 4.75])),
      b: maybe(BigInt(Math.floor(r() * 13) - 6) * 1000000000001n),
      s: maybe(pick(STRINGS)),
      d: maybe(pick(STRINGS)),
      t: maybe(r() < 0.5),
      day: maybe(Math.floor(r() * 1600) - 800),
      ts: maybe((Math.floor(r() * 1600) - 800) * DAY_MS + Math.floor(r() * 24) * 3600_000)
    });
  }
  return rows;
}

export const MIXED_META: RecordMetadataInput = {
  title: 'Mixed test table',
  description: 'Every filterable Arrow type, for data path tests',
  license: 'CC0-1.0',
  fieldInfo: { f: { unit: 'K', description: 'a float with NaN' }, ts: { unit: 'ms', description: 'an instant' } }
};

/** The mixed rows as an Arrow table with an `id` column (the row number) first. */
export function mixedTable(rows: Row[]) {
  const t = toTable(rows);
  const id = vectorFromArray(
    rows.map((_, k) => k),
    new Int32()
  );
  return new Table({ id, ...Object.fromEntries(COLS.map((c) => [c.name, t.getChild(c.name)!])) });
}

/** Float64 rows for `schema` (from numericSchema), generated batch by batch (never held whole). */
export function* numericBatches(schema: Schema, rows: number, batchRows = 65536): Generator<RecordBatch> {
  const columns = schema.fields.length;
  for (let start = 0; start < rows; start += batchRows) {
    const n = Math.min(batchRows, rows - start);
    const children = [];
    for (let c = 0; c < columns; c++) {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = (start + i) * (c + 1) + 0.5;
      children.push(makeData({ type: new Float64(), length: n, nullCount: 0, data: a }));
    }
    yield new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children }));
  }
}

export function numericSchema(columns: number): Schema {
  return new Schema(
    Array.from(
      { length: columns },
      (_, c) => new Field(`c${c}`, new Float64(), false, new Map([[ARROW_META.unit, 'm']]))
    )
  );
}

/** Publish datasets into a home through the catalog's own API (before a platform serves that home). */
export async function publish(
  homeDir: string,
  items: {
    id: string;
    version?: string;
    metadata: RecordMetadataInput;
    schema: Schema;
    batches: Iterable<RecordBatch> | AsyncIterable<RecordBatch>;
  }[]
): Promise<void> {
  const catalog = SqliteCatalog.open(new Home(homeDir));
  try {
    for (const it of items) await catalog.publish({ ...it, sourceFormat: 'arrow' });
  } finally {
    catalog.close();
  }
}
