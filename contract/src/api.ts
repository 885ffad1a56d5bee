import { z } from 'zod';
import { DatasetRecord, CatalogRecord, VersionList } from './catalog';
import { ARROW_FILE_MEDIA_TYPE, ARROW_STREAM_MEDIA_TYPE, CSV_MEDIA_TYPE, PARQUET_MEDIA_TYPE } from './core/media';
import { GenesisError } from './core/errors';
import { IDEMPOTENCY_HEADER } from './core/jobs';
import { DataQuery } from './data';
import { Health } from './discovery';
import { SearchQuery, SearchResult } from './search';
import { Job, JobList, JobListQuery, JobSpec, LogChunk, LogQuery } from './jobs';
import { FacilityInfo, FacilityRefresh } from './facilities';
import {
  CRATE_MEDIA_TYPE,
  CellSource,
  CrateExportQuery,
  CrateExportRequest,
  CrateImportResult,
  DatasetGeneration,
  ExecutionBatch,
  ImpactAnswer,
  ImpactQuery,
  LineageQuery,
  NotebookId,
  ProvGraph,
  ProvJson,
  RecordedExecutions,
  RecordedGeneration,
  ReproducibilityReport,
  ReproductionId,
  RunDetail,
  RunId,
  RunList,
  RunListQuery,
  RunTimeline,
  StoredOutputContent
} from './provenance';
import { JobOutputPublish, PUBLISH_MEDIA_TYPES, PublishQuery, PublishResult } from './publish';
import { Sha256 } from './ref';

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
  /** Non-JSON request media types the route reads (the handler parses the body itself). */
  consumes?: readonly string[];
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
const RunParams = z.object({ runId: RunId });
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
  publishVersion: {
    method: 'POST',
    path: '/api/datasets/{ns}/{name}/versions',
    summary:
      'Publish a new immutable version from the table in the body (Arrow, Parquet, CSV, NDJSON or GeoJSON, by ' +
      'its content type): 201 when published, 200 when identical content already is; a first version needs ' +
      'the record metadata',
    tag: 'data',
    params: RecordParams,
    query: PublishQuery,
    consumes: Object.keys(PUBLISH_MEDIA_TYPES),
    response: PublishResult,
    status: 201
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
  refreshFacilities: {
    method: 'POST',
    path: '/api/facilities/refresh',
    summary:
      'Probe every facility again now (capabilities, health) and re-read the facilities configuration, so a ' +
      'cluster that came up or recovered, or a facility added to the file, is seen without a restart',
    tag: 'jobs',
    response: FacilityRefresh
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
  },
  publishJobOutput: {
    method: 'POST',
    path: '/api/jobs/{id}/publish',
    summary:
      'Publish a file a completed job left in its directory as a new dataset version, recording the job as ' +
      'what generated it (201; 200 when identical content already is)',
    tag: 'jobs',
    params: JobParams,
    body: JobOutputPublish,
    response: PublishResult,
    status: 201
  },
  recordExecutions: {
    method: 'POST',
    path: '/api/provenance/executions',
    summary:
      'Record a batch of cell executions (capture). Idempotent by executionId: a resend answers "duplicate" ' +
      'and stores nothing twice; the same id with other content is 409. Answered only once durably stored.',
    tag: 'provenance',
    body: ExecutionBatch,
    response: RecordedExecutions
  },
  notebookRuns: {
    method: 'GET',
    path: '/api/provenance/notebooks/{notebookId}/runs',
    summary: 'Runs of a notebook, newest first',
    tag: 'provenance',
    params: z.object({ notebookId: NotebookId }),
    query: RunListQuery,
    response: RunList
  },
  provenanceRun: {
    method: 'GET',
    path: '/api/provenance/runs/{runId}',
    summary: 'A run with its executions in execution order, staleness flags, pins and reproductions',
    tag: 'provenance',
    params: RunParams,
    response: RunDetail
  },
  runTimeline: {
    method: 'GET',
    path: '/api/provenance/runs/{runId}/timeline',
    summary: "A run's timeline: executions, the jobs they submitted or awaited, its reproductions",
    tag: 'provenance',
    params: RunParams,
    response: RunTimeline
  },
  lineage: {
    method: 'GET',
    path: '/api/provenance/lineage',
    summary:
      'What produced this? The PROV graph upstream of an output (by hash) or a cell execution: the executions ' +
      'before it in its kernel, their code, the dataset versions and jobs they used, transitively through ' +
      'dataset versions jobs generated',
    tag: 'provenance',
    query: LineageQuery,
    response: ProvGraph
  },
  impact: {
    method: 'GET',
    path: '/api/provenance/impact/{ns}/{name}/{version}',
    summary: 'Which runs, outputs, jobs and derived dataset versions used a dataset version',
    tag: 'provenance',
    params: RecordParams.extend({ version: z.string().describe('A version, or "latest"') }),
    query: ImpactQuery,
    response: ImpactAnswer
  },
  recordGeneration: {
    method: 'POST',
    path: '/api/provenance/generations',
    summary: 'Record that a job generated a dataset version (201; 200 when already recorded)',
    tag: 'provenance',
    body: DatasetGeneration,
    response: RecordedGeneration,
    status: 201
  },
  recordReproduction: {
    method: 'PUT',
    path: '/api/provenance/reproductions/{reproductionId}',
    summary:
      'Record a reproducibility report, while it runs and when it ends (a finished report is final: ' +
      'replacing it with other content is 409)',
    tag: 'provenance',
    params: z.object({ reproductionId: ReproductionId }),
    body: ReproducibilityReport,
    response: ReproducibilityReport
  },
  reproduction: {
    method: 'GET',
    path: '/api/provenance/reproductions/{reproductionId}',
    summary: 'A reproducibility report',
    tag: 'provenance',
    params: z.object({ reproductionId: ReproductionId }),
    response: ReproducibilityReport
  },
  cellSource: {
    method: 'GET',
    path: '/api/provenance/sources/{sha256}',
    summary: 'The code of a cell, by its sha256 (stored content-addressed)',
    tag: 'provenance',
    params: z.object({ sha256: Sha256 }),
    response: CellSource
  },
  storedOutput: {
    method: 'GET',
    path: '/api/provenance/outputs/{sha256}',
    summary: 'A normalised cell output, by its hash',
    tag: 'provenance',
    params: z.object({ sha256: Sha256 }),
    response: StoredOutputContent
  },
  provJson: {
    method: 'GET',
    path: '/api/provenance/runs/{runId}/prov',
    summary: 'The run as a W3C PROV-JSON document',
    tag: 'provenance',
    params: RunParams,
    response: ProvJson
  },
  exportCrate: {
    method: 'GET',
    path: '/api/provenance/runs/{runId}/crate',
    summary:
      'The run as an RO-Crate 1.1 zip (Process Run Crate 0.5): the notebook rebuilt from the record, outputs, ' +
      'and the data of pinned dataset versions up to maxDataBytes, each file with its sha256',
    tag: 'provenance',
    params: RunParams,
    query: CrateExportQuery,
    produces: [CRATE_MEDIA_TYPE]
  },
  exportCrateWithNotebook: {
    method: 'POST',
    path: '/api/provenance/runs/{runId}/crate',
    summary: 'The run as an RO-Crate zip, with the notebook the client holds (markdown cells included)',
    tag: 'provenance',
    params: RunParams,
    query: CrateExportQuery,
    body: CrateExportRequest,
    produces: [CRATE_MEDIA_TYPE]
  },
  importCrate: {
    method: 'POST',
    path: '/api/provenance/crates',
    summary:
      'Import an exported crate: its dataset versions (digests checked), then its run and executions, so the ' +
      'notebook can be reproduced here. A digest mismatch names the file; a pinned version neither here nor ' +
      'in the crate is refused naming it',
    tag: 'provenance',
    consumes: [CRATE_MEDIA_TYPE],
    response: CrateImportResult,
    status: 201
  }
} as const satisfies Record<string, RouteDef>;

export type RouteName = keyof typeof routes;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Build the URL path for a route from its params (segments are URI-encoded). */
export function routePath(name: RouteName, params: Record<string, string> = {}): string {
  return routes[name].path.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) throw new Error(`routePath(${name}): missing "${k}"`);
    // A lone UTF-16 surrogate has no UTF-8 form: encodeURIComponent would throw a bare URIError.
    if (LONE_SURROGATE.test(v))
      throw new GenesisError('bad_request', `Invalid ${k}: it holds a lone UTF-16 surrogate, which is not text`, {
        issues: [{ path: k, message: 'holds a lone UTF-16 surrogate' }]
      });
    return encodeURIComponent(v);
  });
}
