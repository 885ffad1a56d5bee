import type { CommandRegistry } from '@lumino/commands';
import { NotebookActions, type INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';

/** The tslab kernel's name (its kernel.json directory). */
export const TYPESCRIPT_KERNEL = 'tslab';

/** The MIME type a JupyterLab notebook accepts as dropped cells. */
export const JUPYTER_CELLS_MIME = 'application/vnd.jupyter.cells';

/**
 * The language of a notebook's kernel (`typescript` for tslab and Deno, `python` for ipykernel),
 * from the running kernel's spec, else the notebook's metadata; undefined while nobody knows
 * (a new notebook whose kernel is still being chosen).
 */
export function notebookLanguage(panel: NotebookPanel): string | undefined {
  const name = panel.sessionContext.session?.kernel?.name;
  const spec = name ? panel.sessionContext.specsManager.specs?.kernelspecs[name] : undefined;
  const kernelspec = panel.model?.getMetadata('kernelspec') as { language?: string } | undefined;
  const info = panel.model?.getMetadata('language_info') as { name?: string } | undefined;
  return (spec?.language ?? kernelspec?.language ?? info?.name)?.toLowerCase();
}

/** Whether the inserted TypeScript cell can run in this notebook (unknown counts as yes: it may become one). */
export function runsTypeScript(panel: NotebookPanel): boolean {
  const language = notebookLanguage(panel);
  return language === undefined || language === 'typescript';
}

/** A new notebook on the TypeScript kernel, opened in the main area. */
export async function newTypeScriptNotebook(commands: CommandRegistry): Promise<NotebookPanel> {
  return (await commands.execute('notebook:create-new', { kernelName: TYPESCRIPT_KERNEL })) as NotebookPanel;
}

/**
 * Put `code` in a new code cell below the active cell of `panel` (or in the active cell when
 * it is an empty code cell).
 */
export async function insertCodeCell(code: string, panel: NotebookPanel): Promise<NotebookPanel> {
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

/** The notebook panel that holds `node` (a drop target), if any. */
export function notebookAt(node: EventTarget | null, tracker: INotebookTracker): NotebookPanel | null {
  return node instanceof Node ? (tracker.find((panel) => panel.node.contains(node)) ?? null) : null;
}
