import type { Command } from 'commander';
import { DataFormat, GenesisError, parseOrThrow, publishSummary } from '@genesis-lab/contract';
import {
  COLUMN_TYPES,
  Home,
  SqliteCatalog,
  ingestFile,
  publishResult,
  type ColumnType,
  type IngestReport
} from '@genesis-lab/platform';
import { readJsonFile } from '../input-file';
import { ingestProgress, progressSettings } from '../progress';

function keyValues(list: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0 || i === kv.length - 1) throw new GenesisError('bad_request', `${flag} takes NAME=VALUE, got "${kv}"`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

export function printReport(r: IngestReport, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(publishResult(r)) + '\n');
    return;
  }
  const v = r.version;
  process.stdout.write(`${publishSummary({ ...r, id: r.record.id })}\n`);
  process.stdout.write(`Schema (${r.format}):\n`);
  const width = Math.max(...r.columns.map((c) => c.name.length), 4);
  for (const c of r.columns) {
    const unit = v.fields.find((f) => f.name === c.name)?.unit;
    process.stdout.write(
      `  ${c.name.padEnd(width)}  ${c.type.padEnd(22)}${c.nulls ? ` ${c.nulls} nulls` : ''}${unit ? ` [${unit}]` : ''}${c.inferred ? '' : ' (given)'}\n`
    );
  }
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('Ingest a CSV, JSON/NDJSON, GeoJSON, Parquet or Arrow file as a new immutable dataset version')
    .argument('<path>', 'file to ingest')
    .requiredOption('--id <ns/name>', 'dataset id, e.g. noaa/mauna-loa-co2')
    .option(
      '--version <label>',
      'version label (default: the next number, or the existing version with identical content)'
    )
    .option('--meta <record.json>', 'record metadata (title, license, ...); required for a new id')
    .option('--format <format>', 'csv|json|geojson|parquet|arrow (default: from the extension)')
    .option('--rename <from=to...>', 'rename source columns')
    .option('--type <column=type...>', `column types instead of inferred ones (${COLUMN_TYPES.join(', ')})`)
    .option('--home <dir>', 'GENESIS_HOME (default ~/.genesis)')
    .option('--json', 'print the result as JSON')
    .option(
      '--progress <mode>',
      'auto|bar|plain|none, on stderr (auto: a bar on a terminal, nothing otherwise)',
      'auto'
    )
    .action(
      async (
        file: string,
        opts: {
          id: string;
          version?: string;
          meta?: string;
          format?: string;
          rename?: string[];
          type?: string[];
          home?: string;
          json?: boolean;
          progress: string;
        }
      ) => {
        const format = opts.format ? parseOrThrow(DataFormat, opts.format, '--format') : undefined;
        const progress = progressSettings(opts.progress);
        const metadata = opts.meta ? readJsonFile(opts.meta, '--meta') : undefined;
        const catalog = SqliteCatalog.open(new Home(opts.home ?? process.env.GENESIS_HOME));
        const bar = ingestProgress(progress, opts.id);
        try {
          const report = await ingestFile(catalog, {
            file,
            id: opts.id,
            ...(opts.version ? { version: opts.version } : {}),
            ...(metadata !== undefined ? { metadata } : {}),
            ...(format ? { format } : {}),
            rename: keyValues(opts.rename, '--rename'),
            types: keyValues(opts.type, '--type') as Record<string, ColumnType>,
            onProgress: (p) => bar.update(p)
          });
          bar.stop();
          printReport(report, opts.json === true);
        } finally {
          bar.stop();
          catalog.close();
        }
      }
    );
}
