import { z } from 'zod';
import { DatasetRecord, CatalogRecord, VersionList } from './catalog';
import { ARROW_FILE_MEDIA_TYPE, ARROW_STREAM_MEDIA_TYPE, CSV_MEDIA_TYPE, PARQUET_MEDIA_TYPE } from './core/media';
import { IDEMPOTENCY_HEADER } from './core/jobs';
import { DataQuery } from './data';
import { Health } from './discovery';
import { SearchQuery, SearchResult } from './search';
import { Job, JobList, JobListQuery, JobSpec, LogChunk, LogQuery } from './jobs';
import { FacilityInfo } from './facilities';

/**
 * The HTTP API as data: the platform registers its routes from this table and validates
 * with these schemas; the OpenAPI document is generated from it. Paths use `{param}`.
 */
export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodType;
  query?: z.ZodType;
  /** Request headers the route reads (documented in OpenAPI; names lower-case). */
  headers?: z.ZodType;
  body?: z.ZodType;
  /** JSON response schema for 2xx; absent when the response is not JSON. */
  response?: z.ZodType;
  status?: number;
  /** Non-JSON media types the route produces. */
  produces?: readonly string[];
  /** Unauthenticated routes (health only). */
  public?: boolean;
}

const RecordParams = z.object({ ns: z.string(), name: z.string() });
const VersionParams = RecordParams.extend({ version: z.string().describe('A version, or "latest"') });
const JobParams = z.object({ id: z.string() });
const SubmitHeaders = z.object({
  [IDEMPOTENCY_HEADER]: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('A retried submit with the same key returns the same job (200), whoever sends it')
});

export const routes = {
  health: {
    method: 'GET',
    path: '/api/health',
    summary: 'Liveness and basic counts',
    tag: 'platform',
    response: Health,
    public: true
  },
  openapi: { method: 'GET', path: '/api/openapi.json', summary: 'This document', tag: 'platform' },
  search: {
    method: 'GET',
    path: '/api/catalog/search',
    summary: 'Full-text catalog search with facets',
    tag: 'catalog',
    query: SearchQuery,
    response: SearchResult
  },
  record: {
    method: 'GET',
    path: '/api/catalog/records/{ns}/{name}',
    summary: 'A catalog record',
    tag: 'catalog',
    params: RecordParams,
    response: CatalogRecord
  },
  croissant: {
    method: 'GET',
    path: '/api/catalog/records/{ns}/{name}/croissant',
    summary: 'The record as Croissant JSON-LD',
    tag: 'catalog',
    params: RecordParams,
    produces: ['application/ld+json']
  },
  versions: {
    method: 'GET',
    path: '/api/datasets/{ns}/{name}/versions',
    summary: 'Versions of a dataset, newest first',
    tag: 'data',
    params: RecordParams,
    response: VersionList
  },
  version: {
    method: 'GET',
    path: '/api/datasets/{ns}/{name}/versions/{version}',
    summary: 'One version (resolves "latest")',
    tag: 'data',
    params: VersionParams,
    response: DatasetRecord.shape.versions.element
  },
  object: {
    method: 'GET',
    path: '/api/datasets/{ns}/{name}/versions/{version}/file',
    summary: 'The stored Arrow IPC file of a version, byte for byte (its sha256 is the version sha256)',
    tag: 'data',
    params: VersionParams,
    produces: [ARROW_FILE_MEDIA_TYPE]
  },
  arrow: {
    method: 'GET',
    path: '/api/datasets/{ns}/{name}/versions/{version}/arrow',
    summary: 'Stream rows as Arrow IPC, with projection and CQL2 filter pushed down',
    tag: 'data',
    params: VersionParams,
    query: DataQuery,
    produces: [ARROW_STREAM_MEDIA_TYPE]
  },
  csv: {
    method: 'GET',
    path: '/api/datasets/{ns}/{name}/versions/{version}/csv',
    summary: 'Export rows as CSV',
    tag: 'data',
    params: VersionParams,
    query: DataQuery,
    produces: [CSV_MEDIA_TYPE]
  },
  parquet: {
    method: 'GET',
    path: '/api/datasets/{ns}/{name}/versions/{version}/parquet',
    summary: 'Export rows as Parquet (ZSTD)',
    tag: 'data',
    params: VersionParams,
    query: DataQuery,
    produces: [PARQUET_MEDIA_TYPE]
  },
  json: {
    method: 'GET',
    path: '/api/datasets/{ns}/{name}/versions/{version}/json',
    summary: 'Rows as a JSON array of objects (small pulls and comparison only)',
    tag: 'data',
    params: VersionParams,
    query: DataQuery,
    produces: ['application/json']
  },
  facilities: {
    method: 'GET',
    path: '/api/facilities',
    summary: 'Facilities with health, capabilities and queue',
    tag: 'jobs',
    response: z.object({ facilities: z.array(FacilityInfo) })
  },
  submitJob: {
    method: 'POST',
    path: '/api/jobs',
    summary:
      'Submit a job: persisted (NEW) before it is sent to its facility; 201 with the job, or 200 with the ' +
      'existing job when the Idempotency-Key header or spec.idempotencyKey was seen before. 422 when the ' +
      'facility cannot honour the spec (too many cpus, unknown queue, duration over its limit), before any submission.',
    tag: 'jobs',
    headers: SubmitHeaders,
    body: JobSpec,
    response: Job,
    status: 201
  },
  listJobs: {
    method: 'GET',
    path: '/api/jobs',
    summary: 'List jobs, newest first (filters: facility, state list, tag "k=v"; opaque cursor)',
    tag: 'jobs',
    query: JobListQuery,
    response: JobList
  },
  getJob: {
    method: 'GET',
    path: '/api/jobs/{id}',
    summary: 'A job with its state history',
    tag: 'jobs',
    params: JobParams,
    response: Job
  },
  jobLogs: {
    method: 'GET',
    path: '/api/jobs/{id}/logs',
    summary:
      'Read a job log (stdout or stderr) from a byte offset, or its last `tail` bytes; `nextOffset` continues it',
    tag: 'jobs',
    params: JobParams,
    query: LogQuery,
    response: LogChunk
  },
  cancelJob: {
    method: 'DELETE',
    path: '/api/jobs/{id}',
    summary: 'Cancel a job (the whole process group / scancel); answers the job, CANCELED once the facility confirms',
    tag: 'jobs',
    params: JobParams,
    response: Job
  }
} as const satisfies Record<string, RouteDef>;

export type RouteName = keyof typeof routes;

/** Build the URL path for a route from its params (segments are URI-encoded). */
export function routePath(name: RouteName, params: Record<string, string> = {}): string {
  return routes[name].path.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) throw new Error(`routePath(${name}): missing "${k}"`);
    return encodeURIComponent(v);
  });
}
