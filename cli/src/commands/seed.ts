import type { Command } from 'commander';
import { GenesisError } from '@genesis-lab/contract';
import { Home, SqliteCatalog, openModels, seedExamples, seedModels } from '@genesis-lab/platform';
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
      const home = new Home(opts.home ?? process.env.GENESIS_HOME);
      const catalog = SqliteCatalog.open(home);
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
      // Models cite the example datasets as training data, so they come after them.
      const { models, close } = openModels(home);
      try {
        const seeded = await seedModels(models);
        for (const m of seeded)
          process.stdout.write(
            `${m.published.created ? 'added    ' : 'unchanged'} ${m.id}@${m.published.version.version}  model, sha256 ${m.published.version.sha256.slice(0, 12)}…  (${m.license})\n`
          );
        const added = seeded.filter((m) => m.published.created).length;
        process.stdout.write(
          `Seeded ${seeded.length} example model${seeded.length === 1 ? '' : 's'} (${added} added, ${seeded.length - added} unchanged)\n`
        );
      } finally {
        await close();
      }
    });
}
