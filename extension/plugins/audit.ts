import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ITranslator } from '@jupyterlab/translation';
import { CommandIds, paletteCategory } from '../commands';
import { translationBundle } from '../common/i18n';
import { genesisIcon } from '../common/icons';
import { lazyModule } from '../common/lazy';
import { IGenesisClient } from '../tokens';

export const AUDIT_PLUGIN_ID = 'genesis-lab:audit';

const loadAudit = lazyModule(() => import('../audit/index'));

/**
 * The audit log view for maintainers and admins: entries filtered by user, action and time,
 * the keyed chain's verification, an export. Others see why they may not read it.
 */
export const auditPlugin: JupyterFrontEndPlugin<void> = {
  id: AUDIT_PLUGIN_ID,
  description: 'Review, verify and export the Genesis platform audit log.',
  autoStart: true,
  requires: [IGenesisClient],
  optional: [ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    client: IGenesisClient,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = translationBundle(translator);
    app.commands.addCommand(CommandIds.openAudit, {
      label: trans.__('Open Genesis Audit Log'),
      caption: trans.__('Review, verify and export the platform audit log (maintainers and admins)'),
      icon: genesisIcon,
      execute: async () => {
        (await loadAudit()).openAuditLog(app, client, trans);
      }
    });
    palette?.addItem({ command: CommandIds.openAudit, category: paletteCategory(trans) });
  }
};
