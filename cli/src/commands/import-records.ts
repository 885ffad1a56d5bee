import * as path from 'node:path';
import type { Command } from 'commander';
import { GenesisError } from '@genesis-lab/contract';
import { Home, SqliteCatalog, recordsFromFile } from '@genesis-lab/platform';
import { inputFileSize } from '../input-file';
import { ingestProgress, progressSettings } from '../progress';

/** Records per transaction: each batch is searchable at once and never in part. */
const BATCH = 5000;

/**
 * `genesis import-records FILE`: bulk metadata import, the path a harvester uses to mirror
 * another catalog's records (searchable at once, data ingested later as versions).
 */
export function registerImportRecords(program: Command): void {
  program
    .command('import-records')
    .description('Import catalog records (metadata only) from a JSON array or NDJSON file, e.g. from a harvester')
    .argument('<file>', 'records: each has id, title, license and the other RecordMetadata fields')
    .option('--home <dir>', 'GENESIS_HOME (default ~/.genesis)')
    .option(
      '--progress <mode>',
      'auto|bar|plain|none, on stderr (auto: a bar on a terminal, nothing otherwise)',
      'auto'
    )
    .action(async (file: string, opts: { home?: string; progress: string }) => {
      const settings = progressSettings(opts.progress);
      const size = inputFileSize(file, 'records');
      const catalog = SqliteCatalog.open(new Home(opts.home ?? process.env.GENESIS_HOME));
      const view = ingestProgress(settings, path.basename(file));
      try {
        // Records are validated as they stream; collect them in bounded batches.
        const batch: unknown[] = [];
        const total = { created: 0, updated: 0, unchanged: 0 };
        let offset = 0;
        let bytes = 0;
        const show = () =>
          view.update({ phase: 'write', done: bytes, total: size, unit: 'bytes', rows: offset, items: 'records' });
        const flush = () => {
          const r = catalog.importRecords(batch as never[], { batchSize: BATCH, offset });
          offset += batch.length;
          batch.length = 0;
          total.created += r.created;
          total.updated += r.updated;
          total.unchanged += r.unchanged;
          show();
        };
        for await (const rec of recordsFromFile(file, { onBytes: (b) => (bytes = b) })) {
          batch.push(rec);
          if (batch.length >= BATCH) flush();
        }
        if (batch.length) flush();
        view.stop();
        if (offset === 0) throw new GenesisError('unprocessable', `${file} holds no records`);
        process.stdout.write(
          `Imported ${offset} records: ${total.created} created, ${total.updated} updated, ${total.unchanged} unchanged\n`
        );
      } finally {
        view.stop();
        catalog.close();
      }
    });
}
