import { Command, CommanderError } from 'commander';
import { GenesisError } from '@genesis-lab/contract';
import { PLATFORM_VERSION } from '@genesis-lab/platform';
import { commands } from './commands';

/** The `genesis` CLI. Each command lives in its own file under commands/. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('genesis')
    .description('Genesis Lab platform: catalog, data, jobs')
    .version(PLATFORM_VERSION)
    .showHelpAfterError()
    // Program options only before the command: `genesis ingest --version 2` is the ingest option, not the CLI's version.
    .enablePositionalOptions()
    .exitOverride();
  for (const register of commands) register(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof GenesisError) {
      process.stderr.write(`genesis: ${err.describe()}\n`);
      process.exitCode = err.status >= 500 ? 1 : 2;
      return;
    }
    throw err;
  }
}
