import { Message, RecordBatch, Schema, Struct, Vector, makeData, type Data } from 'apache-arrow';
import type {
  DictionaryBatch as DictionaryBatchHeader,
  RecordBatch as RecordBatchHeader
} from 'apache-arrow/ipc/metadata/message';
import { VectorLoader } from 'apache-arrow/visitor/vectorloader';

/**
 * An Arrow IPC *stream* decoder fed with network chunks as they arrive, built from Arrow's own
 * message codec and vector loader. Compared with `RecordBatchReader.from(body)` it does the
 * same decoding with no promise per chunk and at most one copy of each message body (none when
 * a body arrives in one chunk); at a gigabyte per second that is most of the client's time.
 */
export class IpcStreamDecoder {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private need: { kind: 'prefix' } | { kind: 'meta'; length: number } | { kind: 'body'; message: Message } = {
    kind: 'prefix'
  };
  private readonly dictionaries = new Map<number, Vector>();
  schema: Schema | undefined;
  /** True once the end-of-stream marker was read. */
  done = false;

  /** Feed bytes; returns the record batches completed by them (in order). */
  push(chunk: Uint8Array): RecordBatch[] {
    if (this.done || chunk.byteLength === 0) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.byteLength;
    const out: RecordBatch[] = [];
    for (;;) {
      const step = this.need;
      if (step.kind === 'prefix') {
        if (this.buffered < 4) break;
        const first = this.peekInt32(0);
        if (first === -1) {
          if (this.buffered < 8) break;
          const length = this.peekInt32(4);
          this.take(8);
          if (length === 0) return this.finish(out);
          this.need = { kind: 'meta', length };
        } else {
          // Pre-0.15 streams: no continuation marker.
          this.take(4);
          if (first === 0) return this.finish(out);
          this.need = { kind: 'meta', length: first };
        }
      } else if (step.kind === 'meta') {
        if (this.buffered < step.length) break;
        const message = Message.decode(this.take(step.length));
        this.need = { kind: 'body', message };
      } else {
        const bodyLength = step.message.bodyLength;
        if (this.buffered < bodyLength) break;
        const body = this.take(bodyLength, true);
        this.need = { kind: 'prefix' };
        const batch = this.decode(step.message, body);
        if (batch) out.push(batch);
      }
    }
    return out;
  }

  /** Bytes received but not yet part of a complete message. */
  get pending(): number {
    return this.buffered;
  }

  private finish(out: RecordBatch[]): RecordBatch[] {
    this.done = true;
    this.chunks = [];
    this.buffered = 0;
    return out;
  }

  private decode(message: Message, body: Uint8Array): RecordBatch | undefined {
    if (message.isSchema()) {
      this.schema = message.header();
      return undefined;
    }
    const schema = this.schema;
    if (!schema) throw new Error('Arrow stream: a batch arrived before the schema');
    if (message.isDictionaryBatch()) {
      const header: DictionaryBatchHeader = message.header();
      const type = schema.dictionaries.get(header.id);
      if (!type) throw new Error(`Arrow stream: dictionary ${header.id} is not in the schema`);
      const data = this.load(header.data, body, [type]);
      const vector = new Vector(data);
      const prev = this.dictionaries.get(header.id);
      this.dictionaries.set(header.id, (header.isDelta && prev ? prev.concat(vector) : vector).memoize());
      return undefined;
    }
    if (message.isRecordBatch()) {
      const header: RecordBatchHeader = message.header();
      const children = this.load(
        header,
        body,
        schema.fields.map((f) => f.type)
      );
      return new RecordBatch(
        schema,
        makeData({ type: new Struct(schema.fields), length: header.length, nullCount: 0, children }),
        message.metadata
      );
    }
    return undefined;
  }

  private load(header: RecordBatchHeader, body: Uint8Array, types: Parameters<VectorLoader['visitMany']>[0]): Data[] {
    if (header.compression) throw new Error('Arrow stream: compressed IPC bodies are not supported');
    return new VectorLoader(
      body,
      header.nodes,
      header.buffers,
      this.dictionaries as Map<number, Vector>,
      this.schema!.metadataVersion,
      header.variadicBufferCounts
    ).visitMany(types);
  }

  private peekInt32(at: number): number {
    const c = this.chunks[0]!;
    if (c.byteLength >= at + 4) return new DataView(c.buffer, c.byteOffset + at, 4).getInt32(0, true);
    const bytes = new Uint8Array(4);
    let got = 0;
    let skip = at;
    for (const x of this.chunks) {
      if (skip >= x.byteLength) {
        skip -= x.byteLength;
        continue;
      }
      const part = x.subarray(skip, skip + 4 - got);
      bytes.set(part, got);
      got += part.byteLength;
      skip = 0;
      if (got === 4) break;
    }
    return new DataView(bytes.buffer).getInt32(0, true);
  }

  /**
   * The next `n` bytes: a view when they sit in one chunk (and, for bodies, start 8-byte
   * aligned, so typed arrays can view them), else one copy.
   */
  private take(n: number, aligned = false): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    this.buffered -= n;
    const first = this.chunks[0]!;
    if (first.byteLength >= n && (!aligned || first.byteOffset % 8 === 0)) {
      if (first.byteLength === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const c = this.chunks[0]!;
      const part = Math.min(c.byteLength, n - at);
      out.set(part === c.byteLength ? c : c.subarray(0, part), at);
      at += part;
      if (part === c.byteLength) this.chunks.shift();
      else this.chunks[0] = c.subarray(part);
    }
    return out;
  }
}
