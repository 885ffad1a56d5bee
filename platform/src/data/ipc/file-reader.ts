import * as fsp from 'node:fs/promises';
import { DataType, Message, RecordBatch, Schema, Struct, Vector, makeData, type Data } from 'apache-arrow';
import { Footer, type FileBlock } from 'apache-arrow/ipc/metadata/file';
import {
  BufferRegion,
  type FieldNode,
  type DictionaryBatch as DictionaryBatchHeader,
  type RecordBatch as RecordBatchHeader
} from 'apache-arrow/ipc/metadata/message';
import { VectorLoader } from 'apache-arrow/visitor/vectorloader';
import { BodyPool } from './body-pool';
import { columnLayouts, type ColumnLayout } from './layout';

const MAGIC = 'ARROW1';
/** Trailer: int32 footer length + "ARROW1". */
const TRAILER = 4 + MAGIC.length;

/** Counters a reader reports to, so the platform can show (and tests can prove) what was read. */
export interface ReadObserver {
  onOpen?(): void;
  onBatchRead?(rows: number, bytes: number): void;
  onClose?(): void;
}

/** An encoded record batch body and the layout that describes it (IPC RecordBatch message fields). */
export interface RawBatch {
  length: number;
  nodes: FieldNode[];
  buffers: BufferRegion[];
  variadicBufferCounts: number[];
  body: Uint8Array;
}

export interface LoadedColumns {
  data: Data[];
  raw: RawBatch;
  /** Give the body's memory back to the pool once nothing reads these columns any more. */
  release(): void;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** The record batch message of one block: row count and where each buffer sits in its body. */
export interface BatchHeader {
  index: number;
  length: number;
  header: RecordBatchHeader;
  bodyOffset: number;
}

/**
 * Random access to an Arrow IPC *file* that reads only what a query needs: the footer, the
 * dictionaries of the requested columns, and per record batch only the byte ranges of the
 * requested columns' buffers. Memory is bounded by one batch of the projected columns.
 */
export class ArrowFileReader {
  readonly schema: Schema;
  readonly numBatches: number;
  private readonly layouts: ColumnLayout[];
  private readonly blocks: FileBlock[];
  private readonly dictionaryBlocks: FileBlock[];
  private readonly dictionaries = new Map<number, Vector>();
  private closed = false;

  private constructor(
    private readonly fh: fsp.FileHandle,
    footer: InstanceType<typeof Footer>,
    private readonly observer: ReadObserver,
    private readonly pool: BodyPool
  ) {
    this.schema = footer.schema;
    this.blocks = [...footer.recordBatches()];
    this.dictionaryBlocks = [...footer.dictionaryBatches()];
    this.numBatches = this.blocks.length;
    this.layouts = columnLayouts(this.schema.fields, this.schema.metadataVersion);
  }

  static async open(
    path: string,
    observer: ReadObserver = {},
    pool: BodyPool = new BodyPool(0)
  ): Promise<ArrowFileReader> {
    const fh = await fsp.open(path, 'r');
    try {
      const { size } = await fh.stat();
      if (size < MAGIC.length * 2 + TRAILER) throw new Error(`${path} is too small to be an Arrow IPC file`);
      const tail = await readAt(fh, size - TRAILER, TRAILER);
      if (Buffer.from(tail.subarray(4)).toString('latin1') !== MAGIC)
        throw new Error(`${path} is not an Arrow IPC file (no trailing magic)`);
      const footerLength = new DataView(tail.buffer, tail.byteOffset, 4).getInt32(0, true);
      const footer = Footer.decode(await readAt(fh, size - TRAILER - footerLength, footerLength));
      observer.onOpen?.();
      return new ArrowFileReader(fh, footer, observer, pool);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /** Read a batch's message header (a few hundred bytes) without its body. */
  async header(index: number): Promise<BatchHeader> {
    const block = this.blocks[index];
    if (!block) throw new RangeError(`record batch ${index} out of range`);
    const message = await this.readMessage(block);
    if (!message.isRecordBatch()) throw new Error(`block ${index} is not a record batch`);
    const header = message.header();
    if (header.compression)
      throw new Error('compressed IPC bodies are not supported (canonical files are written uncompressed)');
    return { index, length: header.length, header, bodyOffset: block.offset + block.metaDataLength };
  }

  /**
   * Load the given top-level columns (schema indices, any order) of one batch. Only those
   * columns' buffers are read from disk, into one compact body (columns adjacent in the file
   * come in one read). The body and its layout are returned too, so an unmodified batch can be
   * sent on without re-encoding.
   */
  async columns(batch: BatchHeader, indices: readonly number[]): Promise<LoadedColumns> {
    this.assertOpen();
    await this.loadDictionaries(indices);
    const { header } = batch;
    // One contiguous span per column (a column's buffers are adjacent), packed 8-aligned.
    const spans = indices.map((i) => {
      const l = this.layouts[i]!;
      const regions = header.buffers.slice(l.bufferStart, l.bufferStart + l.bufferCount);
      let start = Infinity;
      let end = 0;
      for (const r of regions) {
        if (r.length === 0) continue;
        start = Math.min(start, r.offset);
        end = Math.max(end, r.offset + r.length);
      }
      if (start === Infinity) start = end = 0;
      return { layout: l, regions, start, end, at: 0 };
    });
    let total = 0;
    for (const s of spans) {
      s.at = total;
      total += align8(s.end - s.start);
    }
    // A pooled buffer starting at offset 0, so typed views stay aligned.
    const pooled = this.pool.acquire(total);
    const body = pooled.subarray(0, total);
    const reads: { at: number; from: number; length: number }[] = [];
    for (const s of spans) {
      if (s.end === s.start) continue;
      const last = reads[reads.length - 1];
      // The next column follows in the file exactly as in the body: extend the same read.
      if (last && last.from + align8(last.length) === s.start && last.at + align8(last.length) === s.at)
        last.length = s.end - last.from;
      else reads.push({ at: s.at, from: s.start, length: s.end - s.start });
    }
    await Promise.all(reads.map((r) => readInto(this.fh, body, r.at, r.length, batch.bodyOffset + r.from)));
    this.observer.onBatchRead?.(batch.length, total);

    const nodes: FieldNode[] = [];
    const buffers: BufferRegion[] = [];
    const variadic: number[] = [];
    for (const s of spans) {
      const l = s.layout;
      nodes.push(...header.nodes.slice(l.nodeStart, l.nodeStart + l.nodeCount));
      for (const r of s.regions)
        buffers.push(new BufferRegion(r.length === 0 ? 0 : r.offset - s.start + s.at, r.length));
      variadic.push(...header.variadicBufferCounts.slice(l.variadicStart, l.variadicStart + l.variadicCount));
    }
    const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    const fields = indices.map((i) => this.schema.fields[i]!);
    const data = new VectorLoader(
      bytes,
      nodes,
      buffers,
      this.dictionaries as Map<number, Vector>,
      this.schema.metadataVersion,
      variadic
    ).visitMany(fields);
    let released = false;
    return {
      data,
      raw: { length: batch.length, nodes, buffers, variadicBufferCounts: variadic, body: bytes },
      release: () => {
        if (released) return;
        released = true;
        this.pool.release(pooled);
      }
    };
  }

  /** A record batch of the given columns under `schema` (whose fields must match them). */
  static batch(schema: Schema, length: number, children: Data[]): RecordBatch {
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dictionaries.clear();
    this.observer.onClose?.();
    await this.fh.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('reader is closed');
  }

  private async readMessage(block: FileBlock): Promise<Message> {
    const meta = await readAt(this.fh, block.offset, block.metaDataLength);
    const view = new DataView(meta.buffer, meta.byteOffset, meta.byteLength);
    // Current format: 0xFFFFFFFF continuation, int32 length, flatbuffer. Pre-0.15: int32 length, flatbuffer.
    const continued = view.getInt32(0, true) === -1;
    const len = view.getInt32(continued ? 4 : 0, true);
    const start = continued ? 8 : 4;
    return Message.decode(meta.subarray(start, start + len));
  }

  /** Load (once) every dictionary the given columns need, including dictionaries nested in dictionaries. */
  private async loadDictionaries(indices: readonly number[]): Promise<void> {
    const wanted = new Set<number>();
    const addNested = (t: DataType): void => {
      if (DataType.isDictionary(t)) {
        if (wanted.has(t.id)) return;
        wanted.add(t.id);
        addNested(t.dictionary);
      }
      for (const c of t.children ?? []) addNested(c.type);
    };
    for (const i of indices) addNested(this.schema.fields[i]!.type);
    const missing = [...wanted].filter((id) => !this.dictionaries.has(id));
    if (missing.length === 0) return;
    for (const block of this.dictionaryBlocks) {
      const message = await this.readMessage(block);
      if (!message.isDictionaryBatch()) continue;
      const header: DictionaryBatchHeader = message.header();
      if (!wanted.has(header.id)) continue;
      const type = this.schema.dictionaries.get(header.id);
      if (!type) throw new Error(`dictionary ${header.id} has no type in the schema`);
      const data = header.data;
      if (data.compression) throw new Error('compressed IPC bodies are not supported');
      const body = await readAt(this.fh, block.offset + block.metaDataLength, block.bodyLength);
      const loaded = new VectorLoader(
        body,
        data.nodes,
        data.buffers,
        this.dictionaries as Map<number, Vector>,
        this.schema.metadataVersion,
        data.variadicBufferCounts
      ).visitMany([type]);
      const prev = this.dictionaries.get(header.id);
      const vector = new Vector(loaded);
      this.dictionaries.set(header.id, (prev && header.isDelta ? prev.concat(vector) : vector).memoize());
    }
  }
}

async function readAt(fh: fsp.FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = Buffer.allocUnsafeSlow(length);
  await readInto(fh, buf, 0, length, position);
  return new Uint8Array(buf.buffer, buf.byteOffset, length);
}

async function readInto(fh: fsp.FileHandle, buf: Buffer, at: number, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, at + done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
}
