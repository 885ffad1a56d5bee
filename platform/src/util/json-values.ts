import type { Hash } from 'node:crypto';
import { JSONParser } from '@streamparser/json';
import { GenesisError } from '@genesis-lab/contract';
import { fileChunks } from './file-chunks';

export type JsonLayout = 'array' | 'ndjson' | 'geojson';

const PATHS: Record<JsonLayout, string[]> = {
  array: ['$.*'],
  ndjson: ['$'],
  geojson: ['$.features.*']
};

/**

 * Values of a JSON file (ingest, harvested-record imports), one at a time with bounded memory: the elements of a top-level
 * array, the lines of NDJSON, or the features of a GeoJSON FeatureCollection. A syntax error
 * or a truncated file is an `unprocessable` error naming the byte offset.
 */
export async function* jsonValues(
  file: string,
  layout: JsonLayout,
  opts: { onBytes?: (bytes: number) => void; hash?: Hash } = {}
): AsyncGenerator<unknown> {
  const parser = new JSONParser({
    paths: PATHS[layout],
    keepStack: false,
    ...(layout === 'ndjson' ? { separator: '' } : {})
  });
  let queue: unknown[] = [];
  parser.onValue = ({ value }) => {
    queue.push(value);
  };
  let offset = 0;
  const fail = (err: unknown): never => {
    throw new GenesisError(
      'unprocessable',
      `Malformed JSON in ${file} near byte ${offset}: ${(err as Error).message}`,
      {
        hint: 'Nothing was published. Fix the file and ingest again'
      }
    );
  };
  for await (const chunk of fileChunks(file, opts.onBytes, opts.hash)) {
    try {
      parser.write(chunk);
    } catch (err) {
      fail(err);
    }
    offset += chunk.length;
    if (queue.length) {
      const ready = queue;
      queue = [];
      for (const v of ready) yield v;
    }
  }
  try {
    if (!parser.isEnded) parser.end();
  } catch (err) {
    fail(err);
  }
  for (const v of queue) yield v;
}

/** Which JSON layout a file has, from its first bytes: `[` array, GeoJSON FeatureCollection, else NDJSON. */
export function sniffJsonLayout(head: string): JsonLayout {
  const t = head.trimStart();
  if (t.startsWith('[')) return 'array';
  if (/^\{[\s\S]*?"type"\s*:\s*"FeatureCollection"/.test(t.slice(0, 65536))) return 'geojson';
  return 'ndjson';
}
