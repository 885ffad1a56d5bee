import { Message, RecordBatch, Schema, Struct, Vector, makeData, type Data } from 'apache-arrow';
import type {
  DictionaryBatch as DictionaryBatchHeader,
  RecordBatch as RecordBatchHeader
} from 'apache-arrow/ipc/metadata/message';
import { VectorLoader } from 'apache-arrow/visitor/vectorloader';

/**
 * An Arrow IPC *stream* decoder fed with network bytes as they arrive, built from Arrow's own
 * message codec and vector loader. Each message body is copied once, straight from the bytes
 * handed in into a buffer of exactly its size, so the caller may reuse its read buffer as soon
 * as `push` returns; there is no promise per chunk. Compared with `RecordBatchReader.from(body)`
 * this roughly halves the client's work at a gigabyte per second.
 */
export class IpcStreamDecoder {
  private small = new Uint8Array(1024);
  private smallFill = 0;
  private step:
    | { kind: 'continuation' | 'length' | 'meta'; size: number }
    | { kind: 'body'; message: Message; body: Uint8Array; fill: number } = { kind: 'continuation', size: 4 };
  private readonly dictionaries = new Map<number, Vector>();
  schema: Schema | undefined;
  /** True once the end-of-stream marker was read. */
  done = false;

  /** Bytes of an incomplete message held so far. */
  get pending(): number {
    return this.step.kind === 'body' ? this.step.fill : this.smallFill;
  }

  /**
   * While a message body is being filled: the part of it the next `max` bytes belong in, so a
   * reader can have the kernel write them there directly (then call `filled`). Undefined otherwise.
   */
  bodyTarget(max: number): Uint8Array | undefined {
    const step = this.step;
    if (step.kind !== 'body' || this.done) return undefined;
    return step.body.subarray(step.fill, step.fill + Math.min(max, step.body.byteLength - step.fill));
  }

  /** `n` bytes were written into the last `bodyTarget`; returns the batches that completed. */
  filled(n: number): RecordBatch[] {
    const step = this.step;
    if (step.kind !== 'body') throw new Error('Arrow stream: no body is being filled');
    step.fill += n;
    const out: RecordBatch[] = [];
    if (step.fill === step.body.byteLength) this.completeBody(step.message, step.body, out);
    return out;
  }

  /** Feed bytes (copied as needed; the caller keeps ownership); returns the record batches they completed. */
  push(bytes: Uint8Array): RecordBatch[] {
    const out: RecordBatch[] = [];
    let at = 0;
    while (at < bytes.byteLength && !this.done) {
      const step = this.step;
      if (step.kind === 'body') {
        const n = Math.min(step.body.byteLength - step.fill, bytes.byteLength - at);
        step.body.set(bytes.subarray(at, at + n), step.fill);
        step.fill += n;
        at += n;
        if (step.fill === step.body.byteLength) this.completeBody(step.message, step.body, out);
        continue;
      }
      const n = Math.min(step.size - this.smallFill, bytes.byteLength - at);
      this.small.set(bytes.subarray(at, at + n), this.smallFill);
      this.smallFill += n;
      at += n;
      if (this.smallFill < step.size) break;
      this.smallFill = 0;
      if (step.kind === 'continuation' || step.kind === 'length') this.completePrefix(step.kind);
      else {
        const message = Message.decode(this.small.subarray(0, step.size));
        const length = message.bodyLength;
        if (length === 0) this.completeBody(message, new Uint8Array(0), out);
        // A fresh buffer per body: it is 8-byte aligned and owned by the batch from now on.
        else this.step = { kind: 'body', message, body: new Uint8Array(length), fill: 0 };
      }
    }
    return out;
  }

  /**
   * A message starts with 0xFFFFFFFF and an int32 metadata length (pre-0.15 streams: the length
   * alone); a length of 0 is the end-of-stream marker.
   */
  private completePrefix(kind: 'continuation' | 'length'): void {
    const value = new DataView(this.small.buffer, 0, 4).getInt32(0, true);
    if (kind === 'continuation' && value === -1) {
      this.step = { kind: 'length', size: 4 };
      return;
    }
    if (value === 0) {
      this.done = true;
      return;
    }
    if (value < 0) throw new Error(`Arrow stream: invalid message length ${value}`);
    if (value > this.small.byteLength) this.small = new Uint8Array(value);
    this.step = { kind: 'meta', size: value };
  }

  private completeBody(message: Message, body: Uint8Array, out: RecordBatch[]): void {
    this.step = { kind: 'continuation', size: 4 };
    const batch = this.decode(message, body);
    if (batch) out.push(batch);
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
      const vector = new Vector(this.load(header.data, body, [type]));
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
}
