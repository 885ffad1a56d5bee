import type { RecordImportInput } from '@genesis-lab/contract';
import { jsonValues, sniffJsonLayout } from '../util/json-values';
import * as fs from 'node:fs';

/**
 * Harvested records from a file, one at a time: a JSON array of records or NDJSON (one per
 * line), as harvesters export them. Validation happens in `importRecords`.
 */
export async function* recordsFromFile(
  file: string,
  opts: { onBytes?: (bytes: number) => void } = {}
): AsyncGenerator<RecordImportInput> {
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(4096);
  const n = fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  const layout = sniffJsonLayout(head.subarray(0, n).toString('utf8')) === 'array' ? 'array' : 'ndjson';
  for await (const v of jsonValues(file, layout, opts)) yield v as RecordImportInput;
}
