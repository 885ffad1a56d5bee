import type { Command } from 'commander';
import { runCommand } from '@genesis-lab/notebook-runner';
import { cellProgress, progressSettings } from '../progress';
import { kernelOptions } from './notebook-options';

/**
 * `genesis run NOTEBOOK.ipynb [--output OUT.ipynb]`: execute a notebook headless (as papermill
 * does) in the kernel its metadata declares, record every cell as the extension would, and write
 * the executed notebook with its outputs and `metadata.genesis` (run id, pins) back. Exit 1 when
 * a cell failed, so pipelines and CI get recorded notebooks and a failing step.
 */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Execute a notebook headless, recording every cell; writes outputs and metadata.genesis back')
    .argument('<notebook>', 'the .ipynb to execute')
    .option('-o, --output <file>', 'write the executed notebook here instead of back to NOTEBOOK')
    .option('-k, --kernel <name>', "the kernel to run in (default: the notebook's metadata.kernelspec)")
    .option('--cell-timeout <seconds>', 'interrupt a cell that runs longer than this')
    .option('--progress <mode>', 'auto | bar | plain | none', 'auto')
    .option('--home <dir>', 'GENESIS_HOME of the platform to use')
    .option('--project <id>', 'the project the run belongs to (its members see it); default: the default project')
    .action(async (notebook: string, o: Record<string, string | undefined>) => {
      const settings = progressSettings(o.progress);
      const k = kernelOptions(o);
      const view = cellProgress(settings, 'run');
      try {
        const r = await runCommand({
          notebook,
          ...(o.output ? { output: o.output } : {}),
          ...k,
          ...(o.project ? { project: o.project } : {}),
          connect: { home: o.home },
          progress: (line) => view.line(line)
        });
        view.stop();
        const failed = r.result.cells.filter((c) => c.status !== 'ok');
        for (const note of r.notes) process.stderr.write(`note: ${note}\n`);
        process.stdout.write(
          `run ${r.runId}: ${r.result.cells.length - failed.length} of ${r.result.cells.length} cells ok, ` +
            `${r.executions.length} recorded; wrote ${r.written}\n`
        );
        if (failed.length) {
          for (const c of failed)
            process.stderr.write(
              `genesis: cell ${c.index + 1}${c.id ? ` (${c.id})` : ''} ${c.status}${c.reason ? `: ${c.reason}` : c.error ? `: ${c.error.ename ?? ''}${c.error.evalue ? ` ${c.error.evalue}` : ''}` : ''}\n`
            );
          process.exitCode = 1;
        }
      } finally {
        view.stop();
      }
    });
}
