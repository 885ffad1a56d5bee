import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { CommandIds } from '../commands';
import { LINEAGE_MIME_TYPE as LINEAGE_MIME } from '@genesis-lab/contract/core';
import { LineageRenderer } from '../lineage/renderer';

export const LINEAGE_PLUGIN_ID = 'genesis-lab:lineage';

/** Preferred over text/plain (120) and text/html (50): the chip is the way to show lineage. */
const RANK = 40;

/**
 * The renderer for lineage outputs of the kernel helpers. It is registered by a plugin
 * (as ipywidgets registers its widget renderer) rather than as a standalone mime extension,
 * because clicking a chip runs app commands (open the dataset, open the job).
 */
export const lineagePlugin: JupyterFrontEndPlugin<void> = {
  id: LINEAGE_PLUGIN_ID,
  description: `Renders ${LINEAGE_MIME} outputs as lineage chips.`,
  autoStart: true,
  requires: [IRenderMimeRegistry],
  activate: (app: JupyterFrontEnd, rendermime: IRenderMimeRegistry): void => {
    const actions = {
      openDataset: (ref: string) => void app.commands.execute(CommandIds.openDataset, { ref }),
      openJob: (id: string) => void app.commands.execute(CommandIds.openJob, { id })
    };
    rendermime.addFactory(
      {
        safe: true,
        mimeTypes: [LINEAGE_MIME],
        defaultRank: RANK,
        createRenderer: () => new LineageRenderer(actions)
      },
      RANK
    );
  }
};
