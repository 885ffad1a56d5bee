import type { Command } from 'commander';
import * as fs from 'node:fs';
import { openApiDocument } from '@genesis-lab/contract';
import { PLATFORM_VERSION, writeFileAtomic } from '@genesis-lab/platform';

/** The OpenAPI document is generated from the contract's route table; docs/openapi.json is its committed copy. */
export function renderOpenApi(): string {
  return JSON.stringify(openApiDocument({ version: PLATFORM_VERSION }), null, 2) + '\n';
}

export function registerOpenApi(program: Command): void {
  program
    .command('openapi')
    .description('Print the OpenAPI 3.1 document of the platform API (generated from the contract)')
    .option('-o, --output <file>', 'write it to a file instead of stdout')
    .option('--check <file>', 'exit 1 if the file differs from the generated document')
    .action((opts: { output?: string; check?: string }) => {
      const doc = renderOpenApi();
      if (opts.check) {
        const current = fs.existsSync(opts.check) ? fs.readFileSync(opts.check, 'utf8') : '';
        if (current !== doc) {
          process.stderr.write(`${opts.check} is out of date: run \`genesis openapi -o ${opts.check}\`\n`);
          process.exitCode = 1;
        }
        return;
      }
      if (opts.output) writeFileAtomic(opts.output, doc);
      else process.stdout.write(doc);
    });
}
