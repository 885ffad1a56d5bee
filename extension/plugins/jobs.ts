import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { CommandIds, PALETTE_CATEGORY } from '../commands';
import { jobIcon } from '../common/icons';
import { LazyPanel } from '../common/lazy';
import type { IJobsContext, IJobsSettings } from '../jobs/context';
import type { JobDetailView } from '../jobs/jobDetailView';
import type { JobsPanel } from '../jobs/jobsPanel';
import { IGenesisClient } from '../tokens';

export const JOBS_PLUGIN_ID = 'genesis-lab:jobs';

const DEFAULTS: IJobsSettings = { defaultFacility: '', logTailBytes: 65536, pageSize: 200 };

type JobsModule = typeof import('../jobs/index');
let jobsModule: Promise<JobsModule> | null = null;
/** The jobs implementation is its own chunk, loaded on first use. */
function loadJobs(): Promise<JobsModule> {
  jobsModule ??= import('../jobs/index');
  return jobsModule;
}

/**
 * The Jobs sidebar (facilities, submit form, live job list) and job views in the main area
 * (live log, spec, history, timeline; Cancel, Resubmit), with their palette commands.
 */
export const jobsPlugin: JupyterFrontEndPlugin<void> = {
  id: JOBS_PLUGIN_ID,
  description: 'Submit and monitor Genesis jobs across facilities, live.',
  autoStart: true,
  requires: [IGenesisClient],
  optional: [ILayoutRestorer, ICommandPalette, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    client: IGenesisClient,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    registry: ISettingRegistry | null
  ): void => {
    const { commands, shell } = app;
    let config = { ...DEFAULTS };
    registry?.load(JOBS_PLUGIN_ID).then(
      (settings) => {
        const read = () => (config = { ...DEFAULTS, ...(settings.composite as Partial<IJobsSettings>) });
        read();
        settings.changed.connect(read);
      },
      (err: unknown) => console.warn('Genesis: could not load the jobs settings; using defaults', err)
    );
    const views = new WidgetTracker<JobDetailView>({ namespace: 'genesis-job' });
    const ctx: IJobsContext = { app, client, views, settings: () => config };

    const panel = new LazyPanel<JobsPanel>(() => loadJobs().then((m) => m.createJobsPanel(ctx)), app.restored);
    panel.id = 'genesis-jobs';
    panel.title.icon = jobIcon;
    panel.title.caption = 'Genesis jobs';
    shell.add(panel, 'left', { rank: 360 });
    restorer?.add(panel, 'genesis-jobs');
    if (restorer) {
      void restorer.restore(views, {
        command: CommandIds.openJob,
        args: (w) => ({ id: w.model.id }),
        name: (w) => w.model.id
      });
    }

    const jobArg = (args: Record<string, unknown>) => (typeof args.id === 'string' && args.id ? args.id : null);
    const targetJob = (args: Record<string, unknown>) => jobArg(args) ?? views.currentWidget?.model.id ?? null;

    commands.addCommand(CommandIds.openJobs, {
      label: 'Open Genesis Jobs',
      caption: 'Show the Genesis jobs panel: facilities and live jobs',
      icon: jobIcon,
      execute: () => shell.activateById(panel.id)
    });
    commands.addCommand(CommandIds.submitJob, {
      label: 'Submit a Genesis Job…',
      caption: 'Open the job submission form',
      execute: async () => {
        shell.activateById(panel.id);
        (await panel.loadContent()).showSubmitForm();
      }
    });
    commands.addCommand(CommandIds.openJob, {
      label: (args) => (jobArg(args) ? `Open Job ${jobArg(args)}` : 'Open Genesis Job'),
      caption: 'Show a job: live log, spec, state history',
      icon: jobIcon,
      describedBy: { args: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
      isVisible: (args) => jobArg(args) !== null,
      execute: async (args) => {
        const id = jobArg(args);
        if (id) await (await loadJobs()).openJob(ctx, id);
      }
    });
    commands.addCommand(CommandIds.cancelJob, {
      label: (args) => (jobArg(args) ? `Cancel Job ${jobArg(args)}` : 'Cancel the Current Genesis Job'),
      caption: 'Cancel a queued or running job',
      isEnabled: (args) => targetJob(args) !== null,
      execute: async (args) => {
        const id = targetJob(args);
        if (id) await (await loadJobs()).cancelJob(ctx, id);
      }
    });
    commands.addCommand(CommandIds.resubmitJob, {
      label: (args) => (jobArg(args) ? `Resubmit Job ${jobArg(args)}…` : 'Resubmit the Current Genesis Job…'),
      caption: 'Open the submit form filled with this job’s spec',
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
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }
  }
};
