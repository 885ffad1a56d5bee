/**
 * Everything the client needs at run time that brings zod along (the client core's route calls,
 * the contract's schemas) and the browser transport: loaded on the first request, as its own
 * chunk, so JupyterLab's startup never parses zod for this extension.
 */
import { GenesisApi } from '@genesis-lab/client/core';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IEndpoint } from './endpoint';
import { BrowserTransport } from './transport';

export { parseRef } from '@genesis-lab/contract';
export { labPlatform } from './lab-platform';
export { decodePreview } from './arrow';

/** The platform's API on one endpoint: every route of the contract, typed from its table. */
export function createApi(endpoint: IEndpoint, timeoutMs: number, trans: TranslationBundle): GenesisApi<Response> {
  return new GenesisApi(new BrowserTransport(endpoint, timeoutMs, trans));
}
