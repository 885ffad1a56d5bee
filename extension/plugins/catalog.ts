import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, IThemeManager, InputDialog, WidgetTracker } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator } from '@jupyterlab/translation';
import type { ICatalogContext } from '../catalog/context';
import type { DatasetDetailView } from '../catalog/detailView';
import type { ModelDetailView } from '../catalog/modelDetailView';
import type { CatalogSearchPanel } from '../catalog/searchPanel';
import { CommandIds, paletteCategory } from '../commands';
import { translationBundle } from '../common/i18n';
import { datasetIcon, genesisIcon, modelIcon } from '../common/icons';
import { LazyPanel, lazyModule } from '../common/lazy';
import { loadLabSettings } from '../common/settings';
import { IGenesisClient } from '../tokens';

export const CATALOG_PLUGIN_ID = 'genesis-lab:catalog';

/** The catalog implementation is its own chunk, loaded on first use. */
const loadCatalog = lazyModule(() => import('../catalog/index'));

/**
 * The catalog: a left-sidebar search panel and dataset and model views in the main area, with
 * the commands that drive them (palette: open catalog, search, open/insert dataset, open/insert model).
 * Activation only registers a placeholder panel and commands; the implementation loads when
 * the panel is shown or a command runs, so JupyterLab's startup does not pay for it.
 */
export const catalogPlugin: JupyterFrontEndPlugin<void> = {
  id: CATALOG_PLUGIN_ID,
  description: 'Search the Genesis catalog, preview datasets and insert cells that load them.',
  autoStart: true,
  requires: [IGenesisClient],
  optional: [ILayoutRestorer, ICommandPalette, INotebookTracker, ISettingRegistry, IThemeManager, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    client: IGenesisClient,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    notebooks: INotebookTracker | null,
    registry: ISettingRegistry | null,
    themes: IThemeManager | null,
    translator: ITranslator | null
  ): void => {
    const { commands, shell } = app;
    const trans = translationBundle(translator);
    const details = new WidgetTracker<DatasetDetailView>({ namespace: 'genesis-dataset' });
    const modelDetails = new WidgetTracker<ModelDetailView>({ namespace: 'genesis-model' });
    const ctx: ICatalogContext = {
      app,
      client,
      notebooks,
      details,
      modelDetails,
      trans,
      settings: loadLabSettings(registry, 'catalog')
    };

    const panel = new LazyPanel<CatalogSearchPanel>(
      () => loadCatalog().then((m) => m.createSearchPanel(ctx)),
      app.restored,
      trans
    );
    panel.id = 'genesis-catalog';
    panel.title.icon = genesisIcon;
    panel.title.caption = trans.__('Genesis catalog');
    shell.add(panel, 'left', { rank: 350 });
    restorer?.add(panel, 'genesis-catalog');
    if (restorer) {
      void restorer.restore(details, {
        command: CommandIds.openDataset,
        args: (w) => ({ ref: w.content.model.ref }),
        name: (w) => w.content.model.id
      });
      void restorer.restore(modelDetails, {
        command: CommandIds.openModel,
        args: (w) => ({ ref: w.content.model.ref }),
        name: (w) => w.content.model.id
      });
    }
    themes?.themeChanged.connect(() => {
      // The new theme's CSS variables are in place on the next frame.
      requestAnimationFrame(() => details.forEach((w) => w.content.applyTheme()));
    });

    const refArg = (args: Record<string, unknown>) => (typeof args.ref === 'string' && args.ref ? args.ref : null);
    const askRef = async (title: string, okLabel: string): Promise<string | null> => {
      const r = await InputDialog.getText({
        title,
        placeholder: trans.__('namespace/name or namespace/name@version'),
        okLabel,
        cancelLabel: trans.__('Cancel')
      });
      return r.button.accept && r.value ? r.value.trim() : null;
    };

    commands.addCommand(CommandIds.openCatalog, {
      label: trans.__('Open the Genesis Catalog'),
      caption: trans.__('Show the Genesis catalog panel'),
      icon: genesisIcon,
      execute: () => shell.activateById(panel.id)
    });
    commands.addCommand(CommandIds.search, {
      label: (args) =>
        typeof args.query === 'string' && args.query
          ? trans.__('Search the Genesis Catalog for “%1”', args.query)
          : trans.__('Search the Genesis Catalog'),
      caption: trans.__('Focus the catalog search box'),
      describedBy: { args: { type: 'object', properties: { query: { type: 'string' } } } },
      execute: async (args) => {
        shell.activateById(panel.id);
        const content = await panel.loadContent();
        content.focusSearch(typeof args.query === 'string' ? args.query : undefined);
      }
    });
    commands.addCommand(CommandIds.openDataset, {
      label: (args) => (refArg(args) ? trans.__('Open %1', refArg(args)!) : trans.__('Open a Genesis Dataset…')),
      caption: trans.__('Show a catalog record: metadata, versions, fields, preview, Croissant'),
      icon: datasetIcon,
      describedBy: { args: { type: 'object', properties: { ref: { type: 'string' } } } },
      execute: async (args) => {
        const ref = refArg(args) ?? (await askRef(trans.__('Open a Genesis dataset'), trans.__('Open')));
        if (ref) await (await loadCatalog()).openDataset(ctx, ref);
      }
    });
    commands.addCommand(CommandIds.insertDataset, {
      label: (args) =>
        refArg(args)
          ? trans.__('Insert %1 into the Notebook', refArg(args)!)
          : trans.__('Insert a Genesis Dataset into the Notebook…'),
      caption: trans.__('Insert a code cell that loads the dataset (TypeScript or Python, as the notebook’s kernel)'),
      describedBy: { args: { type: 'object', properties: { ref: { type: 'string' } } } },
      execute: async (args) => {
        const ref = refArg(args) ?? (await askRef(trans.__('Insert a Genesis dataset'), trans.__('Insert')));
        if (ref) await (await loadCatalog()).insertDataset(ctx, ref);
      }
    });
    commands.addCommand(CommandIds.openModel, {
      label: (args) => (refArg(args) ? trans.__('Open Model %1', refArg(args)!) : trans.__('Open a Genesis Model…')),
      caption: trans.__('Show a catalog model: card, signature, versions'),
      icon: modelIcon,
      describedBy: { args: { type: 'object', properties: { ref: { type: 'string' } } } },
      execute: async (args) => {
        const ref = refArg(args) ?? (await askRef(trans.__('Open a Genesis model'), trans.__('Open')));
        if (ref) await (await loadCatalog()).openModel(ctx, ref);
      }
    });
    commands.addCommand(CommandIds.insertModel, {
      label: (args) =>
        refArg(args)
          ? trans.__('Insert a Call of %1 into the Notebook', refArg(args)!)
          : trans.__('Insert a Genesis Model Call into the Notebook…'),
      caption: trans.__(
        'Insert a TypeScript cell that calls the model version on an input table built from its signature'
      ),
      describedBy: { args: { type: 'object', properties: { ref: { type: 'string' } } } },
      execute: async (args) => {
        const ref = refArg(args) ?? (await askRef(trans.__('Insert a Genesis model call'), trans.__('Insert')));
        if (ref) await (await loadCatalog()).insertModel(ctx, ref);
      }
    });
    for (const command of [
      CommandIds.openCatalog,
      CommandIds.search,
      CommandIds.openDataset,
      CommandIds.insertDataset,
      CommandIds.openModel,
      CommandIds.insertModel
    ]) {
      palette?.addItem({ command, category: paletteCategory(trans) });
    }
  }
};
