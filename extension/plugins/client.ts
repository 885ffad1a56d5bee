import type { ManagedPlatformAction } from '@genesis-lab/contract';
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, showErrorMessage } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator } from '@jupyterlab/translation';
import { GenesisClient } from '../client/client';
import { resolveEndpoint, type IEndpoint } from '../client/endpoint';
import { describeError } from '../client/errors';
import { CommandIds, paletteCategory } from '../commands';
import { translationBundle } from '../common/i18n';
import { loadLabSettings, type SettingsOf } from '../common/settings';
import { IGenesisClient } from '../tokens';

export const CLIENT_PLUGIN_ID = 'genesis-lab:client';

type ClientSettings = SettingsOf<'client'>;

/**
 * Provides `IGenesisClient`, the one owner of platform I/O. Settings may move the client to
 * another platform at any time; everyone holding the token keeps the same instance.
 */
export const clientPlugin: JupyterFrontEndPlugin<IGenesisClient> = {
  id: CLIENT_PLUGIN_ID,
  description: 'The Genesis platform client (HTTP + socket.io), configured in the settings editor.',
  autoStart: true,
  provides: IGenesisClient,
  optional: [ISettingRegistry, ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    registry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): IGenesisClient => {
    const trans = translationBundle(translator);
    // No request goes out before `configure`, which brings the timeout from the settings.
    const client = new GenesisClient({ requestTimeoutMs: Number.POSITIVE_INFINITY, trans });
    let mode: IEndpoint['mode'] = 'proxy';
    const apply = (s: ClientSettings) => {
      const { endpoint, problem } = endpointOf(s);
      mode = endpoint.mode;
      if (problem) console.warn(`Genesis: ${problem}`);
      client.configure(endpoint, s.requestTimeoutMs);
    };
    // Not awaited: JupyterLab starts without waiting for us. The client connects when first
    // used (a panel shown, a command run), not at startup.
    void loadLabSettings(registry, 'client').then((settings) => {
      apply(settings.current);
      settings.changed.connect((_, s) => apply(s));
    });

    app.commands.addCommand(CommandIds.retryConnection, {
      label: trans.__('Reconnect to the Genesis Platform'),
      caption: trans.__('Check the platform again now and reconnect live updates'),
      execute: () => client.retry()
    });
    const control = (action: ManagedPlatformAction['action'], label: string, caption: string, failed: string) => ({
      label,
      caption,
      // Only a platform behind this Jupyter server's proxy is Jupyter's to start and stop.
      isEnabled: () => mode === 'proxy',
      execute: async () => {
        try {
          await client.controlPlatform(action);
        } catch (err) {
          await showErrorMessage(failed, describeError(err));
        }
      }
    });
    app.commands.addCommand(
      CommandIds.startPlatform,
      control(
        'start',
        trans.__('Start the Genesis Platform'),
        trans.__('Start the platform this Jupyter server runs'),
        trans.__('Could not start the Genesis platform')
      )
    );
    app.commands.addCommand(
      CommandIds.stopPlatform,
      control(
        'stop',
        trans.__('Stop the Genesis Platform'),
        trans.__('Stop the platform this Jupyter server runs (until started again)'),
        trans.__('Could not stop the Genesis platform')
      )
    );
    app.commands.addCommand(
      CommandIds.restartPlatform,
      control(
        'restart',
        trans.__('Restart the Genesis Platform'),
        trans.__('Restart the platform this Jupyter server runs'),
        trans.__('Could not restart the Genesis platform')
      )
    );
    for (const command of [
      CommandIds.retryConnection,
      CommandIds.startPlatform,
      CommandIds.stopPlatform,
      CommandIds.restartPlatform
    ]) {
      palette?.addItem({ command, category: paletteCategory(trans) });
    }
    return client;
  }
};

/** A malformed URL in the settings falls back to the proxy, and says so (in the console, for admins). */
function endpointOf(s: ClientSettings): { endpoint: IEndpoint; problem?: string } {
  const url = s.platformUrl.trim();
  if (url && !/^https?:\/\/[^/]+/i.test(url)) {
    return {
      endpoint: resolveEndpoint({ platformUrl: '', platformToken: '' }),
      problem: `the Platform URL setting "${url}" is not an http(s) URL; using the Jupyter proxy instead.`
    };
  }
  return { endpoint: resolveEndpoint({ platformUrl: url, platformToken: s.platformToken }) };
}
