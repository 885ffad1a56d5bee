import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { GenesisClient } from '../client/client';
import { resolveEndpoint, type IEndpoint } from '../client/endpoint';
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
  activate: async (
    app: JupyterFrontEnd,
    registry: ISettingRegistry | null,
    palette: ICommandPalette | null
  ): Promise<IGenesisClient> => {
    let settings: ISettingRegistry.ISettings | null = null;
    try {
      settings = registry ? await registry.load(CLIENT_PLUGIN_ID) : null;
    } catch (err) {
      console.warn('Genesis: could not load the connection settings; using the Jupyter proxy', err);
    }
    const read = (): IClientSettings =>
      (settings ? { ...DEFAULTS, ...settings.composite } : DEFAULTS) as IClientSettings;
    const { endpoint, problem } = endpointOf(read());
    const client = new GenesisClient({ endpoint, requestTimeoutMs: read().requestTimeoutMs });
    if (problem) console.warn(`Genesis: ${problem}`);
    settings?.changed.connect(() => {
      const next = endpointOf(read());
      if (next.problem) console.warn(`Genesis: ${next.problem}`);
      client.setEndpoint(next.endpoint, read().requestTimeoutMs);
    });

    app.commands.addCommand(CommandIds.retryConnection, {
      label: 'Reconnect to the Genesis Platform',
      caption: 'Check the platform again now and reconnect live updates',
      execute: () => client.retry()
    });
    palette?.addItem({ command: CommandIds.retryConnection, category: PALETTE_CATEGORY });
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
