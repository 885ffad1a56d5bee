import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Bool,
  Dictionary,
  Field,
  Float64,
  Int32,
  List,
  Schema,
  Struct,
  Table,
  Utf8,
  tableFromIPC,
  tableToIPC,
  vectorFromArray
} from 'apache-arrow';
import { IpcStreamEncoder } from '../../src/data/encode/arrow-stream';
import { ArrowFileReader } from '../../src/data/ipc/file-reader';
import { attachRaw } from '../../src/data/ipc/raw-batch';
import { DataStats } from '../../src/data/stats';

/** Reading single columns of an IPC file touches only their buffers, for every Arrow layout. */

function chunk(offset: number, n: number): Table {
  const idx = Array.from({ length: n }, (_, k) => offset + k);
  return new Table({
    i: vectorFromArray(
      idx.map((k) => (k % 7 === 0 ? null : k)),
      new Int32()
    ),
    s: vectorFromArray(
      idx.map((k) => (k % 5 === 0 ? null : `row ${k} ✓`)),
      new Utf8()
    ),
    d: vectorFromArray(
      idx.map((k) => ['red', 'green', null][k % 3]!),
      new Dictionary(new Utf8(), new Int32(), 0)
    ),
    t: vectorFromArray(
      idx.map((k) => (k % 11 === 0 ? null : k % 2 === 0)),
      new Bool()
    ),
    l: vectorFromArray(
      idx.map((k) => (k % 4 === 0 ? null : [k, k + 0.5])),
      new List(new Field('item', new Float64(), true))
    ),
    st: vectorFromArray(
      idx.map((k) => ({ a: k, b: `b${k}` })),
      new Struct([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)])
    ),
    f: vectorFromArray(idx.map((k) => k / 3))
  });
}

describe('ArrowFileReader', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-reader-'));
  const file = path.join(dir, 'mixed.arrow');
  // Three stored batches sharing one dictionary (the file format has no replacement dictionaries).
  const whole = chunk(0, 2333).batches[0]!;
  const table = new Table([whole.slice(0, 1000), whole.slice(1000, 2000), whole.slice(2000)]);
  fs.writeFileSync(file, tableToIPC(table, 'file'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads any subset of columns, in any order, equal to the full read', async () => {
    const names = table.schema.fields.map((f) => f.name);
    for (const pick of [[0], [1], [2], [3], [4], [5], [6], [6, 0, 2], names.map((_, i) => i)]) {
      const reader = await ArrowFileReader.open(file);
      expect(reader.numBatches).toBe(3);
      const got: Record<string, unknown[]> = {};
      for (let b = 0; b < reader.numBatches; b++) {
        const { data } = await reader.columns(await reader.header(b), pick);
        pick.forEach((i, k) => {
          const v = new (table.getChildAt(i)!.constructor as new (d: unknown[]) => { toArray(): unknown })([data[k]]);
          got[names[i]!] = [...(got[names[i]!] ?? []), ...Array.from(v.toArray() as ArrayLike<unknown>)];
        });
      }
      await reader.close();
      for (const i of pick) {
        const expected = Array.from(table.getChildAt(i)!.toArray() as ArrayLike<unknown>);
        expect(JSON.stringify(got[names[i]!])).toEqual(JSON.stringify(expected));
      }
    }
  });

  it('reads only the requested columns from disk', async () => {
    const stats = new DataStats();
    const reader = await ArrowFileReader.open(file, stats);
    for (let b = 0; b < reader.numBatches; b++) await reader.columns(await reader.header(b), [0]);
    const oneColumn = stats.bytesRead;
    for (let b = 0; b < reader.numBatches; b++) await reader.columns(await reader.header(b), [0, 1, 2, 3, 4, 5, 6]);
    const all = stats.bytesRead - oneColumn;
    await reader.close();
    // int32 + validity: about 4.1 bytes a row, padded; far less than the whole body.
    expect(oneColumn).toBeLessThan(2333 * 5 + 3 * 64);
    expect(all).toBeGreaterThan(oneColumn * 5);
    expect(stats.snapshot()).toMatchObject({ openScans: 0, scans: 1, batchReads: 6 });
  });

  it('encodes a stored batch as read (raw) to the same stream an assembled batch gives', async () => {
    const reader = await ArrowFileReader.open(file);
    const pick = [2, 0, 4];
    const schema = new Schema(pick.map((i) => table.schema.fields[i]!));
    const rawEnc = new IpcStreamEncoder(schema);
    const asmEnc = new IpcStreamEncoder(schema);
    const rawChunks: Uint8Array[] = [...rawEnc.start()];
    const asmChunks: Uint8Array[] = [...asmEnc.start()];
    for (let b = 0; b < reader.numBatches; b++) {
      const header = await reader.header(b);
      const { data, raw } = await reader.columns(header, pick);
      const batch = ArrowFileReader.batch(schema, header.length, data);
      asmChunks.push(...asmEnc.batch(batch));
      rawChunks.push(...rawEnc.batch(attachRaw(ArrowFileReader.batch(schema, header.length, data), raw)));
    }
    rawChunks.push(...rawEnc.end());
    asmChunks.push(...asmEnc.end());
    await reader.close();
    const fromRaw = tableFromIPC(Buffer.concat(rawChunks));
    const fromAsm = tableFromIPC(Buffer.concat(asmChunks));
    expect(fromRaw.numRows).toBe(table.numRows);
    for (const name of ['d', 'i', 'l'])
      expect(JSON.stringify(Array.from(fromRaw.getChild(name)!.toArray() as ArrayLike<unknown>))).toBe(
        JSON.stringify(Array.from(table.getChild(name)!.toArray() as ArrayLike<unknown>))
      );
    expect(JSON.stringify(fromRaw.toArray())).toBe(JSON.stringify(fromAsm.toArray()));
  });

  it('refuses a file that is not Arrow IPC', async () => {
    const bad = path.join(dir, 'bad.arrow');
    fs.writeFileSync(bad, 'not an arrow file at all, just text');
    await expect(ArrowFileReader.open(bad)).rejects.toThrow(/not an Arrow IPC file/);
  });
});
