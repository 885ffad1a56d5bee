import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { GenesisError, ModelCardFile, OWNER, formatBytes, parseOrThrow } from '@genesis-lab/contract';
import { JobsClient } from '@genesis-lab/client';
import { Home, openModels } from '@genesis-lab/platform';
import { readJsonFile } from '../input-file';
import { finalMessage, watchJob } from './jobs';

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
  const models = program
    .command('models')
    .description('The model registry: register, train (as a job) and list models');
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
    .command('train')
    .description(
      'Train a model as a Genesis job on a running platform: the job stages in the training dataset version ' +
        '(as CSV) and runs DIR/train.py DATA.csv OUT_DIR; the model.onnx it writes is published as a new version ' +
        'whose generator is the job (POST /api/jobs/{id}/publish-model), so lineage and impact show ' +
        'dataset version -> job -> model version'
    )
    .argument('<dir>', 'the model directory: train.py and card.json (e.g. platform/seed/models/co2-trend)')
    .requiredOption('--id <ns/name>', 'model id, e.g. climate/co2-trend')
    .option('--card <card.json>', 'metadata, model card, signature (default: DIR/card.json)')
    .option('--data <ns/name@version>', "the training dataset (default: the card's origin.trainedOn[0])")
    .option('--facility <name>', 'where the job runs', 'local')
    .option(
      '--python <path>',
      'the Python with scikit-learn and skl2onnx (default: $VIRTUAL_ENV/bin/python, else python3)'
    )
    .option('--version <label>', 'version label (overrides the card file)')
    .option('--home <dir>', 'find the platform by the discovery file of this GENESIS_HOME')
    .option('--json', 'print the published version as JSON')
    .action(
      async (
        dir: string,
        opts: {
          id: string;
          card?: string;
          data?: string;
          facility: string;
          python?: string;
          version?: string;
          home?: string;
          json?: boolean;
        }
      ) => {
        const script = path.resolve(dir, 'train.py');
        if (!fs.existsSync(script)) throw new GenesisError('not_found', `No training script ${script}`);
        const card = readCard(opts.card ?? path.join(dir, 'card.json'));
        const data = opts.data ?? card.origin.trainedOn[0]?.ref;
        if (!data)
          throw new GenesisError('bad_request', 'Name the training dataset: --data ns/name@version', {
            hint: "or list it in the card's origin.trainedOn"
          });
        const python =
          opts.python ?? (process.env.VIRTUAL_ENV ? path.join(process.env.VIRTUAL_ENV, 'bin', 'python') : 'python3');
        const jobs = new JobsClient({ home: opts.home });
        try {
          const { job } = await jobs.submit({
            name: `train ${opts.id}`,
            facility: opts.facility,
            executable: python,
            arguments: [script, 'data.csv', 'out'],
            stageIn: [{ dataset: data, target: 'data.csv', format: 'csv' }]
          });
          process.stderr.write(`Training ${opts.id} on ${data} as job ${job.id} (${opts.facility})\n`);
          const done = await watchJob(jobs, job.id, undefined);
          const failed = finalMessage(done);
          if (failed)
            throw new GenesisError('unprocessable', `Training failed: ${failed}`, {
              hint: `Its stderr: genesis jobs logs ${job.id} --stderr`
            });
          const v = await jobs.client.call('publishJobModel', {
            params: { id: job.id },
            body: {
              ...card,
              ...(opts.version ? { version: opts.version } : {}),
              file: 'out/model.onnx',
              model: opts.id
            }
          });
          if (opts.json) process.stdout.write(JSON.stringify({ id: opts.id, jobId: job.id, version: v }) + '\n');
          else
            process.stdout.write(
              `Published ${opts.id}@${v.version} from job ${job.id}: ${v.format}, ${formatBytes(v.sizeBytes)}, sha256 ${v.sha256}\n`
            );
        } finally {
          jobs.close();
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
