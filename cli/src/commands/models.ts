import * as fs from 'node:fs';
import type { Command } from 'commander';
import { GenesisError, ModelCardFile, OWNER, formatBytes, parseOrThrow } from '@genesis-lab/contract';
import { Home, openModels } from '@genesis-lab/platform';
import { readJsonFile } from '../input-file';

function readCard(file: string): ModelCardFile {
  return parseOrThrow(ModelCardFile, readJsonFile(file, '--card'), 'card');
}

/** DIR or FILE: a directory holds exactly one .onnx file (model.onnx by convention). */
function weightsFile(target: string): string {
  if (!fs.existsSync(target)) throw new GenesisError('not_found', `No such file or directory: ${target}`);
  if (!fs.statSync(target).isDirectory()) return target;
  const onnx = fs.readdirSync(target).filter((f) => f.endsWith('.onnx'));
  if (onnx.length !== 1)
    throw new GenesisError(
      'bad_request',
      `${target} must hold exactly one .onnx file, it holds ${onnx.length ? onnx.join(', ') : 'none'}`,
      { hint: 'Pass the file itself: genesis models register DIR/model.onnx ...' }
    );
  return `${target}/${onnx[0]}`;
}

export function registerModels(program: Command): void {
  const models = program.command('models').description('The model registry: register and list models');
  models
    .command('register')
    .description(
      'Register an ONNX model as a new immutable version; the weights are checked by onnxruntime against the ' +
        "card's signature first (an invalid file is refused and nothing is published)"
    )
    .argument('<path>', 'the .onnx file, or a directory holding one')
    .requiredOption('--id <ns/name>', 'model id, e.g. climate/co2-trend')
    .requiredOption('--card <card.json>', 'metadata, model card, signature (ModelCardFile in docs/models.md)')
    .option('--version <label>', 'version label (overrides the card file; default: the next number)')
    .option('--home <dir>', 'GENESIS_HOME (default ~/.genesis)')
    .option('--json', 'print the version as JSON')
    .action(
      async (target: string, opts: { id: string; card: string; version?: string; home?: string; json?: boolean }) => {
        const card = readCard(opts.card);
        const file = weightsFile(target);
        const { models: service, close } = openModels(new Home(opts.home ?? process.env.GENESIS_HOME));
        try {
          const r = await service.registry.publishFile(opts.id, file, {
            ...card,
            ...(opts.version ? { version: opts.version } : {})
          });
          const v = r.version;
          if (opts.json) process.stdout.write(JSON.stringify({ id: opts.id, created: r.created, version: v }) + '\n');
          else
            process.stdout.write(
              `${r.created ? 'Registered' : 'Unchanged (identical weights already registered)'} ${opts.id}@${v.version}: ` +
                `${v.format}, ${formatBytes(v.sizeBytes)}, sha256 ${v.sha256}\n` +
                `  inputs:  ${v.signature.inputs.map((f) => `${f.name} (${f.type}${f.unit ? `, ${f.unit}` : ''})`).join(', ')}\n` +
                `  outputs: ${v.signature.outputs.map((f) => `${f.name} (${f.type}${f.unit ? `, ${f.unit}` : ''})`).join(', ')}\n`
            );
        } finally {
          await close();
        }
      }
    );
  models
    .command('list')
    .description('List the models of a home')
    .option('--home <dir>', 'GENESIS_HOME (default ~/.genesis)')
    .option('--json', 'print JSON')
    .action(async (opts: { home?: string; json?: boolean }) => {
      const { models: service, close } = openModels(new Home(opts.home ?? process.env.GENESIS_HOME));
      try {
        const list = service.registry.list(OWNER);
        if (opts.json) process.stdout.write(JSON.stringify({ models: list }) + '\n');
        else if (!list.length) process.stdout.write('No models.\n');
        else
          for (const m of list)
            process.stdout.write(`${m.id}@${m.latestVersion}  ${m.runtime}  ${m.license}  ${m.title}\n`);
      } finally {
        await close();
      }
    });
}
