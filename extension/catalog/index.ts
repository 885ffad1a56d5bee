/**
 * The catalog's implementation, loaded as its own chunk when the panel is first shown or a
 * catalog command runs: models, React views, the preview grid, snippets, drag and drop.
 */
import { formatRef, parseRef, type SearchHit } from '@genesis-lab/contract';
import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { MimeData } from '@lumino/coreutils';
import { Drag } from '@lumino/dragdrop';
import type * as React from 'react';
import { describeError } from '../client/errors';
import { CommandIds } from '../commands';
import type { ICatalogContext } from './context';
import { DatasetDetailModel } from './detailModel';
import { DatasetDetailView } from './detailView';
import { JUPYTER_CELLS_MIME, insertCodeCell, newTypeScriptNotebook, notebookAt, runsTypeScript } from './insert';
import { ModelDetailModel } from './modelDetailModel';
import { ModelDetailView } from './modelDetailView';
import { modelSnippet } from './modelSnippet';
import { CatalogSearchModel } from './searchModel';
import { CatalogSearchPanel } from './searchPanel';
import { datasetSnippet, type ISnippetSource } from './snippet';

/** Pixels the mouse must move with the button down before a result becomes a drag. */
const DRAG_THRESHOLD = 5;

export async function createSearchPanel(ctx: ICatalogContext): Promise<CatalogSearchPanel> {
  const settings = await ctx.settings;
  const options = () => ({ debounceMs: settings.current.searchDebounceMs, pageSize: settings.current.pageSize });
  const model = new CatalogSearchModel(ctx.client, options());
  settings.changed.connect(() => model.configure(options()), model);
  const panel: CatalogSearchPanel = new CatalogSearchPanel(model, ctx.client, ctx.trans, {
    // A result opens the view of its kind; Shift+Enter inserts the cell of its kind.
    open: (hit) =>
      void ctx.app.commands.execute(hit.kind === 'model' ? CommandIds.openModel : CommandIds.openDataset, {
        ref: hit.id
      }),
    insert: (hit) =>
      void (hit.kind === 'model'
        ? ctx.app.commands.execute(CommandIds.insertModel, { ref: hit.id })
        : insertSnippet(ctx, snippetOfHit(hit))),
    startDrag: (hit, event) => startDrag(ctx, panel, snippetOfHit(hit), event)
  });
  return panel;
}

/** Open (or focus) the detail view of `ref`. */
export async function openDataset(ctx: ICatalogContext, ref: string): Promise<void> {
  const { trans } = ctx;
  let parsed: ReturnType<typeof parseRef>;
  try {
    parsed = parseRef(ref);
  } catch (err) {
    await showErrorMessage(trans.__('Not a dataset ref'), describeError(err));
    return;
  }
  const { shell } = ctx.app;
  const existing = ctx.details.find((w) => w.content.model.id === parsed.id);
  if (existing) {
    if (parsed.version) existing.content.model.selectVersion(parsed.version);
    // Restored from a workspace saved while closed tabs were not disposed: it is in no dock panel.
    if (!existing.isAttached) shell.add(existing, 'main');
    shell.activateById(existing.id);
    return;
  }
  const settings = await ctx.settings;
  const model = new DatasetDetailModel(formatRef(parsed), ctx.client, settings.current.previewRows);
  settings.changed.connect((_, s) => model.setPreviewRows(s.previewRows), model);
  const view = new DatasetDetailView(model, ctx.client, ctx.trans, {
    insert: (r) => void ctx.app.commands.execute(CommandIds.insertDataset, { ref: r })
  });
  await ctx.details.add(view);
  shell.add(view, 'main');
  shell.activateById(view.id);
  // The restorer remembers the version being looked at.
  model.stateChanged.connect(() => void ctx.details.save(view));
}

/** Open (or focus) the view of model `ref`: card, signature, versions. */
export async function openModel(ctx: ICatalogContext, ref: string): Promise<void> {
  const { trans } = ctx;
  let parsed: ReturnType<typeof parseRef>;
  try {
    parsed = parseRef(ref);
  } catch (err) {
    await showErrorMessage(trans.__('Not a model ref'), describeError(err));
    return;
  }
  const { shell } = ctx.app;
  const existing = ctx.modelDetails.find((w) => w.content.model.id === parsed.id);
  if (existing) {
    if (parsed.version) existing.content.model.selectVersion(parsed.version);
    if (!existing.isAttached) shell.add(existing, 'main');
    shell.activateById(existing.id);
    return;
  }
  const model = new ModelDetailModel(formatRef(parsed), ctx.client);
  const { commands } = ctx.app;
  const view = new ModelDetailView(model, ctx.client, trans, {
    insert: (r) => void commands.execute(CommandIds.insertModel, { ref: r }),
    openDataset: (r) => void commands.execute(CommandIds.openDataset, { ref: r }),
    openJob: (id) => void commands.execute(CommandIds.openJob, { id })
  });
  await ctx.modelDetails.add(view);
  shell.add(view, 'main');
  shell.activateById(view.id);
  // The restorer remembers the version being looked at.
  model.stateChanged.connect(() => void ctx.modelDetails.save(view));
}

/** Insert a cell that calls model `ref` (pinned to its version) on an input table built from its signature. */
export async function insertModel(ctx: ICatalogContext, ref: string): Promise<void> {
  const { trans } = ctx;
  const failed = trans.__('Cannot insert the model');
  try {
    const parsed = parseRef(ref);
    const record = await ctx.client.model(parsed.id);
    const version = record.versions.find((v) => v.version === (parsed.version ?? record.latestVersion));
    if (!version) {
      await showErrorMessage(failed, trans.__('%1 has no version “%2”.', parsed.id, parsed.version ?? ''));
      return;
    }
    const pinned = formatRef({ id: record.id, version: version.version });
    await insertCode(
      ctx,
      modelSnippet({ id: record.id, version: version.version, title: record.title, signature: version.signature }),
      pinned,
      failed
    );
  } catch (err) {
    await showErrorMessage(failed, describeError(err));
  }
}

/** Insert a cell that loads `ref`, pinned to a version and listing the columns from the record. */
export async function insertDataset(ctx: ICatalogContext, ref: string): Promise<void> {
  const { trans } = ctx;
  try {
    const parsed = parseRef(ref);
    const record = await ctx.client.record(parsed.id);
    const version = record.versions.find((v) => v.version === (parsed.version ?? record.latestVersion));
    if (!version) {
      await showErrorMessage(
        trans.__('Cannot insert the dataset'),
        parsed.version
          ? trans.__('%1 has no version “%2”.', parsed.id, parsed.version)
          : trans.__('%1 holds no data yet.', parsed.id)
      );
      return;
    }
    await insertSnippet(ctx, {
      id: record.id,
      version: version.version,
      title: record.title,
      columns: version.fields.map((f) => f.name),
      rowCount: version.rowCount
    });
  } catch (err) {
    await showErrorMessage(trans.__('Cannot insert the dataset'), describeError(err));
  }
}

/**
 * Put the dataset's cell into the current notebook (a new TypeScript notebook when none is
 * open). A notebook on another kernel (Python) would get a cell that cannot run there: the
 * user is told so and offered a TypeScript notebook instead.
 */
function insertSnippet(ctx: ICatalogContext, source: ISnippetSource): Promise<void> {
  return insertCode(
    ctx,
    datasetSnippet(source),
    formatRef({ id: source.id, version: source.version }),
    ctx.trans.__('Cannot insert the dataset')
  );
}

/** Put `code` (the cell for `ref`, a dataset or a model) into the current TypeScript notebook, as above. */
async function insertCode(ctx: ICatalogContext, code: string, ref: string, failed: string): Promise<void> {
  const { trans } = ctx;
  if (!ctx.notebooks) {
    await showErrorMessage(failed, trans.__('The notebook extension is not available in this JupyterLab.'));
    return;
  }
  try {
    let panel = ctx.notebooks.currentWidget;
    if (panel && !runsTypeScript(panel)) {
      if (!(await offerTypeScriptNotebook(ctx, ref, panel))) return;
      panel = null;
    }
    panel ??= await newTypeScriptNotebook(ctx.app.commands);
    await insertCodeCell(code, panel);
    ctx.app.shell.activateById(panel.id);
  } catch (err) {
    await showErrorMessage(failed, describeError(err));
  }
}

/** The refusal for a notebook that does not run TypeScript; true when the user wants a TypeScript notebook. */
async function offerTypeScriptNotebook(ctx: ICatalogContext, ref: string, panel: NotebookPanel): Promise<boolean> {
  const { trans } = ctx;
  const result = await showDialog({
    title: trans.__('This notebook does not run TypeScript'),
    body: trans.__(
      '%1 runs on the %2 kernel. The cell for %3 uses the Genesis kernel helpers, which run in TypeScript notebooks (the tslab kernel); this environment has no Python reader for the platform’s Arrow data (pyarrow). Open a new TypeScript notebook with the cell instead?',
      panel.title.label,
      panel.sessionContext.kernelDisplayName,
      ref
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Open a TypeScript Notebook') })
    ]
  });
  return result.button.accept;
}

function snippetOfHit(hit: SearchHit): ISnippetSource {
  return { id: hit.id, version: hit.latestVersion!, title: hit.title, rowCount: hit.rowCount };
}

/**
 * Begin dragging a result once the mouse moved a few pixels: the drag carries a notebook
 * cell (JupyterLab's cell MIME type, which notebooks accept as a drop) and the code as text.
 * A drop onto a notebook that does not run TypeScript is refused (the cell could not run
 * there) with the same offer as Insert.
 */
function startDrag(
  ctx: ICatalogContext,
  source: CatalogSearchPanel,
  snippet: ISnippetSource,
  event: React.MouseEvent
): void {
  if (event.button !== 0) return;
  const startX = event.clientX;
  const startY = event.clientY;
  const move = (e: MouseEvent) => {
    if (Math.abs(e.clientX - startX) < DRAG_THRESHOLD && Math.abs(e.clientY - startY) < DRAG_THRESHOLD) return;
    cleanup();
    const code = datasetSnippet(snippet);
    const mimeData = new MimeData();
    mimeData.setData(JUPYTER_CELLS_MIME, [
      { cell_type: 'code', source: code, metadata: {}, outputs: [], execution_count: null }
    ]);
    mimeData.setData('text/plain', code);
    const image = document.createElement('div');
    image.className = 'jp-Genesis-dragImage';
    image.textContent = `${snippet.id}@${snippet.version}`;
    const drag = new Drag({ mimeData, dragImage: image, proposedAction: 'copy', supportedActions: 'copy', source });
    const refuse = (drop: Event) => {
      const target = ctx.notebooks ? notebookAt(drop.target, ctx.notebooks) : null;
      if (!target || runsTypeScript(target)) return;
      drop.preventDefault();
      drop.stopPropagation();
      (drop as Drag.Event).dropAction = 'none';
      void offerTypeScriptNotebook(ctx, formatRef({ id: snippet.id, version: snippet.version }), target).then(
        async (accept) => {
          if (!accept) return;
          const panel = await insertCodeCell(code, await newTypeScriptNotebook(ctx.app.commands));
          ctx.app.shell.activateById(panel.id);
        }
      );
    };
    // Capture phase: seen before the notebook's own drop handler.
    document.addEventListener('lm-drop', refuse, true);
    void drag.start(e.clientX, e.clientY).finally(() => document.removeEventListener('lm-drop', refuse, true));
  };
  const cleanup = () => {
    document.removeEventListener('mousemove', move, true);
    document.removeEventListener('mouseup', cleanup, true);
  };
  document.addEventListener('mousemove', move, true);
  document.addEventListener('mouseup', cleanup, true);
}
