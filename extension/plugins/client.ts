import type { ManagedPlatformAction } from '@genesis-lab/contract';
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, showErrorMessage } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { GenesisClient } from '../client/client';
import { resolveEndpoint, type IEndpoint } from '../client/endpoint';
import { describeError } from '../client/errors';
import { CommandIds, PALETTE_CATEGORY } from '../commands';
import { IGenesisClient } from '../tokens';

export const CLIENT_PLUGIN_ID = 'genesis-lab:client';

interface IClientSettings {
  platformUrl: string;
  platformToken: string;
  requestTimeoutMs: number;
}

const DEFAULTS: IClientSettings = { platformUrl: '', platformToken: '', requestTimeoutMs: 30000 };

/**
 * Provides `IGenesisClient`, the one owner of platform I/O. Settings may move the client to
 * another platform at any time; everyone holding the token keeps the same instance.
 */
export const clientPlugin: JupyterFrontEndPlugin<IGenesisClient> = {
  id: CLIENT_PLUGIN_ID,
  description: 'The Genesis platform client (HTTP + socket.io), configured in the settings editor.',
  autoStart: true,
  provides: IGenesisClient,
  optional: [ISettingRegistry, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    registry: ISettingRegistry | null,
    palette: ICommandPalette | null
  ): IGenesisClient => {
    const client = new GenesisClient({ requestTimeoutMs: DEFAULTS.requestTimeoutMs });
    let mode: IEndpoint['mode'] = 'proxy';
    const apply = (s: IClientSettings) => {
      const { endpoint, problem } = endpointOf(s);
      mode = endpoint.mode;
      if (problem) console.warn(`Genesis: ${problem}`);
      client.configure(endpoint, s.requestTimeoutMs);
    };
    // Not awaited: JupyterLab starts without waiting for us. The client connects when first
    // used (a panel shown, a command run), not at startup.
    const settings = registry
      ? registry.load(CLIENT_PLUGIN_ID).catch((err: unknown) => {
          console.warn('Genesis: could not load the connection settings; using the Jupyter proxy', err);
          return null;
        })
      : Promise.resolve(null);
    void settings.then((loaded) => {
      const read = (): IClientSettings => ({
        ...DEFAULTS,
        ...((loaded?.composite as Partial<IClientSettings> | undefined) ?? {})
      });
      apply(read());
      loaded?.changed.connect(() => apply(read()));
    });

    app.commands.addCommand(CommandIds.retryConnection, {
      label: 'Reconnect to the Genesis Platform',
      caption: 'Check the platform again now and reconnect live updates',
      execute: () => client.retry()
    });
    const control = (action: ManagedPlatformAction['action'], label: string, caption: string) => ({
      label,
      caption,
      // Only a platform behind this Jupyter server's proxy is Jupyter's to start and stop.
      isEnabled: () => mode === 'proxy',
      execute: async () => {
        try {
          await client.controlPlatform(action);
        } catch (err) {
          await showErrorMessage(`Could not ${action} the Genesis platform`, describeError(err));
        }
      }
    });
    app.commands.addCommand(
      CommandIds.startPlatform,
      control('start', 'Start the Genesis Platform', 'Start the platform this Jupyter server runs')
    );
    app.commands.addCommand(
      CommandIds.stopPlatform,
      control('stop', 'Stop the Genesis Platform', 'Stop the platform this Jupyter server runs (until started again)')
    );
    app.commands.addCommand(
      CommandIds.restartPlatform,
      control('restart', 'Restart the Genesis Platform', 'Restart the platform this Jupyter server runs')
    );
    for (const command of [
      CommandIds.retryConnection,
      CommandIds.startPlatform,
      CommandIds.stopPlatform,
      CommandIds.restartPlatform
    ]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }
    return client;
  }
};

/** A malformed URL in the settings falls back to the proxy, and says so. */
function endpointOf(s: IClientSettings): { endpoint: IEndpoint; problem?: string } {
  const url = s.platformUrl.trim();
  if (url && !/^https?:\/\/[^/]+/i.test(url)) {
    return {
      endpoint: resolveEndpoint({ platformUrl: '', platformToken: '' }),
      problem: `the Platform URL setting "${url}" is not an http(s) URL; using the Jupyter proxy instead.`
    };
  }
  return { endpoint: resolveEndpoint({ platformUrl: url, platformToken: s.platformToken }) };
}
