import type { Command } from 'commander';
import { reproduceCommand } from '@genesis-lab/notebook-runner';
import { FacilityName, parseOrThrow } from '@genesis-lab/contract';
import { cellProgress, progressSettings } from '../progress';
import { kernelOptions } from './notebook-options';

/**
 * `genesis reproduce NOTEBOOK.ipynb|CRATE.zip`: re-execute a notebook from its lineage as a job
 * on a facility, every dataset ref pinned to the recorded version, and print the report (per
 * cell: reproduced, within tolerance, differs with the diff, failed, not run). Exit 1 when
 * anything did not reproduce.
 */
export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description('Re-execute a recorded notebook (or an exported crate) as a job, pinned; exit 1 unless it reproduced')
    .argument('<source>', 'a notebook run with Genesis (.ipynb) or a crate exported from a run (.zip)')
    .option('-f, --facility <name>', 'the facility the reproduction job runs on', 'local')
    .option('--report-json <file>', 'write the report as JSON here')
    .option('--report-md <file>', 'write the report as Markdown here')
    .option('--output-dir <dir>', 'where the reproduced notebook and report files go (default: a new temp folder)')
    .option('-k, --kernel <name>', "the kernel to run in (default: the notebook's metadata.kernelspec)")
    .option('--cell-timeout <seconds>', 'interrupt a cell that runs longer than this')
    .option('--progress <mode>', 'auto | bar | plain | none (what is pinned is said in every mode but none)', 'auto')
    .option('--json', 'print the report as JSON instead of Markdown')
    .option('--home <dir>', 'GENESIS_HOME of the platform to use')
    .action(async (source: string, o: Record<string, string | boolean | undefined>) => {
      const settings = progressSettings(o.progress);
      const facility = parseOrThrow(FacilityName, o.facility, '--facility');
      const k = kernelOptions(o);
      // Without a terminal, what is pinned (and what is not) is still said: it decides what the result means.
      const view = cellProgress(
        settings.mode === 'none' && o.progress === 'auto' ? { ...settings, mode: 'plain' } : settings,
        'reproduce'
      );
      try {
        const r = await reproduceCommand({
          source,
          facility,
          ...k,
          ...(typeof o.outputDir === 'string' ? { outputDir: o.outputDir } : {}),
          ...(typeof o.reportJson === 'string' ? { reportJson: o.reportJson } : {}),
          ...(typeof o.reportMd === 'string' ? { reportMarkdown: o.reportMd } : {}),
          connect: { home: typeof o.home === 'string' ? o.home : undefined },
          progress: (line) => view.line(line)
        });
        view.stop();
        process.stdout.write(o.json ? JSON.stringify(r.report, null, 2) + '\n' : r.markdown);
        process.stderr.write(
          `reproduced notebook and report: ${r.files.notebook}, ${r.files.json}, ${r.files.markdown}\n`
        );
        if (!r.report.reproducible) process.exitCode = 1;
      } finally {
        view.stop();
      }
    });
}
