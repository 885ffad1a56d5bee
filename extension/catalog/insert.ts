import type { CommandRegistry } from '@lumino/commands';
import { NotebookActions, type INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';

/** The tslab kernel's name (its kernel.json directory). */
export const TYPESCRIPT_KERNEL = 'tslab';

/** The MIME type a JupyterLab notebook accepts as dropped cells. */
export const JUPYTER_CELLS_MIME = 'application/vnd.jupyter.cells';

/**
 * Put `code` in a new code cell below the active cell of the current notebook (or in the
 * active cell when it is an empty code cell). Without an open notebook, a new TypeScript
 * notebook is created first.
 */
export async function insertCodeCell(
  code: string,
  tracker: INotebookTracker,
  commands: CommandRegistry
): Promise<NotebookPanel> {
  let panel = tracker.currentWidget;
  if (!panel) {
    panel = (await commands.execute('notebook:create-new', { kernelName: TYPESCRIPT_KERNEL })) as NotebookPanel;
  }
  await panel.context.ready;
  const notebook = panel.content;
  const active = notebook.activeCell;
  const reuse = active && active.model.type === 'code' && active.model.sharedModel.getSource().trim() === '';
  if (!reuse) {
    NotebookActions.insertBelow(notebook);
    NotebookActions.changeCellType(notebook, 'code');
  }
  notebook.activeCell!.model.sharedModel.setSource(code);
  notebook.mode = 'command';
  notebook.activeCell!.node.scrollIntoView({ block: 'nearest' });
  return panel;
}
