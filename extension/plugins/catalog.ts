import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, IThemeManager, InputDialog, WidgetTracker } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { ICatalogContext, ICatalogSettings } from '../catalog/context';
import type { DatasetDetailView } from '../catalog/detailView';
import type { CatalogSearchPanel } from '../catalog/searchPanel';
import { CommandIds, PALETTE_CATEGORY } from '../commands';
import { datasetIcon, genesisIcon } from '../common/icons';
import { LazyPanel } from '../common/lazy';
import { IGenesisClient } from '../tokens';

export const CATALOG_PLUGIN_ID = 'genesis-lab:catalog';

const DEFAULTS: ICatalogSettings = { searchDebounceMs: 60, pageSize: 25, previewRows: 100 };

type CatalogModule = typeof import('../catalog/index');
let catalogModule: Promise<CatalogModule> | null = null;
/** The catalog implementation is its own chunk, loaded on first use. */
function loadCatalog(): Promise<CatalogModule> {
  catalogModule ??= import('../catalog/index');
  return catalogModule;
}

/**
 * The catalog: a left-sidebar search panel and dataset detail views in the main area, with
 * the commands that drive them (palette: open catalog, search, open dataset, insert dataset).
 * Activation only registers a placeholder panel and commands; the implementation loads when
 * the panel is shown or a command runs, so JupyterLab's startup does not pay for it.
 */
export const catalogPlugin: JupyterFrontEndPlugin<void> = {
  id: CATALOG_PLUGIN_ID,
  description: 'Search the Genesis catalog, preview datasets and insert cells that load them.',
  autoStart: true,
  requires: [IGenesisClient],
  optional: [ILayoutRestorer, ICommandPalette, INotebookTracker, ISettingRegistry, IThemeManager],
  activate: (
    app: JupyterFrontEnd,
    client: IGenesisClient,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    notebooks: INotebookTracker | null,
    registry: ISettingRegistry | null,
    themes: IThemeManager | null
  ): void => {
    const { commands, shell } = app;
    let config = { ...DEFAULTS };
    const details = new WidgetTracker<DatasetDetailView>({ namespace: 'genesis-dataset' });
    const ctx: ICatalogContext = { app, client, notebooks, details, settings: () => config };

    const panel = new LazyPanel<CatalogSearchPanel>(
      () => loadCatalog().then((m) => m.createSearchPanel(ctx)),
      app.restored
    );
    panel.id = 'genesis-catalog';
    panel.title.icon = genesisIcon;
    panel.title.caption = 'Genesis catalog';
    shell.add(panel, 'left', { rank: 350 });
    restorer?.add(panel, 'genesis-catalog');
    if (restorer) {
      void restorer.restore(details, {
        command: CommandIds.openDataset,
        args: (w) => ({ ref: w.model.ref }),
        name: (w) => w.model.id
      });
    }

    registry?.load(CATALOG_PLUGIN_ID).then(
      (settings) => {
        const read = () => {
          config = { ...DEFAULTS, ...(settings.composite as Partial<ICatalogSettings>) };
        };
        read();
        settings.changed.connect(() => {
          read();
          void panel
            .loadContent()
            .then((p) => p.model.configure({ debounceMs: config.searchDebounceMs, pageSize: config.pageSize }));
          details.forEach((w) => w.model.setPreviewRows(config.previewRows));
        });
      },
      (err: unknown) => console.warn('Genesis: could not load the catalog settings; using defaults', err)
    );
    themes?.themeChanged.connect(() => {
      // The new theme's CSS variables are in place on the next frame.
      requestAnimationFrame(() => details.forEach((w) => w.applyTheme()));
    });

    const refArg = (args: Record<string, unknown>) => (typeof args.ref === 'string' && args.ref ? args.ref : null);
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
        typeof args.query === 'string' && args.query
          ? `Search the Genesis Catalog for “${args.query}”`
          : 'Search the Genesis Catalog',
      caption: 'Focus the catalog search box',
      describedBy: { args: { type: 'object', properties: { query: { type: 'string' } } } },
      execute: async (args) => {
        shell.activateById(panel.id);
        const content = await panel.loadContent();
        content.focusSearch(typeof args.query === 'string' ? args.query : undefined);
      }
    });
    commands.addCommand(CommandIds.openDataset, {
      label: (args) => (refArg(args) ? `Open ${refArg(args)}` : 'Open a Genesis Dataset…'),
      caption: 'Show a catalog record: metadata, versions, fields, preview, Croissant',
      icon: datasetIcon,
      describedBy: { args: { type: 'object', properties: { ref: { type: 'string' } } } },
      execute: async (args) => {
        const ref = refArg(args) ?? (await askRef('Open a Genesis dataset'));
        if (ref) await (await loadCatalog()).openDataset(ctx, ref);
      }
    });
    commands.addCommand(CommandIds.insertDataset, {
      label: (args) =>
        refArg(args) ? `Insert ${refArg(args)} into the Notebook` : 'Insert a Genesis Dataset into the Notebook…',
      caption: 'Insert a code cell that loads the dataset with the kernel helpers',
      describedBy: { args: { type: 'object', properties: { ref: { type: 'string' } } } },
      execute: async (args) => {
        const ref = refArg(args) ?? (await askRef('Insert a Genesis dataset'));
        if (ref) await (await loadCatalog()).insertDataset(ctx, ref);
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
