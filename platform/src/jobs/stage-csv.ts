import { once } from 'node:events';
import * as fs from 'node:fs';
import { tableFromIPC, type RecordBatch } from 'apache-arrow';
import { csvPieces } from '../data/encode/text';

/**
 * A dataset version staged in as CSV (`format: "csv"`): the stored Arrow file written out with the
 * data path's own CSV encoder, so the job reads exactly what GET .../versions/{v}/csv answers.
 * Written to a temporary name and renamed, so a job never sees half a file.
 */
export async function writeDatasetCsv(arrowFile: string, dest: string): Promise<void> {
  const table = tableFromIPC(fs.readFileSync(arrowFile));
  async function* batches(): AsyncGenerator<RecordBatch> {
    for (const b of table.batches) yield b;
  }
  const part = `${dest}.part`;
  const out = fs.createWriteStream(part);
  try {
    for await (const piece of csvPieces(table.schema, batches()))
      for (const chunk of piece.chunks) if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    fs.renameSync(part, dest);
  } catch (err) {
    out.destroy();
    fs.rmSync(part, { force: true });
    throw err;
  }
}
