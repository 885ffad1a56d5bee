/**
 * The jobs implementation, loaded as its own chunk when the Jobs panel is first shown or a
 * job command runs: the live jobs model, the panel, job views, the submit form.
 */
import type { Job, JobSpecInput } from '@genesis-lab/contract';
import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { describeError } from '../client/errors';
import { CommandIds } from '../commands';
import type { IJobsContext } from './context';
import { JobDetailModel } from './jobDetailModel';
import { JobDetailView } from './jobDetailView';
import { JobsModel } from './jobsModel';
import { JobsPanel } from './jobsPanel';

/** One jobs model per page, shared by the panel and the commands. */
let jobsModel: Promise<JobsModel> | null = null;
function modelOf(ctx: IJobsContext): Promise<JobsModel> {
  jobsModel ??= ctx.settings.then((settings) => new JobsModel(ctx.client, () => settings.current.pageSize));
  return jobsModel;
}

export async function createJobsPanel(ctx: IJobsContext): Promise<JobsPanel> {
  const settings = await ctx.settings;
  return new JobsPanel(
    await modelOf(ctx),
    ctx.client,
    ctx.trans,
    { open: (job) => void ctx.app.commands.execute(CommandIds.openJob, { id: job.id }) },
    () => settings.current.defaultFacility
  );
}

export async function openJob(ctx: IJobsContext, id: string): Promise<void> {
  const { shell } = ctx.app;
  const existing = ctx.views.find((w) => w.content.model.id === id);
  if (existing) {
    // Restored from a workspace saved while closed tabs were not disposed: it is in no dock panel.
    if (!existing.isAttached) shell.add(existing, 'main');
    shell.activateById(existing.id);
    return;
  }
  const settings = await ctx.settings;
  const model = new JobDetailModel(id, ctx.client, settings.current.logTailBytes);
  const view = new JobDetailView(model, ctx.client, ctx.app.commands, ctx.trans);
  await ctx.views.add(view);
  shell.add(view, 'main');
  shell.activateById(view.id);
}

/**
 * Cancel a job once the user confirmed it (the button of its view and the palette command
 * both come here). Through its open view when there is one, which then shows "Cancelling…".
 */
export async function cancelJob(ctx: IJobsContext, id: string): Promise<void> {
  const { trans } = ctx;
  const model = await modelOf(ctx);
  const view = ctx.views.find((w) => w.content.model.id === id);
  const known = view?.content.model.job ?? model.job(id);
  const name = known ? `${known.spec.name} (${id})` : id;
  const answer = await showDialog({
    title: trans.__('Cancel job %1?', name),
    body: known
      ? trans.__('It is %1 on %2. Cancelling stops it; this cannot be undone.', known.state, known.facility)
      : trans.__('Cancelling stops it; this cannot be undone.'),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Keep Running') }),
      Dialog.warnButton({ label: trans.__('Cancel Job') })
    ]
  });
  if (!answer.button.accept) return;
  if (view) {
    const job = await view.content.model.cancel();
    if (job) model.upsert(job);
    return;
  }
  try {
    model.upsert(await ctx.client.cancelJob(id));
  } catch (err) {
    await showErrorMessage(trans.__('Cancel failed'), describeError(err));
  }
}

/** The spec to prefill a resubmission with: everything but the old idempotency key. */
export async function resubmittableSpec(ctx: IJobsContext, id: string): Promise<JobSpecInput | null> {
  try {
    const job: Job = (await modelOf(ctx)).job(id) ?? (await ctx.client.getJob(id));
    const { idempotencyKey: _drop, ...spec } = job.spec;
    return spec;
  } catch (err) {
    await showErrorMessage(ctx.trans.__('Resubmit failed'), describeError(err));
    return null;
  }
}
