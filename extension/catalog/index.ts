/**
 * The catalog's implementation, loaded as its own chunk when the panel is first shown or a
 * catalog command runs: models, React views, the preview grid, snippets, drag and drop.
 */
import { formatRef, parseRef, type SearchHit } from '@genesis-lab/contract';
import { showErrorMessage } from '@jupyterlab/apputils';
import { MimeData } from '@lumino/coreutils';
import { Drag } from '@lumino/dragdrop';
import type * as React from 'react';
import { describeError } from '../client/errors';
import { CommandIds } from '../commands';
import type { ICatalogContext } from './context';
import { DatasetDetailModel } from './detailModel';
import { DatasetDetailView } from './detailView';
import { JUPYTER_CELLS_MIME, insertCodeCell } from './insert';
import { CatalogSearchModel } from './searchModel';
import { CatalogSearchPanel } from './searchPanel';
import { datasetSnippet, type ISnippetSource } from './snippet';

/** Pixels the mouse must move with the button down before a result becomes a drag. */
const DRAG_THRESHOLD = 5;

export function createSearchPanel(ctx: ICatalogContext): CatalogSearchPanel {
  const { settings } = ctx;
  const model = new CatalogSearchModel(ctx.client, {
    debounceMs: settings().searchDebounceMs,
    pageSize: settings().pageSize
  });
  const panel: CatalogSearchPanel = new CatalogSearchPanel(model, ctx.client, {
    open: (hit) => void ctx.app.commands.execute(CommandIds.openDataset, { ref: hit.id }),
    insert: (hit) => void insertSnippet(ctx, snippetOfHit(hit)),
    startDrag: (hit, event) => startDrag(panel, snippetOfHit(hit), event)
  });
  return panel;
}

/** Open (or focus) the detail view of `ref`. */
export async function openDataset(ctx: ICatalogContext, ref: string): Promise<void> {
  let parsed: ReturnType<typeof parseRef>;
  try {
    parsed = parseRef(ref);
  } catch (err) {
    await showErrorMessage('Not a dataset ref', describeError(err));
    return;
  }
  const { shell } = ctx.app;
  const existing = ctx.details.find((w) => w.model.id === parsed.id);
  if (existing) {
    if (parsed.version) existing.model.selectVersion(parsed.version);
    // Restored from a workspace saved while closed tabs were not disposed: it is in no dock panel.
    if (!existing.isAttached) shell.add(existing, 'main');
    shell.activateById(existing.id);
    return;
  }
  const model = new DatasetDetailModel(formatRef(parsed), ctx.client, ctx.settings().previewRows);
  const view = new DatasetDetailView(model, ctx.client, {
    insert: (r) => void ctx.app.commands.execute(CommandIds.insertDataset, { ref: r })
  });
  await ctx.details.add(view);
  shell.add(view, 'main');
  shell.activateById(view.id);
  // The restorer remembers the version being looked at.
  model.changed.connect(() => void ctx.details.save(view));
}

/** Insert a cell that loads `ref`, pinned to a version and listing the columns from the record. */
export async function insertDataset(ctx: ICatalogContext, ref: string): Promise<void> {
  try {
    const parsed = parseRef(ref);
    const record = await ctx.client.record(parsed.id);
    const version = record.versions.find((v) => v.version === (parsed.version ?? record.latestVersion));
    if (!version) {
      await showErrorMessage(
        'Cannot insert the dataset',
        parsed.version ? `${parsed.id} has no version "${parsed.version}".` : `${parsed.id} holds no data yet.`
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
    await showErrorMessage('Cannot insert the dataset', describeError(err));
  }
}

async function insertSnippet(ctx: ICatalogContext, source: ISnippetSource): Promise<void> {
  if (!ctx.notebooks) {
    await showErrorMessage('Cannot insert the dataset', 'The notebook extension is not available in this JupyterLab.');
    return;
  }
  try {
    const panel = await insertCodeCell(datasetSnippet(source), ctx.notebooks, ctx.app.commands);
    ctx.app.shell.activateById(panel.id);
  } catch (err) {
    await showErrorMessage('Cannot insert the dataset', describeError(err));
  }
}

function snippetOfHit(hit: SearchHit): ISnippetSource {
  return { id: hit.id, version: hit.latestVersion!, title: hit.title, rowCount: hit.rowCount };
}

/**
 * Begin dragging a result once the mouse moved a few pixels: the drag carries a notebook
 * cell (JupyterLab's cell MIME type, which notebooks accept as a drop) and the code as text.
 */
function startDrag(source: CatalogSearchPanel, snippet: ISnippetSource, event: React.MouseEvent): void {
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
    void drag.start(e.clientX, e.clientY);
  };
  const cleanup = () => {
    document.removeEventListener('mousemove', move, true);
    document.removeEventListener('mouseup', cleanup, true);
  };
  document.addEventListener('mousemove', move, true);
  document.addEventListener('mouseup', cleanup, true);
}
