import type { Job, JobSpecInput } from '@genesis-lab/contract';
import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, WidgetTracker, showErrorMessage } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { describeError } from '../client/errors';
import { CommandIds, PALETTE_CATEGORY } from '../commands';
import { jobIcon } from '../common/icons';
import { JobDetailModel } from '../jobs/jobDetailModel';
import { JobDetailView } from '../jobs/jobDetailView';
import { JobsModel } from '../jobs/jobsModel';
import { JobsPanel } from '../jobs/jobsPanel';
import { IGenesisClient } from '../tokens';

export const JOBS_PLUGIN_ID = 'genesis-lab:jobs';

interface IJobsSettings {
  defaultFacility: string;
  logTailBytes: number;
}

const DEFAULTS: IJobsSettings = { defaultFacility: '', logTailBytes: 65536 };

/** What a resubmission keeps of a job's spec: everything but its idempotency key. */
function resubmittable(job: Job): JobSpecInput {
  const { idempotencyKey: _drop, ...spec } = job.spec;
  return spec;
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
  activate: async (
    app: JupyterFrontEnd,
    client: IGenesisClient,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    registry: ISettingRegistry | null
  ): Promise<void> => {
    const { commands, shell } = app;
    const settings = registry ? await registry.load(JOBS_PLUGIN_ID).catch(() => null) : null;
    const config = (): IJobsSettings => ({
      ...DEFAULTS,
      ...(settings?.composite as Partial<IJobsSettings> | undefined)
    });

    const model = new JobsModel(client);
    const views = new WidgetTracker<JobDetailView>({ namespace: 'genesis-job' });
    const panel = new JobsPanel(
      model,
      client,
      { open: (job) => void commands.execute(CommandIds.openJob, { id: job.id }) },
      () => config().defaultFacility
    );
    shell.add(panel, 'left', { rank: 360 });
    restorer?.add(panel, 'genesis-jobs');
    if (restorer) {
      void restorer.restore(views, {
        command: CommandIds.openJob,
        args: (w) => ({ id: w.model.id }),
        name: (w) => w.model.id
      });
    }

    const jobArg = (args: Record<string, unknown>): string | null =>
      typeof args.id === 'string' && args.id ? args.id : null;

    commands.addCommand(CommandIds.openJobs, {
      label: 'Open Genesis Jobs',
      caption: 'Show the Genesis jobs panel: facilities and live jobs',
      icon: jobIcon,
      execute: () => shell.activateById(panel.id)
    });
    commands.addCommand(CommandIds.submitJob, {
      label: 'Submit a Genesis Job…',
      caption: 'Open the job submission form',
      execute: () => {
        shell.activateById(panel.id);
        panel.showSubmitForm();
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
        if (!id) return;
        const existing = views.find((w) => w.model.id === id);
        if (existing) {
          shell.activateById(existing.id);
          return;
        }
        const view = new JobDetailView(new JobDetailModel(id, client, config().logTailBytes), client, {
          resubmit: (job) => void commands.execute(CommandIds.resubmitJob, { id: job.id })
        });
        await views.add(view);
        shell.add(view, 'main');
        shell.activateById(view.id);
      }
    });
    commands.addCommand(CommandIds.cancelJob, {
      label: (args) => (jobArg(args) ? `Cancel Job ${jobArg(args)}` : 'Cancel the Current Genesis Job'),
      caption: 'Cancel a queued or running job',
      isEnabled: (args) => jobArg(args) !== null || views.currentWidget !== null,
      execute: async (args) => {
        const id = jobArg(args) ?? views.currentWidget?.model.id;
        if (!id) return;
        try {
          model.upsert(await client.cancelJob(id));
        } catch (err) {
          await showErrorMessage('Cancel failed', describeError(err));
        }
      }
    });
    commands.addCommand(CommandIds.resubmitJob, {
      label: (args) => (jobArg(args) ? `Resubmit Job ${jobArg(args)}…` : 'Resubmit the Current Genesis Job…'),
      caption: 'Open the submit form filled with this job’s spec',
      isEnabled: (args) => jobArg(args) !== null || views.currentWidget !== null,
      execute: async (args) => {
        const id = jobArg(args) ?? views.currentWidget?.model.id;
        if (!id) return;
        try {
          const job = model.job(id) ?? (await client.getJob(id));
          shell.activateById(panel.id);
          panel.showSubmitForm(resubmittable(job));
        } catch (err) {
          await showErrorMessage('Resubmit failed', describeError(err));
        }
      }
    });
    for (const command of [CommandIds.openJobs, CommandIds.submitJob, CommandIds.cancelJob, CommandIds.resubmitJob]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }
  }
};
