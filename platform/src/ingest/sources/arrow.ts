import * as fs from 'node:fs';
import { RecordBatchReader, type RecordBatch, type Schema } from 'apache-arrow';
import { GenesisError } from '@genesis-lab/contract';

function malformed(file: string, err: unknown): GenesisError {
  return new GenesisError(
    'unprocessable',
    `Malformed or truncated Arrow IPC file ${file}: ${String((err as Error)?.message ?? err)}`,
    {
      hint: 'Nothing was published. Arrow input may be an IPC file or an IPC stream'
    }
  );
}

/** An Arrow IPC file or stream, read batch by batch from disk (the reader detects which). */
export async function openArrow(file: string): Promise<{ schema: Schema; batches: () => AsyncGenerator<RecordBatch> }> {
  checkComplete(file);
  const open = async () => {
    try {
      const reader = await RecordBatchReader.from(fs.createReadStream(file));
      await reader.open();
      return reader;
    } catch (err) {
      throw malformed(file, err);
    }
  };
  const probe = await open();
  const schema = probe.schema;
  await probe.cancel();
  if (!schema) throw malformed(file, new Error('no schema message'));
  async function* batches(): AsyncGenerator<RecordBatch> {
    const reader = await open();
    const it = reader[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<RecordBatch>;
      try {
        next = await it.next();
      } catch (err) {
        throw malformed(file, err);
      }
      if (next.done) return;
      yield next.value;
    }
  }
  return { schema, batches };
}

const MAGIC = Buffer.from('ARROW1');
const EOS = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/**
 * Readers stop quietly at a clean message boundary, so a file cut there would look complete.
 * An IPC file must end with its magic (after the footer), an IPC stream with the
 * end-of-stream marker; anything else was truncated.
 */
function checkComplete(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(6);
    const tail = Buffer.alloc(8);
    fs.readSync(fd, head, 0, 6, 0);
    if (size >= 8) fs.readSync(fd, tail, 0, 8, size - 8);
    const isFile = head.equals(MAGIC);
    const ok = isFile ? tail.subarray(2).equals(MAGIC) : tail.equals(EOS);
    if (size < 8 || !ok)
      throw malformed(
        file,
        new Error(isFile ? 'the footer is missing (file cut short)' : 'no end-of-stream marker (stream cut short)')
      );
  } finally {
    fs.closeSync(fd);
  }
}
