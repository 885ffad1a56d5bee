import {
  GenesisError,
  LAB_PLATFORM_PATH,
  ManagedPlatformStatus,
  validationError,
  type ManagedPlatformAction
} from '@genesis-lab/contract';
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IEndpoint } from './endpoint';
import { unreachableError } from './transport';

/**
 * The Jupyter server extension's view of its platform (`GET <base_url>genesis-lab/platform`),
 * or an action on it (`POST` with `{"action": ...}`). Refusals come back as a status carrying
 * `message` and `hint`, which become the thrown error.
 */
export async function labPlatform(
  endpoint: IEndpoint,
  trans: TranslationBundle,
  action?: ManagedPlatformAction
): Promise<ManagedPlatformStatus> {
  const url = URLExt.join(endpoint.serverSettings.baseUrl, LAB_PLATFORM_PATH);
  const init: RequestInit = action
    ? { method: 'POST', body: JSON.stringify(action), headers: { 'Content-Type': 'application/json' } }
    : { method: 'GET' };
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, endpoint.serverSettings);
  } catch (err) {
    const detail = err instanceof Error && err.message ? ` (${err.message})` : '';
    throw unreachableError(
      trans.__('Cannot reach the Jupyter server at %1%2.', url, detail),
      trans.__('Check that the Jupyter server is running.')
    );
  }
  const json: unknown = await response.json().catch(() => undefined);
  const status = ManagedPlatformStatus.safeParse(json);
  if (!response.ok) {
    if (status.success && status.data.message) {
      throw new GenesisError('unavailable', status.data.message, { hint: status.data.hint ?? undefined });
    }
    if (response.status === 404) {
      throw new GenesisError(
        'not_found',
        trans.__('This Jupyter server does not run the genesis-lab server extension.'),
        {
          hint: trans.__('Install the genesis-lab Python package in the environment that runs JupyterLab.')
        }
      );
    }
    const message = (json as { message?: unknown } | undefined)?.message;
    throw new GenesisError(
      'internal',
      trans.__(
        '%1 %2 failed (HTTP %3)%4',
        init.method!,
        url,
        response.status,
        typeof message === 'string' ? `: ${message}` : ''
      )
    );
  }
  if (!status.success) {
    throw new GenesisError(
      'internal',
      trans.__(
        'The Jupyter server answered %1 with an unexpected shape: %2',
        url,
        validationError('status', status.error).message
      )
    );
  }
  return status.data;
}
