/**
 * The jobs implementation, loaded as its own chunk when the Jobs panel is first shown or a
 * job command runs: the live jobs model, the panel, job views, the submit form.
 */
import type { Job, JobSpecInput } from '@genesis-lab/contract';
import { showErrorMessage } from '@jupyterlab/apputils';
import { describeError } from '../client/errors';
import { CommandIds } from '../commands';
import type { IJobsContext } from './context';
import { JobDetailModel } from './jobDetailModel';
import { JobDetailView } from './jobDetailView';
import { JobsModel } from './jobsModel';
import { JobsPanel } from './jobsPanel';

/** One jobs model per page, shared by the panel and the commands. */
let jobsModel: JobsModel | null = null;
function modelOf(ctx: IJobsContext): JobsModel {
  jobsModel ??= new JobsModel(ctx.client, () => ctx.settings().pageSize);
  return jobsModel;
}

export function createJobsPanel(ctx: IJobsContext): JobsPanel {
  return new JobsPanel(
    modelOf(ctx),
    ctx.client,
    { open: (job) => void ctx.app.commands.execute(CommandIds.openJob, { id: job.id }) },
    () => ctx.settings().defaultFacility
  );
}

export async function openJob(ctx: IJobsContext, id: string): Promise<void> {
  const { shell } = ctx.app;
  const existing = ctx.views.find((w) => w.model.id === id);
  if (existing) {
    // Restored from a workspace saved while closed tabs were not disposed: it is in no dock panel.
    if (!existing.isAttached) shell.add(existing, 'main');
    shell.activateById(existing.id);
    return;
  }
  const view = new JobDetailView(new JobDetailModel(id, ctx.client, ctx.settings().logTailBytes), ctx.client, {
    resubmit: (job) => void ctx.app.commands.execute(CommandIds.resubmitJob, { id: job.id })
  });
  await ctx.views.add(view);
  shell.add(view, 'main');
  shell.activateById(view.id);
}

export async function cancelJob(ctx: IJobsContext, id: string): Promise<void> {
  try {
    modelOf(ctx).upsert(await ctx.client.cancelJob(id));
  } catch (err) {
    await showErrorMessage('Cancel failed', describeError(err));
  }
}

/** The spec to prefill a resubmission with: everything but the old idempotency key. */
export async function resubmittableSpec(ctx: IJobsContext, id: string): Promise<JobSpecInput | null> {
  try {
    const job: Job = modelOf(ctx).job(id) ?? (await ctx.client.getJob(id));
    const { idempotencyKey: _drop, ...spec } = job.spec;
    return spec;
  } catch (err) {
    await showErrorMessage('Resubmit failed', describeError(err));
    return null;
  }
}
