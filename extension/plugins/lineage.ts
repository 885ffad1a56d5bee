import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator } from '@jupyterlab/translation';
import { CommandIds } from '../commands';
import { translationBundle } from '../common/i18n';
import type { IChipContext } from '../lineage/context';
import { LINEAGE_MIME_TYPE as LINEAGE_MIME } from '@genesis-lab/contract/core';
import { LineageRenderer } from '../lineage/renderer';
import { IGenesisClient } from '../tokens';

export const LINEAGE_PLUGIN_ID = 'genesis-lab:lineage';

/** Preferred over text/plain (120) and text/html (50): the chip is the way to show lineage. */
const RANK = 40;

/**
 * The renderer for lineage outputs of the kernel helpers. It is registered by a plugin
 * (as ipywidgets registers its widget renderer) rather than as a standalone mime extension,
 * because clicking a chip runs app commands (open the dataset, open the job), and a job chip
 * asks the client for the job's current state.
 */
export const lineagePlugin: JupyterFrontEndPlugin<void> = {
  id: LINEAGE_PLUGIN_ID,
  description: `Renders ${LINEAGE_MIME} outputs as lineage chips.`,
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [IGenesisClient, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    client: IGenesisClient | null,
    translator: ITranslator | null
  ): void => {
    const context: IChipContext = {
      actions: {
        openDataset: (ref: string) => void app.commands.execute(CommandIds.openDataset, { ref }),
        openModel: (ref: string) => void app.commands.execute(CommandIds.openModel, { ref }),
        openJob: (id: string) => void app.commands.execute(CommandIds.openJob, { id })
      },
      trans: translationBundle(translator),
      client
    };
    rendermime.addFactory(
      {
        safe: true,
        mimeTypes: [LINEAGE_MIME],
        defaultRank: RANK,
        createRenderer: () => new LineageRenderer(context)
      },
      RANK
    );
  }
};
