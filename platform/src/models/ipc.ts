import { RecordBatchReader, RecordBatchStreamWriter, type RecordBatch } from 'apache-arrow';
import { ARROW_STREAM_MEDIA_TYPE, GenesisError } from '@genesis-lab/contract';

/**
 * A predict's wire form: Arrow IPC stream bytes in, Arrow IPC stream bytes out. The same two
 * functions run wherever the decoding happens (the onnx session worker, or the main thread for a
 * runtime without a worker of its own).
 */

/** Input batches of an Arrow IPC stream; bytes that are not one are a 400 saying so. */
export async function* ipcBatches(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<RecordBatch> {
  let reader;
  try {
    reader = await RecordBatchReader.from(bytes);
    await reader.open();
  } catch (err) {
    throw new GenesisError('bad_request', `The body is not an Arrow IPC stream: ${(err as Error).message}`, {
      hint: `Send the input table as ${ARROW_STREAM_MEDIA_TYPE} (tableToIPC(table, 'stream'))`
    });
  }
  if (reader.isFile())
    throw new GenesisError('bad_request', 'Send the input as an Arrow IPC stream, not the IPC file format');
  try {
    for await (const batch of reader) yield batch;
  } catch (err) {
    if (err instanceof GenesisError) throw err;
    // A body cut short (or a message Arrow cannot read) is the client's input: a 400 before the answer starts.
    throw new GenesisError('bad_request', `The body is not a complete Arrow IPC stream: ${(err as Error).message}`, {
      hint: `Send the whole input table as ${ARROW_STREAM_MEDIA_TYPE} (tableToIPC(table, 'stream'))`
    });
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Batches as Arrow IPC stream bytes, one chunk per batch (the schema rides with the first, the
 * end-of-stream marker with the last, which says it is `last`), so the socket or the thread
 * boundary gets one write per batch instead of one per buffer, and a one-batch answer is one
 * write. The next batch is computed before a chunk is handed over (to know whether it is the
 * last). An error of the batches (a refused input) is thrown by the first `next()`, before any byte.
 */
export async function* ipcChunks(
  batches: AsyncIterable<RecordBatch>
): AsyncGenerator<{ bytes: Uint8Array; last: boolean }> {
  const writer = new RecordBatchStreamWriter();
  const pending: Uint8Array[] = [];
  // The writer hands its bytes out through an async queue: collect them while batches are written.
  const collected = (async () => {
    for await (const chunk of writer) pending.push(chunk);
  })();
  collected.catch(() => undefined);
  const take = (): Uint8Array => {
    const one = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending.length = 0;
    return one;
  };
  let finished = false;
  const finish = async () => {
    writer.finish();
    writer.close();
    finished = true;
    await collected;
  };
  try {
    const it = batches[Symbol.asyncIterator]();
    let r = await it.next();
    if (r.done) {
      await finish();
      yield { bytes: take(), last: true };
      return;
    }
    while (!r.done) {
      writer.write(r.value);
      const next = await it.next();
      if (next.done) await finish();
      else await nextTurn(); // the queue's promises settle: every byte of this batch is in `pending`
      yield { bytes: take(), last: !!next.done };
      r = next;
    }
  } finally {
    if (!finished) writer.abort();
  }
}

/** `ipcChunks` as plain bytes. */
export async function* ipcBytes(batches: AsyncIterable<RecordBatch>): AsyncGenerator<Uint8Array> {
  for await (const chunk of ipcChunks(batches)) yield chunk.bytes;
}
