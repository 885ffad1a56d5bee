import * as fs from 'node:fs';
import * as path from 'node:path';
import { GenesisError, type DataFormat } from '@genesis-lab/contract';
import type { Source } from './source';
import { openArrow } from './sources/arrow';
import { CsvSource } from './sources/csv-source';
import { GeoJsonSource } from './sources/geojson-source';
import { sniffJsonLayout, type JsonLayout } from '../util/json-values';
import { JsonSource } from './sources/json-source';
import { openParquet } from './sources/parquet';

const EXTENSIONS: Record<string, DataFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.json': 'json',
  '.ndjson': 'json',
  '.jsonl': 'json',
  '.geojson': 'geojson',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.arrow': 'arrow',
  '.arrows': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow'
};

function readHead(file: string, bytes = 65536): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Detect the format (and JSON layout) of a file: from its extension, for JSON also its first bytes. */
export function detectFormat(file: string, given?: DataFormat): { format: DataFormat; layout?: JsonLayout } {
  const ext = path.extname(file).toLowerCase();
  const format = given ?? EXTENSIONS[ext];
  if (!format)
    throw new GenesisError('unsupported_media_type', `Cannot tell the format of ${file} from its extension "${ext}"`, {
      hint: `Use one of ${Object.keys(EXTENSIONS).join(' ')} or pass --format csv|json|geojson|parquet|arrow`
    });
  if (format === 'json' || format === 'geojson') {
    const layout = ext === '.ndjson' || ext === '.jsonl' ? 'ndjson' : sniffJsonLayout(readHead(file));
    if (format === 'geojson' && layout !== 'geojson')
      throw new GenesisError('unprocessable', `${file} is not a GeoJSON FeatureCollection`);
    return { format: layout === 'geojson' ? 'geojson' : 'json', layout };
  }
  return { format };
}

/** The one Source that reads a file of this format. */
export function sourceFor(file: string, format: DataFormat, layout?: JsonLayout): Source {
  switch (format) {
    case 'csv':
      return new CsvSource(file);
    case 'json':
      return new JsonSource(file, layout ?? 'array');
    case 'geojson':
      return new GeoJsonSource(file);
    case 'parquet':
      return { typed: true, open: () => openParquet(file) };
    case 'arrow':
      return { typed: true, open: async () => ({ ...(await openArrow(file)), rows: 0 }) };
  }
}
