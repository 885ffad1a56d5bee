/**
 * The provenance implementation, loaded as its own chunk when the Provenance panel is first
 * shown or one of its commands runs: the panel and its model, the lineage graph, the exports.
 * (Capture itself is not here: it starts with the lab, see plugins/provenance.ts.)
 */
import { sha256Hex } from '@genesis-lab/contract/core';
import { MainAreaWidget, showErrorMessage } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Debouncer } from '@lumino/polling';
import { describeError } from '../client/errors';
import { CommandIds } from '../commands';
import type { IProvenanceContext } from './context';
import { elkLayout } from './elkLayout';
import { LineageGraphModel } from './graphModel';
import { LineageGraphView } from './graphView';
import { ProvenancePanel } from './panel';
import { ProvenancePanelModel, type INotebookView } from './panelModel';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The notebook as the panel model needs it. */
function viewOf(ctx: IProvenanceContext, panel: NotebookPanel): INotebookView {
  return {
    get path() {
      return panel.context.path;
    },
    notebookId() {
      const meta = panel.content.model?.getMetadata('genesis') as { notebookId?: unknown } | undefined;
      return typeof meta?.notebookId === 'string' && UUID.test(meta.notebookId) ? meta.notebookId : null;
    },
    currentRunId() {
      const kernel = panel.sessionContext.session?.kernel;
      return (kernel && ctx.capture.runOfKernel(kernel.id)) ?? null;
    },
    cells() {
      const cells = panel.content.model?.cells;
      if (!cells) return [];
      const out = [];
      for (let i = 0; i < cells.length; i++) {
        const c = cells.get(i);
        if (c.type === 'code') out.push({ cellId: c.id, codeSha256: sha256Hex(c.sharedModel.getSource()) });
      }
      return out;
    }
  };
}

interface IPage {
  model: ProvenancePanelModel;
  graph: LineageGraphModel;
  graphView: MainAreaWidget<LineageGraphView> | null;
}

let page: Promise<IPage> | null = null;

/** One panel model per page, following the current notebook, and the graph following its run. */
function pageOf(ctx: IProvenanceContext): Promise<IPage> {
  page ??= ctx.settings.then((settings) => {
    const model = new ProvenancePanelModel(ctx.client);
    const graph = new LineageGraphModel(elkLayout, () => settings.current.graphCollapseAbove);
    const state: IPage = { model, graph, graphView: null };
    const edits = new Debouncer(() => model.cellsChanged(), 300);
    let watched: NotebookPanel | null = null;
    const onContent = () => void edits.invoke();
    const follow = () => {
      const panel = ctx.notebooks.currentWidget;
      if (panel === watched) return;
      watched?.content.model?.contentChanged.disconnect(onContent);
      watched = panel;
      panel?.content.model?.contentChanged.connect(onContent);
      model.setNotebook(panel ? viewOf(ctx, panel) : null);
    };
    ctx.notebooks.currentChanged.connect(follow);
    follow();
    model.setQueueState(ctx.queue.state);
    ctx.queue.stateChanged.connect((_, s) => model.setQueueState(s));
    // Before the first batch lands the panel has no notebook id to ask for: the capture names it.
    ctx.capture.recorded.connect(() => {
      if (!model.run) void model.refresh();
    });
    let shownRun: unknown = null;
    model.stateChanged.connect(() => {
      const run = model.run;
      if (run === shownRun) return;
      shownRun = run;
      const stale = new Set(model.rows.filter((r) => r.flags.length).map((r) => r.execution.executionId));
      void graph.setRun(run, stale);
    });
    return state;
  });
  return page;
}

export async function createPanel(ctx: IProvenanceContext): Promise<ProvenancePanel> {
  const { model } = await pageOf(ctx);
  const run = (id: string, args: ReadonlyPartialJSONObject = {}) => void ctx.app.commands.execute(id, args);
  return new ProvenancePanel(model, ctx.client, ctx.trans, {
    openDataset: (ref) => run(CommandIds.openDataset, { ref }),
    openJob: (id) => run(CommandIds.openJob, { id }),
    openGraph: () => run(CommandIds.openLineageGraph),
    exportCrate: () => run(CommandIds.exportCrate),
    exportProv: () => run(CommandIds.exportProv),
    sendNow: () => void ctx.queue.flush(),
    reproduce: () => run(CommandIds.reproduceRun)
  });
}

export async function openGraph(ctx: IProvenanceContext): Promise<void> {
  const state = await pageOf(ctx);
  if (!state.graphView || state.graphView.isDisposed) {
    const content = new LineageGraphView(state.graph, ctx.trans, {
      openDataset: (ref) => void ctx.app.commands.execute(CommandIds.openDataset, { ref }),
      openJob: (id) => void ctx.app.commands.execute(CommandIds.openJob, { id })
    });
    const widget = new MainAreaWidget({ content });
    widget.id = 'genesis-lineage-graph';
    widget.title.label = ctx.trans.__('Lineage graph');
    widget.title.closable = true;
    state.graphView = widget;
  }
  if (!state.graphView.isAttached) ctx.app.shell.add(state.graphView, 'main');
  ctx.app.shell.activateById(state.graphView.id);
  if (!state.model.run) await state.model.refresh();
}

/** Save a Blob as a file the way a browser download does. */
function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function baseName(path: string): string {
  return (path.split('/').pop() ?? 'notebook.ipynb').replace(/\.ipynb$/i, '') || 'notebook';
}

/** The current run, or an error dialog saying why there is none. */
async function currentRun(
  ctx: IProvenanceContext,
  what: string
): Promise<{ runId: string; panel: NotebookPanel | null } | null> {
  const { model } = await pageOf(ctx);
  if (!model.run) await model.refresh();
  const runId = model.selectedRunId;
  if (!runId) {
    await showErrorMessage(what, ctx.trans.__('This notebook has no recorded run yet: run a cell first.'));
    return null;
  }
  return { runId, panel: ctx.notebooks.currentWidget };
}

export async function exportCrate(ctx: IProvenanceContext): Promise<void> {
  const title = ctx.trans.__('Export RO-Crate');
  const target = await currentRun(ctx, title);
  if (!target) return;
  try {
    const nb = target.panel?.content.model;
    const name = target.panel ? `${baseName(target.panel.context.path)}.ipynb` : undefined;
    const body =
      nb && name ? { notebook: nb.toJSON() as unknown as Record<string, unknown>, notebookName: name } : undefined;
    const blob = await ctx.client.exportCrate(target.runId, body);
    download(blob, `${baseName(target.panel?.context.path ?? target.runId)}.crate.zip`);
  } catch (err) {
    await showErrorMessage(title, describeError(err));
  }
}

export async function exportProv(ctx: IProvenanceContext): Promise<void> {
  const title = ctx.trans.__('Export PROV-JSON');
  const target = await currentRun(ctx, title);
  if (!target) return;
  try {
    const doc = await ctx.client.provJson(target.runId);
    const blob = new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' });
    download(blob, `${baseName(target.panel?.context.path ?? target.runId)}.prov.json`);
  } catch (err) {
    await showErrorMessage(title, describeError(err));
  }
}

/**
 * Reproduce the current notebook's run on the default facility (settings), with the notebook as
 * the lab holds it (edits included: what is compared is what the notebook shows); the panel then
 * follows the job and its report live.
 */
export async function reproduce(ctx: IProvenanceContext, facility?: string): Promise<void> {
  const title = ctx.trans.__('Reproduce this notebook’s run');
  const target = await currentRun(ctx, title);
  if (!target) return;
  const [{ model }, settings] = await Promise.all([pageOf(ctx), ctx.settings]);
  const nb = target.panel?.content.model;
  const name = target.panel ? `${baseName(target.panel.context.path)}.ipynb` : undefined;
  await model.reproduce({
    facility: facility ?? settings.current.reproduceFacility,
    ...(nb && name ? { notebook: nb.toJSON() as unknown as Record<string, unknown>, notebookName: name } : {})
  });
  // Refused (no such facility, not allowed): the panel, shown by the command, says why.
}
