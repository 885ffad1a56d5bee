import type { Command } from 'commander';
import { GenesisError } from '@genesis-lab/contract';
import { Home, SqliteCatalog, recordsFromFile } from '@genesis-lab/platform';

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
    .action(async (file: string, opts: { home?: string }) => {
      const catalog = SqliteCatalog.open(new Home(opts.home ?? process.env.GENESIS_HOME));
      try {
        // Records are validated as they stream; collect them in bounded batches.
        const batch: unknown[] = [];
        const total = { created: 0, updated: 0, unchanged: 0 };
        let offset = 0;
        const flush = () => {
          const r = catalog.importRecords(batch as never[], { batchSize: 5000, offset });
          offset += batch.length;
          batch.length = 0;
          total.created += r.created;
          total.updated += r.updated;
          total.unchanged += r.unchanged;
        };
        for await (const rec of recordsFromFile(file)) {
          batch.push(rec);
          if (batch.length >= 5000) flush();
        }
        if (batch.length) flush();
        if (offset === 0) throw new GenesisError('unprocessable', `${file} holds no records`);
        process.stdout.write(
          `Imported ${offset} records: ${total.created} created, ${total.updated} updated, ${total.unchanged} unchanged\n`
        );
      } finally {
        catalog.close();
      }
    });
}
