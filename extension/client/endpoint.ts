import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** The path under the Jupyter server where jupyter-server-proxy exposes the platform. */
export const PROXY_PATH = 'genesis/';

/**
 * Where the platform is and how to authenticate. Behind the Jupyter server's proxy the
 * browser never sees the platform token (the proxy injects it); a directly configured
 * platform URL needs its token in the settings.
 */
export interface IEndpoint {
  readonly mode: 'proxy' | 'direct';
  /** Base URL without `/api`, ending in `/`. */
  readonly baseUrl: string;
  /** Jupyter's connection settings (proxy mode: requests go through `ServerConnection`). */
  readonly serverSettings: ServerConnection.ISettings;
  /** The platform token, sent as a bearer token (direct mode only; the proxy injects it otherwise). */
  readonly token: string;
  /** socket.io: origin and path. */
  readonly socketOrigin: string;
  readonly socketPath: string;
  /** What socket.io sends as `auth` (the platform token, direct mode only). */
  readonly socketAuth: Record<string, string>;
  /** Query parameters of the socket.io handshake (the Jupyter token, proxy mode, for the proxy's own auth check). */
  readonly socketQuery: Record<string, string>;
}

export interface IEndpointOptions {
  /** Empty for the Jupyter proxy; otherwise the platform's base URL (`http://host:port`). */
  platformUrl: string;
  platformToken: string;
}

export function resolveEndpoint(options: IEndpointOptions, jupyter = ServerConnection.makeSettings()): IEndpoint {
  const configured = options.platformUrl.trim();
  if (!configured) {
    const baseUrl = URLExt.join(jupyter.baseUrl, PROXY_PATH);
    const url = new URL(baseUrl, window.location.href);
    return {
      mode: 'proxy',
      baseUrl,
      serverSettings: jupyter,
      token: '',
      socketOrigin: url.origin,
      socketPath: URLExt.join(url.pathname, 'socket.io'),
      socketAuth: {},
      socketQuery: jupyter.token ? { token: jupyter.token } : {}
    };
  }
  const url = new URL(configured.endsWith('/') ? configured : configured + '/');
  return {
    mode: 'direct',
    baseUrl: url.href,
    serverSettings: jupyter,
    token: options.platformToken,
    socketOrigin: url.origin,
    socketPath: URLExt.join(url.pathname, 'socket.io'),
    socketAuth: options.platformToken ? { token: options.platformToken } : {},
    socketQuery: {}
  };
}
