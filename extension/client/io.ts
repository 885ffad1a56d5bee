/**
 * Everything the client needs from the contract at run time (zod schemas, routes, errors) and
 * the HTTP helpers that use it. Loaded on the first request, as its own chunk: JupyterLab's
 * startup never parses zod for this extension.
 */
export {
  CatalogRecord,
  GenesisError,
  Health,
  Job,
  JobList,
  LogChunk,
  SearchResult,
  parseRef,
  routes
} from '@genesis-lab/contract';
export { labPlatform, requestJson, send } from './http';
export { decodePreview } from './arrow';
