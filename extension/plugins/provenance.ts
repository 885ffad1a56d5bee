import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions, type Notebook } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator } from '@jupyterlab/translation';
import { CommandIds, paletteCategory } from '../commands';
import { translationBundle } from '../common/i18n';
import { genesisIcon } from '../common/icons';
import { LazyPanel, lazyModule } from '../common/lazy';
import { loadLabSettings } from '../common/settings';
import { ProvenanceCapture } from '../provenance/capture';
import type { IProvenanceContext } from '../provenance/context';
import { RunIds } from '../provenance/ids';
import type { ProvenancePanel } from '../provenance/panel';
import { ExecutionQueue, webTabLock } from '../provenance/queue';
import type { IExecutionSnapshot } from '../provenance/record';
import { workerBuilder } from '../provenance/recordBuild';
import { memoryStorage } from '../provenance/storage';
import { IGenesisClient } from '../tokens';

export const PROVENANCE_PLUGIN_ID = 'genesis-lab:provenance';

/** The panel, graph and exports are their own chunk, loaded on first use. */
const loadProvenance = lazyModule(() => import('../provenance/index'));
/** What turns a snapshot into a recorded execution (hashing, the contract's schemas): loaded with the first execution. */
const loadRecord = lazyModule(() => import('../provenance/record'));

/**
 * Provenance without extra code: every executed cell is recorded (capture starts with the lab,
 * queued in the browser and sent in batches), and the Provenance panel shows the current
 * notebook's run, its staleness and lineage graph, with RO-Crate and PROV-JSON exports.
 */
export const provenancePlugin: JupyterFrontEndPlugin<void> = {
  id: PROVENANCE_PLUGIN_ID,
  description: 'Record every cell execution with the Genesis platform; the Provenance panel and lineage graph.',
  autoStart: true,
  requires: [IGenesisClient, INotebookTracker],
  optional: [ILayoutRestorer, ICommandPalette, ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    client: IGenesisClient,
    notebooks: INotebookTracker,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    registry: ISettingRegistry | null,
    translator: ITranslator | null
  ): void => {
    const { commands, shell } = app;
    const trans = translationBundle(translator);
    const settings = loadLabSettings(registry, 'provenance');
    let current: { capture: boolean; captureInWorker: boolean; batchSize: number; retryMaxMs: number } | null = null;
    void settings.then((s) => {
      current = s.current;
      s.changed.connect((_, v) => (current = v));
    });
    const storage = browserStorage();
    const queue = new ExecutionQueue({
      sink: client,
      storage,
      batchSize: () => current?.batchSize ?? 100,
      retryMaxMs: () => current?.retryMaxMs ?? 30000,
      lock: webTabLock()
    });
    const inPage = async (snapshot: IExecutionSnapshot) => (await loadRecord()).answerBuildInThread(snapshot);
    const inWorker = workerBuilder(
      () => new Worker(new URL('../provenance/recordWorker.js', import.meta.url), { name: 'genesis-lab-provenance' }),
      inPage
    );
    const capture = new ProvenanceCapture({
      signals: NotebookActions,
      queue,
      runIds: new RunIds(storage),
      sessionOf: (notebook: Notebook) => {
        const panel = notebooks.find((p) => p.content === notebook);
        return panel ? { path: panel.context.path, kernel: panel.sessionContext.session?.kernel ?? null } : null;
      },
      user: () => app.serviceManager.user?.identity?.username || 'anonymous',
      enabled: () => current?.capture ?? true,
      load: loadRecord,
      // Hashing and normalising outputs happen in a worker: the execute path only takes a snapshot.
      build: (snapshot) => ((current?.captureInWorker ?? true) ? inWorker(snapshot) : inPage(snapshot))
    });
    const ctx: IProvenanceContext = { app, client, notebooks, capture, queue, trans, settings };

    const panel = new LazyPanel<ProvenancePanel>(
      () => loadProvenance().then((m) => m.createPanel(ctx)),
      app.restored,
      trans
    );
    panel.id = 'genesis-provenance';
    panel.title.icon = genesisIcon;
    panel.title.caption = trans.__('Genesis provenance');
    // Beside the catalog and jobs panels (the right sidebar starts too narrow for its rows).
    shell.add(panel, 'left', { rank: 370 });
    restorer?.add(panel, 'genesis-provenance');

    commands.addCommand(CommandIds.openProvenance, {
      label: trans.__('Open the Provenance Panel'),
      caption: trans.__('Show what the current notebook’s cells ran on, in execution order'),
      icon: genesisIcon,
      execute: () => shell.activateById(panel.id)
    });
    commands.addCommand(CommandIds.openLineageGraph, {
      label: trans.__('Open the Lineage Graph'),
      caption: trans.__('Cells, dataset versions, jobs and outputs of the current notebook’s run'),
      execute: async () => (await loadProvenance()).openGraph(ctx)
    });
    commands.addCommand(CommandIds.exportCrate, {
      label: trans.__('Export the Notebook’s Run as RO-Crate'),
      caption: trans.__('Download the run as an RO-Crate zip (Process Run Crate)'),
      isEnabled: () => notebooks.currentWidget !== null,
      execute: async () => (await loadProvenance()).exportCrate(ctx)
    });
    commands.addCommand(CommandIds.exportProv, {
      label: trans.__('Export the Notebook’s Run as PROV-JSON'),
      caption: trans.__('Download the run as a W3C PROV-JSON document'),
      isEnabled: () => notebooks.currentWidget !== null,
      execute: async () => (await loadProvenance()).exportProv(ctx)
    });
    commands.addCommand(CommandIds.reproduceRun, {
      label: trans.__('Reproduce this notebook’s run'),
      caption: trans.__('Re-run the notebook headless on a facility, every dataset pinned, and compare each cell'),
      isEnabled: () => notebooks.currentWidget !== null,
      execute: async (args) => {
        // The panel shows the progress and the report (or why it was refused).
        shell.activateById(panel.id);
        await (await loadProvenance()).reproduce(ctx, typeof args.facility === 'string' ? args.facility : undefined);
      }
    });
    commands.addCommand(CommandIds.sendProvenance, {
      label: trans.__('Send Recorded Executions Now'),
      caption: trans.__('Send what waits in the browser to the platform now'),
      execute: () => queue.flush()
    });
    for (const command of [
      CommandIds.openProvenance,
      CommandIds.openLineageGraph,
      CommandIds.exportCrate,
      CommandIds.exportProv,
      CommandIds.sendProvenance,
      CommandIds.reproduceRun
    ]) {
      palette?.addItem({ command, category: paletteCategory(trans) });
    }
  }
};

/** localStorage (kept across reloads, shared by the tabs), or memory where the browser refuses it. */
function browserStorage(): Storage {
  try {
    const s = window.localStorage;
    s.setItem('genesis-lab:probe', '1');
    s.removeItem('genesis-lab:probe');
    return s;
  } catch {
    console.warn('Genesis: localStorage is not available; executions wait in memory until sent');
    return memoryStorage();
  }
}
