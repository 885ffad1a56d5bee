import { reproduceJob } from './commands/reproduce-job';

/**
 * `genesis-notebook reproduce-job SPEC`: the program a reproduction job runs on a facility. A
 * progress line per cell on stdout (the job's log); exit 0 when the notebook reproduced.
 */
export async function main(args: string[]): Promise<number> {
  const [command, spec, ...rest] = args;
  if (command !== 'reproduce-job' || !spec || rest.length)
    throw new Error(`usage: genesis-notebook reproduce-job SPEC.json (got: ${args.join(' ') || 'nothing'})`);
  const report = await reproduceJob(spec, (line) => process.stdout.write(`${line}\n`));
  return report.reproducible ? 0 : 3;
}
