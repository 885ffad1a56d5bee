import type { Command } from 'commander';
import { GenesisError } from '@genesis-lab/contract';
import { Home, SqliteCatalog, seedExamples } from '@genesis-lab/platform';
import { ingestProgress, progressSettings, type IngestProgressView } from '../progress';

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description(
      'Load the example catalog: real public datasets shipped in npm packages, with their licences and sources'
    )
    .argument('<set>', 'which set to load: "examples"')
    .option('--home <dir>', 'GENESIS_HOME (default ~/.genesis)')
    .option(
      '--progress <mode>',
      'auto|bar|plain|none, on stderr (auto: a bar on a terminal, nothing otherwise)',
      'auto'
    )
    .action(async (set: string, opts: { home?: string; progress: string }) => {
      if (set !== 'examples')
        throw new GenesisError('bad_request', `Unknown seed set "${set}"`, { suggestions: ['examples'] });
      const progress = progressSettings(opts.progress);
      const catalog = SqliteCatalog.open(new Home(opts.home ?? process.env.GENESIS_HOME));
      let bar: IngestProgressView | undefined;
      try {
        const reports = await seedExamples(catalog, {
          onStart: (def, i, n) => {
            bar = ingestProgress(progress, `[${i + 1}/${n}] ${def.id}`);
          },
          onProgress: (_def, p) => bar?.update(p),
          onDone: (def, r) => {
            bar?.stop();
            process.stdout.write(
              `${r.created ? 'added    ' : 'unchanged'} ${def.id}@${r.version.version}  ${r.version.rowCount.toLocaleString('en-US')} rows  (${def.metadata.license})\n`
            );
          }
        });
        const added = reports.filter((r) => r.created).length;
        process.stdout.write(
          `Seeded ${reports.length} example datasets (${added} added, ${reports.length - added} unchanged)\n`
        );
      } finally {
        bar?.stop();
        catalog.close();
      }
    });
}
