import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator } from '@jupyterlab/translation';
import { CommandIds, paletteCategory } from '../commands';
import { translationBundle } from '../common/i18n';
import { jobIcon } from '../common/icons';
import { LazyPanel, lazyModule } from '../common/lazy';
import { loadLabSettings } from '../common/settings';
import type { IJobsContext } from '../jobs/context';
import type { JobDetailView } from '../jobs/jobDetailView';
import type { JobsPanel } from '../jobs/jobsPanel';
import { IGenesisClient } from '../tokens';

export const JOBS_PLUGIN_ID = 'genesis-lab:jobs';

/** The jobs implementation is its own chunk, loaded on first use. */
const loadJobs = lazyModule(() => import('../jobs/index'));

/**
 * The Jobs sidebar (facilities, submit form, live job list) and job views in the main area
 * (live log, spec, history, timeline; Cancel, Resubmit), with their palette commands.
 */
export const jobsPlugin: JupyterFrontEndPlugin<void> = {
  id: JOBS_PLUGIN_ID,
  description: 'Submit and monitor Genesis jobs across facilities, live.',
  autoStart: true,
  requires: [IGenesisClient],
  optional: [ILayoutRestorer, ICommandPalette, ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    client: IGenesisClient,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    registry: ISettingRegistry | null,
    translator: ITranslator | null
  ): void => {
    const { commands, shell } = app;
    const trans = translationBundle(translator);
    const views = new WidgetTracker<JobDetailView>({ namespace: 'genesis-job' });
    const ctx: IJobsContext = { app, client, views, trans, settings: loadLabSettings(registry, 'jobs') };

    const panel = new LazyPanel<JobsPanel>(() => loadJobs().then((m) => m.createJobsPanel(ctx)), app.restored, trans);
    panel.id = 'genesis-jobs';
    panel.title.icon = jobIcon;
    panel.title.caption = trans.__('Genesis jobs');
    shell.add(panel, 'left', { rank: 360 });
    restorer?.add(panel, 'genesis-jobs');
    if (restorer) {
      void restorer.restore(views, {
        command: CommandIds.openJob,
        args: (w) => ({ id: w.content.model.id }),
        name: (w) => w.content.model.id
      });
    }

    const jobArg = (args: Record<string, unknown>) => (typeof args.id === 'string' && args.id ? args.id : null);
    const targetJob = (args: Record<string, unknown>) => jobArg(args) ?? views.currentWidget?.content.model.id ?? null;

    commands.addCommand(CommandIds.openJobs, {
      label: trans.__('Open Genesis Jobs'),
      caption: trans.__('Show the Genesis jobs panel: facilities and live jobs'),
      icon: jobIcon,
      execute: () => shell.activateById(panel.id)
    });
    commands.addCommand(CommandIds.submitJob, {
      label: trans.__('Submit a Genesis Job…'),
      caption: trans.__('Open the job submission form'),
      execute: async () => {
        shell.activateById(panel.id);
        (await panel.loadContent()).showSubmitForm();
      }
    });
    commands.addCommand(CommandIds.openJob, {
      label: (args) => (jobArg(args) ? trans.__('Open Job %1', jobArg(args)!) : trans.__('Open Genesis Job')),
      caption: trans.__('Show a job: live log, spec, state history'),
      icon: jobIcon,
      describedBy: { args: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
      isVisible: (args) => jobArg(args) !== null,
      execute: async (args) => {
        const id = jobArg(args);
        if (id) await (await loadJobs()).openJob(ctx, id);
      }
    });
    commands.addCommand(CommandIds.cancelJob, {
      label: (args) =>
        jobArg(args) ? trans.__('Cancel Job %1…', jobArg(args)!) : trans.__('Cancel the Current Genesis Job…'),
      caption: trans.__('Cancel a queued or running job (asks for confirmation)'),
      describedBy: { args: { type: 'object', properties: { id: { type: 'string' } } } },
      isEnabled: (args) => targetJob(args) !== null,
      execute: async (args) => {
        const id = targetJob(args);
        if (id) await (await loadJobs()).cancelJob(ctx, id);
      }
    });
    commands.addCommand(CommandIds.resubmitJob, {
      label: (args) =>
        jobArg(args) ? trans.__('Resubmit Job %1…', jobArg(args)!) : trans.__('Resubmit the Current Genesis Job…'),
      caption: trans.__('Open the submit form filled with this job’s spec'),
      describedBy: { args: { type: 'object', properties: { id: { type: 'string' } } } },
      isEnabled: (args) => targetJob(args) !== null,
      execute: async (args) => {
        const id = targetJob(args);
        if (!id) return;
        const spec = await (await loadJobs()).resubmittableSpec(ctx, id);
        if (!spec) return;
        shell.activateById(panel.id);
        (await panel.loadContent()).showSubmitForm(spec);
      }
    });
    for (const command of [CommandIds.openJobs, CommandIds.submitJob, CommandIds.cancelJob, CommandIds.resubmitJob]) {
      palette?.addItem({ command, category: paletteCategory(trans) });
    }
  }
};
