import { Message, Vector, type Data, type RecordBatch, type Schema } from 'apache-arrow';
import {
  DictionaryBatch as DictionaryBatchHeader,
  RecordBatch as RecordBatchHeader
} from 'apache-arrow/ipc/metadata/message';
import { VectorAssembler } from 'apache-arrow/visitor/vectorassembler';
import type { RawBatch } from '../ipc/file-reader';
import { rawOf, releaseOf } from '../ipc/raw-batch';
import type { Piece } from './piece';

/**
 * An Arrow IPC *stream* encoder built from Arrow's own message codec and vector assembler.
 * Batches that are a stored batch unchanged go out as the bytes read from disk (no copy, no
 * re-assembly); others (filtered, sliced) are assembled. Dictionaries are sent before the first
 * batch that uses them, and again only if a batch brings a different dictionary.
 */
export class IpcStreamEncoder {
  private readonly sentDictionaries = new Map<number, Vector>();

  constructor(private readonly schema: Schema) {}

  /** The schema message. */
  start(): Uint8Array[] {
    return [frame(Message.from(this.schema))];
  }

  /** Dictionary messages (if any are new) and the record batch message, as chunks to write. */
  batch(batch: RecordBatch): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const [id, dictionary] of batch.dictionaries) {
      if (this.sentDictionaries.get(id) === dictionary) continue;
      dictionary.data.forEach((chunk: Data, k: number) => out.push(...dictionaryMessage(chunk, id, k > 0)));
      this.sentDictionaries.set(id, dictionary);
    }
    const raw = rawOf(batch);
    if (raw) out.push(...rawMessage(raw));
    else out.push(...assembledMessage(batch));
    return out;
  }

  /** End-of-stream marker. */
  end(): Uint8Array[] {
    return [Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])];
  }
}

/** Continuation marker, metadata length, flatbuffer, padding to 8 bytes. */
function frame(message: Message): Uint8Array {
  const fb = Message.encode(message);
  const size = (8 + fb.byteLength + 7) & ~7;
  const out = Buffer.alloc(size);
  out.writeInt32LE(-1, 0);
  out.writeInt32LE(size - 8, 4);
  out.set(fb, 8);
  return out;
}

function rawMessage(raw: RawBatch): Uint8Array[] {
  const header = new RecordBatchHeader(raw.length, raw.nodes, raw.buffers, null, raw.variadicBufferCounts);
  return [frame(Message.from(header, raw.body.byteLength)), raw.body];
}

function assembled(source: RecordBatch | Vector): {
  header: (length: number) => RecordBatchHeader;
  byteLength: number;
  body: Uint8Array[];
} {
  const a = VectorAssembler.assemble(source);
  const body: Uint8Array[] = [];
  for (const b of a.buffers) {
    const u8 = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (u8.byteLength === 0) continue;
    body.push(u8);
    const pad = ((u8.byteLength + 7) & ~7) - u8.byteLength;
    if (pad) body.push(new Uint8Array(pad));
  }
  return {
    header: (length) => new RecordBatchHeader(length, a.nodes, a.bufferRegions, null, a.variadicBufferCounts),
    byteLength: a.byteLength,
    body
  };
}

function assembledMessage(batch: RecordBatch): Uint8Array[] {
  const a = assembled(batch);
  return [frame(Message.from(a.header(batch.numRows), a.byteLength)), ...a.body];
}

function dictionaryMessage(chunk: Data, id: number, isDelta: boolean): Uint8Array[] {
  const a = assembled(new Vector([chunk]));
  const header = new DictionaryBatchHeader(a.header(chunk.length), id, isDelta);
  return [frame(Message.from(header, a.byteLength)), ...a.body];
}

const SMALL = 64 * 1024;

/** Merge runs of small chunks (prefixes, metadata, padding) so the socket sees few, large writes. */
function coalesce(chunks: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let small: Uint8Array[] = [];
  let bytes = 0;
  const flush = () => {
    if (small.length === 1) out.push(small[0]!);
    else if (small.length > 1) out.push(Buffer.concat(small, bytes));
    small = [];
    bytes = 0;
  };
  for (const c of chunks) {
    if (c.byteLength >= SMALL) {
      flush();
      out.push(c);
    } else {
      small.push(c);
      bytes += c.byteLength;
    }
  }
  flush();
  return out;
}

/**
 * IPC stream output for `batches` under `schema`: the schema at once (also when there are no
 * rows), then per batch its messages (with the batch's release), then end-of-stream.
 */
export async function* arrowStreamPieces(
  schema: Schema,
  batches: AsyncIterable<RecordBatch>
): AsyncGenerator<Piece, void, undefined> {
  const encoder = new IpcStreamEncoder(schema);
  yield { chunks: encoder.start() };
  for await (const batch of batches) yield { chunks: coalesce(encoder.batch(batch)), release: releaseOf(batch) };
  yield { chunks: encoder.end() };
}
