import { formatRef, parseRef, type SearchHit } from '@genesis-lab/contract';
import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, IThemeManager, InputDialog, WidgetTracker, showErrorMessage } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { MimeData } from '@lumino/coreutils';
import { Drag } from '@lumino/dragdrop';
import type * as React from 'react';
import { describeError } from '../client/errors';
import { DatasetDetailModel } from '../catalog/detailModel';
import { DatasetDetailView } from '../catalog/detailView';
import { JUPYTER_CELLS_MIME, insertCodeCell } from '../catalog/insert';
import { CatalogSearchModel } from '../catalog/searchModel';
import { CatalogSearchPanel } from '../catalog/searchPanel';
import { datasetSnippet, type ISnippetSource } from '../catalog/snippet';
import { CommandIds, PALETTE_CATEGORY } from '../commands';
import { datasetIcon, genesisIcon } from '../common/icons';
import { IGenesisClient } from '../tokens';

export const CATALOG_PLUGIN_ID = 'genesis-lab:catalog';

interface ICatalogSettings {
  searchDebounceMs: number;
  pageSize: number;
  previewRows: number;
}

const DEFAULTS: ICatalogSettings = { searchDebounceMs: 60, pageSize: 25, previewRows: 100 };

/** Pixels the mouse must move with the button down before a result becomes a drag. */
const DRAG_THRESHOLD = 5;

/**
 * The catalog: a left-sidebar search panel and dataset detail views in the main area, with
 * the commands that drive them (palette: open catalog, search, open dataset, insert dataset).
 */
export const catalogPlugin: JupyterFrontEndPlugin<void> = {
  id: CATALOG_PLUGIN_ID,
  description: 'Search the Genesis catalog, preview datasets and insert cells that load them.',
  autoStart: true,
  requires: [IGenesisClient],
  optional: [ILayoutRestorer, ICommandPalette, INotebookTracker, ISettingRegistry, IThemeManager],
  activate: async (
    app: JupyterFrontEnd,
    client: IGenesisClient,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    notebooks: INotebookTracker | null,
    registry: ISettingRegistry | null,
    themes: IThemeManager | null
  ): Promise<void> => {
    const { commands, shell } = app;
    let config = { ...DEFAULTS };
    const settings = registry ? await registry.load(CATALOG_PLUGIN_ID).catch(() => null) : null;
    const readSettings = () => {
      config = { ...DEFAULTS, ...(settings?.composite as Partial<ICatalogSettings> | undefined) };
    };
    readSettings();

    const search = new CatalogSearchModel(client, { debounceMs: config.searchDebounceMs, pageSize: config.pageSize });
    const details = new WidgetTracker<DatasetDetailView>({ namespace: 'genesis-dataset' });

    const insert = async (source: ISnippetSource) => {
      if (!notebooks) {
        await showErrorMessage(
          'Cannot insert the dataset',
          'The notebook extension is not available in this JupyterLab.'
        );
        return;
      }
      try {
        const panel = await insertCodeCell(datasetSnippet(source), notebooks, commands);
        shell.activateById(panel.id);
      } catch (err) {
        await showErrorMessage('Cannot insert the dataset', describeError(err));
      }
    };

    const snippetOfHit = (hit: SearchHit): ISnippetSource => ({
      id: hit.id,
      version: hit.latestVersion!,
      title: hit.title,
      rowCount: hit.rowCount
    });

    const panel: CatalogSearchPanel = new CatalogSearchPanel(search, client, {
      open: (hit) => void commands.execute(CommandIds.openDataset, { ref: hit.id }),
      insert: (hit) => void insert(snippetOfHit(hit)),
      startDrag: (hit, event) => startDrag(panel, snippetOfHit(hit), event)
    });
    shell.add(panel, 'left', { rank: 350 });
    restorer?.add(panel, 'genesis-catalog');
    if (restorer) {
      void restorer.restore(details, {
        command: CommandIds.openDataset,
        args: (w) => ({ ref: w.model.ref }),
        name: (w) => w.model.id
      });
    }

    settings?.changed.connect(() => {
      readSettings();
      search.configure({ debounceMs: config.searchDebounceMs, pageSize: config.pageSize });
      details.forEach((w) => w.model.setPreviewRows(config.previewRows));
    });
    themes?.themeChanged.connect(() => {
      // The new theme's CSS variables are in place on the next frame.
      requestAnimationFrame(() => details.forEach((w) => w.applyTheme()));
    });

    const askRef = async (title: string): Promise<string | null> => {
      const r = await InputDialog.getText({ title, placeholder: 'namespace/name or namespace/name@version' });
      return r.button.accept && r.value ? r.value.trim() : null;
    };

    commands.addCommand(CommandIds.openCatalog, {
      label: 'Open the Genesis Catalog',
      caption: 'Show the Genesis catalog panel',
      icon: genesisIcon,
      execute: () => shell.activateById(panel.id)
    });
    commands.addCommand(CommandIds.search, {
      label: (args) =>
        args.query ? `Search the Genesis Catalog for “${String(args.query)}”` : 'Search the Genesis Catalog',
      caption: 'Focus the catalog search box',
      describedBy: { args: { type: 'object', properties: { query: { type: 'string' } } } },
      execute: (args) => {
        shell.activateById(panel.id);
        panel.focusSearch(typeof args.query === 'string' ? args.query : undefined);
      }
    });
    commands.addCommand(CommandIds.openDataset, {
      label: (args) => (args.ref ? `Open ${String(args.ref)}` : 'Open a Genesis Dataset…'),
      caption: 'Show a catalog record: metadata, versions, fields, preview, Croissant',
      icon: datasetIcon,
      describedBy: { args: { type: 'object', properties: { ref: { type: 'string' } } } },
      execute: async (args) => {
        const ref = typeof args.ref === 'string' ? args.ref : await askRef('Open a Genesis dataset');
        if (!ref) return;
        let parsed: ReturnType<typeof parseRef>;
        try {
          parsed = parseRef(ref);
        } catch (err) {
          await showErrorMessage('Not a dataset ref', describeError(err));
          return;
        }
        const existing = details.find((w) => w.model.id === parsed.id);
        if (existing) {
          if (parsed.version) existing.model.selectVersion(parsed.version);
          shell.activateById(existing.id);
          return;
        }
        const model = new DatasetDetailModel(formatRef(parsed), client, config.previewRows);
        const view = new DatasetDetailView(model, client, {
          insert: (r) => void commands.execute(CommandIds.insertDataset, { ref: r })
        });
        await details.add(view);
        shell.add(view, 'main');
        shell.activateById(view.id);
        model.changed.connect(() => void details.save(view));
      }
    });
    commands.addCommand(CommandIds.insertDataset, {
      label: (args) =>
        args.ref ? `Insert ${String(args.ref)} into the Notebook` : 'Insert a Genesis Dataset into the Notebook…',
      caption: 'Insert a code cell that loads the dataset with the kernel helpers',
      describedBy: { args: { type: 'object', properties: { ref: { type: 'string' } } } },
      execute: async (args) => {
        const ref = typeof args.ref === 'string' ? args.ref : await askRef('Insert a Genesis dataset');
        if (!ref) return;
        try {
          const parsed = parseRef(ref);
          // Pin the version and list the columns from the record; the cell then names exactly what it loads.
          const record = await client.record(parsed.id);
          const version = record.versions.find((v) => v.version === (parsed.version ?? record.latestVersion));
          if (!version) {
            await showErrorMessage(
              'Cannot insert the dataset',
              parsed.version ? `${parsed.id} has no version "${parsed.version}".` : `${parsed.id} holds no data yet.`
            );
            return;
          }
          await insert({
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
    });
    for (const command of [
      CommandIds.openCatalog,
      CommandIds.search,
      CommandIds.openDataset,
      CommandIds.insertDataset
    ]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }
  }
};

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
