import { z } from 'zod';
import { DatasetRecord, VersionList } from './catalog';
import { CatalogRecord } from './catalog-record';
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
import { ReproductionRequest, ReproductionStarted } from './reproduction';
import {
  AccessLevelChange,
  AuditKeyRotation,
  AuditPage,
  AuditQuery,
  AuditVerification,
  Identity,
  MembershipChange,
  Project,
  ProjectCreate,
  ProjectList,
  type Scope,
  TokenCreate,
  TokenCreated,
  TokenId,
  TokenList,
  TokenInfo,
  User,
  UserUpsert
} from './security';
import {
  JobModelPublish,
  ModelList,
  ModelPublish,
  ModelRecord,
  ModelUpload,
  ModelVersion,
  ModelVersionList,
  PredictQuery
} from './models';
import { JSON_LD_MEDIA_TYPE, MARKDOWN_MEDIA_TYPE, ONNX_MEDIA_TYPE } from './core/models';
import {
  OipInferRequest,
  OipInferResponse,
  OipModelMetadata,
  OipModelParams,
  OipModelReady,
  OipServerLive,
  OipServerMetadata,
  OipServerReady,
  OipVersionParams
} from './oip';

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
  /**
   * The token scope a caller needs (checked by the one policy module before the handler runs;
   * `public`: no token). Required, so no route can be added without saying who may call it;
   * what a caller may see within the route (projects, access levels) is the policy's too.
   */
  scope: Scope | 'public';
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
    scope: 'public',
    response: Health
  },
  openapi: { method: 'GET', path: '/api/openapi.json', summary: 'This document', tag: 'platform', scope: 'read' },
  search: {
    method: 'GET',
    path: '/api/catalog/search',
    summary: 'Full-text catalog search with facets',
    tag: 'catalog',
    scope: 'read',
    query: SearchQuery,
    response: SearchResult
  },
  record: {
    method: 'GET',
    path: '/api/catalog/records/{ns}/{name}',
    summary: 'A catalog record',
    tag: 'catalog',
    scope: 'read',
    params: RecordParams,
    response: CatalogRecord
  },
  croissant: {
    method: 'GET',
    path: '/api/catalog/records/{ns}/{name}/croissant',
    summary: 'The record as Croissant JSON-LD',
    tag: 'catalog',
    scope: 'read',
    params: RecordParams,
    produces: ['application/ld+json']
  },
  versions: {
    method: 'GET',
    path: '/api/datasets/{ns}/{name}/versions',
    summary: 'Versions of a dataset, newest first',
    tag: 'data',
    scope: 'read',
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
    scope: 'write',
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
    scope: 'read',
    params: VersionParams,
    response: DatasetRecord.shape.versions.element
  },
  object: {
    method: 'GET',
    path: '/api/datasets/{ns}/{name}/versions/{version}/file',
    summary: 'The stored Arrow IPC file of a version, byte for byte (its sha256 is the version sha256)',
    tag: 'data',
    scope: 'read',
    params: VersionParams,
    produces: [ARROW_FILE_MEDIA_TYPE]
  },
  arrow: {
    method: 'GET',
    path: '/api/datasets/{ns}/{name}/versions/{version}/arrow',
    summary: 'Stream rows as Arrow IPC, with projection and CQL2 filter pushed down',
    tag: 'data',
    scope: 'read',
    params: VersionParams,
    query: DataQuery,
    produces: [ARROW_STREAM_MEDIA_TYPE]
  },
  csv: {
    method: 'GET',
    path: '/api/datasets/{ns}/{name}/versions/{version}/csv',
    summary: 'Export rows as CSV',
    tag: 'data',
    scope: 'read',
    params: VersionParams,
    query: DataQuery,
    produces: [CSV_MEDIA_TYPE]
  },
  parquet: {
    method: 'GET',
    path: '/api/datasets/{ns}/{name}/versions/{version}/parquet',
    summary: 'Export rows as Parquet (ZSTD)',
    tag: 'data',
    scope: 'read',
    params: VersionParams,
    query: DataQuery,
    produces: [PARQUET_MEDIA_TYPE]
  },
  json: {
    method: 'GET',
    path: '/api/datasets/{ns}/{name}/versions/{version}/json',
    summary: 'Rows as a JSON array of objects (small pulls and comparison only)',
    tag: 'data',
    scope: 'read',
    params: VersionParams,
    query: DataQuery,
    produces: ['application/json']
  },
  facilities: {
    method: 'GET',
    path: '/api/facilities',
    summary: 'Facilities with health, capabilities and queue',
    tag: 'jobs',
    scope: 'read',
    response: z.object({ facilities: z.array(FacilityInfo) })
  },
  refreshFacilities: {
    method: 'POST',
    path: '/api/facilities/refresh',
    summary:
      'Probe every facility again now (capabilities, health) and re-read the facilities configuration, so a ' +
      'cluster that came up or recovered, or a facility added to the file, is seen without a restart',
    tag: 'jobs',
    scope: 'admin',
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
    scope: 'run',
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
    scope: 'read',
    query: JobListQuery,
    response: JobList
  },
  getJob: {
    method: 'GET',
    path: '/api/jobs/{id}',
    summary: 'A job with its state history',
    tag: 'jobs',
    scope: 'read',
    params: JobParams,
    response: Job
  },
  jobLogs: {
    method: 'GET',
    path: '/api/jobs/{id}/logs',
    summary:
      'Read a job log (stdout or stderr) from a byte offset, or its last `tail` bytes; `nextOffset` continues it',
    tag: 'jobs',
    scope: 'read',
    params: JobParams,
    query: LogQuery,
    response: LogChunk
  },
  cancelJob: {
    method: 'DELETE',
    path: '/api/jobs/{id}',
    summary: 'Cancel a job (the whole process group / scancel); answers the job, CANCELED once the facility confirms',
    tag: 'jobs',
    scope: 'run',
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
    scope: 'write',
    params: JobParams,
    body: JobOutputPublish,
    response: PublishResult,
    status: 201
  },
  releaseJob: {
    method: 'POST',
    path: '/api/jobs/{id}/release',
    summary:
      'Release a HELD job (scontrol release) so it is QUEUED again; answers the job once the facility shows it ' +
      'released (or after a few seconds). 409 when the job is not HELD, 422 when its facility cannot release.',
    tag: 'jobs',
    scope: 'run',
    params: JobParams,
    response: Job
  },
  recordExecutions: {
    method: 'POST',
    path: '/api/provenance/executions',
    summary:
      'Record a batch of cell executions (capture). Idempotent by executionId: a resend answers "duplicate" ' +
      'and stores nothing twice; the same id with other content is 409. Answered only once durably stored.',
    tag: 'provenance',
    scope: 'write',
    body: ExecutionBatch,
    response: RecordedExecutions
  },
  notebookRuns: {
    method: 'GET',
    path: '/api/provenance/notebooks/{notebookId}/runs',
    summary: 'Runs of a notebook, newest first',
    tag: 'provenance',
    scope: 'read',
    params: z.object({ notebookId: NotebookId }),
    query: RunListQuery,
    response: RunList
  },
  provenanceRun: {
    method: 'GET',
    path: '/api/provenance/runs/{runId}',
    summary: 'A run with its executions in execution order, staleness flags, pins and reproductions',
    tag: 'provenance',
    scope: 'read',
    params: RunParams,
    response: RunDetail
  },
  runTimeline: {
    method: 'GET',
    path: '/api/provenance/runs/{runId}/timeline',
    summary: "A run's timeline: executions, the jobs they submitted or awaited, its reproductions",
    tag: 'provenance',
    scope: 'read',
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
    scope: 'read',
    query: LineageQuery,
    response: ProvGraph
  },
  impact: {
    method: 'GET',
    path: '/api/provenance/impact/{ns}/{name}/{version}',
    summary: 'Which runs, outputs, jobs and derived dataset versions used a dataset version',
    tag: 'provenance',
    scope: 'read',
    params: RecordParams.extend({ version: z.string().describe('A version, or "latest"') }),
    query: ImpactQuery,
    response: ImpactAnswer
  },
  recordGeneration: {
    method: 'POST',
    path: '/api/provenance/generations',
    summary: 'Record that a job generated a dataset version (201; 200 when already recorded)',
    tag: 'provenance',
    scope: 'write',
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
    scope: 'write',
    params: z.object({ reproductionId: ReproductionId }),
    body: ReproducibilityReport,
    response: ReproducibilityReport
  },
  reproduction: {
    method: 'GET',
    path: '/api/provenance/reproductions/{reproductionId}',
    summary: 'A reproducibility report',
    tag: 'provenance',
    scope: 'read',
    params: z.object({ reproductionId: ReproductionId }),
    response: ReproducibilityReport
  },
  startReproduction: {
    method: 'POST',
    path: '/api/provenance/runs/{runId}/reproductions',
    summary:
      'Reproduce a recorded run as a job on a facility (local by default): the notebook re-executed headless with ' +
      'every unversioned dataset ref pinned to the recorded version, each cell compared; the job records the ' +
      'report (GET .../reproductions/{reproductionId}) live and when it ends',
    tag: 'provenance',
    scope: 'run',
    params: RunParams,
    body: ReproductionRequest,
    response: ReproductionStarted,
    status: 202
  },
  cellSource: {
    method: 'GET',
    path: '/api/provenance/sources/{sha256}',
    summary: 'The code of a cell, by its sha256 (stored content-addressed)',
    tag: 'provenance',
    scope: 'read',
    params: z.object({ sha256: Sha256 }),
    response: CellSource
  },
  storedOutput: {
    method: 'GET',
    path: '/api/provenance/outputs/{sha256}',
    summary: 'A normalised cell output, by its hash',
    tag: 'provenance',
    scope: 'read',
    params: z.object({ sha256: Sha256 }),
    response: StoredOutputContent
  },
  provJson: {
    method: 'GET',
    path: '/api/provenance/runs/{runId}/prov',
    summary: 'The run as a W3C PROV-JSON document',
    tag: 'provenance',
    scope: 'read',
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
    scope: 'read',
    params: RunParams,
    query: CrateExportQuery,
    produces: [CRATE_MEDIA_TYPE]
  },
  exportCrateWithNotebook: {
    method: 'POST',
    path: '/api/provenance/runs/{runId}/crate',
    summary: 'The run as an RO-Crate zip, with the notebook the client holds (markdown cells included)',
    tag: 'provenance',
    scope: 'read',
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
    scope: 'write',
    consumes: [CRATE_MEDIA_TYPE],
    response: CrateImportResult,
    status: 201
  },
  whoami: {
    method: 'GET',
    path: '/api/access/me',
    summary: 'Who this token belongs to: user, scopes, clearances, projects and roles',
    tag: 'access',
    scope: 'read',
    response: Identity
  },
  listTokens: {
    method: 'GET',
    path: '/api/access/tokens',
    summary: "Your tokens (an admin's: everyone's), without their secrets",
    tag: 'access',
    scope: 'read',
    response: TokenList
  },
  createToken: {
    method: 'POST',
    path: '/api/access/tokens',
    summary:
      'Create a token (for yourself, with at most your own scopes; admins for anyone). The secret is in this ' +
      'answer only: the platform keeps its sha256',
    tag: 'access',
    scope: 'read',
    body: TokenCreate,
    response: TokenCreated,
    status: 201
  },
  revokeToken: {
    method: 'DELETE',
    path: '/api/access/tokens/{tokenId}',
    summary: 'Revoke a token (yours; admins any): it stops working at once',
    tag: 'access',
    scope: 'read',
    params: z.object({ tokenId: TokenId }),
    response: TokenInfo
  },
  listUsers: {
    method: 'GET',
    path: '/api/access/users',
    summary: 'Users with their clearances and projects (admins)',
    tag: 'access',
    scope: 'admin',
    response: z.object({ users: z.array(User) })
  },
  upsertUser: {
    method: 'PUT',
    path: '/api/access/users/{user}',
    summary: "Create a user or change a user's clearances (admins)",
    tag: 'access',
    scope: 'admin',
    params: z.object({ user: z.string() }),
    body: UserUpsert,
    response: User
  },
  listProjects: {
    method: 'GET',
    path: '/api/access/projects',
    summary: 'The projects you are a member of (an admin: all)',
    tag: 'access',
    scope: 'read',
    response: ProjectList
  },
  createProject: {
    method: 'POST',
    path: '/api/access/projects',
    summary: 'Create a project (admins); add members with PUT .../members/{user}',
    tag: 'access',
    scope: 'admin',
    body: ProjectCreate,
    response: Project,
    status: 201
  },
  setMember: {
    method: 'PUT',
    path: '/api/access/projects/{project}/members',
    summary: "Add a member, change a member's role, or remove them (role null); the project's maintainers",
    tag: 'access',
    scope: 'write',
    params: z.object({ project: z.string() }),
    body: MembershipChange,
    response: Project
  },
  setRecordAccess: {
    method: 'PUT',
    path: '/api/catalog/records/{ns}/{name}/access',
    summary:
      "Change a record's access level (and project); maintainers of its project. Search, facets and caches " +
      'follow at once',
    tag: 'access',
    scope: 'write',
    params: RecordParams,
    body: AccessLevelChange,
    response: CatalogRecord
  },
  audit: {
    method: 'GET',
    path: '/api/access/audit',
    summary: 'The audit log, oldest first, from an entry on (maintainers of any project, admins)',
    tag: 'access',
    scope: 'read',
    query: AuditQuery,
    response: AuditPage
  },
  verifyAudit: {
    method: 'GET',
    path: '/api/access/audit/verify',
    summary: "Check the audit log's hash chain: the first edited, removed, inserted or reordered entry",
    tag: 'access',
    scope: 'admin',
    response: AuditVerification
  },
  rotateAuditKey: {
    method: 'POST',
    path: '/api/access/audit/keys',
    summary: 'Rotate the audit key: later entries are signed with a new key, earlier ones keep verifying with theirs',
    tag: 'access',
    scope: 'admin',
    response: AuditKeyRotation
  },
  listModels: {
    method: 'GET',
    path: '/api/models',
    summary: 'Models the caller may see, with their latest version and runtime',
    tag: 'models',
    scope: 'read',
    response: ModelList
  },
  model: {
    method: 'GET',
    path: '/api/models/{ns}/{name}',
    summary: 'A model record: card, signature, runtime and versions (404 with suggestions when unknown)',
    tag: 'models',
    scope: 'read',
    params: RecordParams,
    response: ModelRecord
  },
  modelVersions: {
    method: 'GET',
    path: '/api/models/{ns}/{name}/versions',
    summary: 'Versions of a model, newest first, each with its weights digest',
    tag: 'models',
    scope: 'read',
    params: RecordParams,
    response: ModelVersionList
  },
  modelVersion: {
    method: 'GET',
    path: '/api/models/{ns}/{name}/versions/{version}',
    summary: 'One model version (resolves "latest")',
    tag: 'models',
    scope: 'read',
    params: VersionParams,
    response: ModelVersion
  },
  modelWeights: {
    method: 'GET',
    path: '/api/models/{ns}/{name}/versions/{version}/weights',
    summary: 'The stored weights of a version, byte for byte (their sha256 is the version sha256)',
    tag: 'models',
    scope: 'read',
    params: VersionParams,
    produces: [ONNX_MEDIA_TYPE]
  },
  modelCardJsonLd: {
    method: 'GET',
    path: '/api/models/{ns}/{name}/versions/{version}/card.jsonld',
    summary: 'The model card as Croissant-style JSON-LD (schema.org, with the card sections)',
    tag: 'models',
    scope: 'read',
    params: VersionParams,
    produces: [JSON_LD_MEDIA_TYPE]
  },
  modelCardReadme: {
    method: 'GET',
    path: '/api/models/{ns}/{name}/versions/{version}/README.md',
    summary: 'The model card as a Hugging Face model-card README.md (YAML front matter + sections)',
    tag: 'models',
    scope: 'read',
    params: VersionParams,
    produces: [MARKDOWN_MEDIA_TYPE]
  },
  uploadModelWeights: {
    method: 'PUT',
    path: '/api/models/uploads',
    summary: 'Stage a weights file (not yet published): answers its sha256 for the publish call',
    tag: 'models',
    scope: 'write',
    consumes: [ONNX_MEDIA_TYPE],
    response: ModelUpload,
    status: 201
  },
  publishModelVersion: {
    method: 'POST',
    path: '/api/models/{ns}/{name}/versions',
    summary:
      'Publish a version from staged weights: the runtime checks the weights and the signature first ' +
      '(an invalid ONNX file is refused, 422, and nothing is published); weights move under their sha256 ' +
      'and the record, version and search document are written in one transaction',
    tag: 'models',
    scope: 'write',
    params: RecordParams,
    body: ModelPublish,
    response: ModelVersion,
    status: 201
  },
  publishJobModel: {
    method: 'POST',
    path: '/api/jobs/{id}/publish-model',
    summary:
      'Publish a weights file a completed job left in its directory as a new model version, checked as ' +
      'POST /api/models/{ns}/{name}/versions checks one, with the job as its generator (origin.jobId; the ' +
      "job's dataset stage-ins as origin.trainedOn unless the card names them): 201, 200 when identical",
    tag: 'models',
    scope: 'write',
    params: JobParams,
    body: JobModelPublish,
    response: ModelVersion,
    status: 201
  },
  predict: {
    method: 'POST',
    path: '/api/models/{ns}/{name}/versions/{version}/predict',
    summary:
      'Predict: an Arrow IPC stream of input columns in, an Arrow IPC stream of output columns out, ' +
      'row-aligned, in batches. Inputs are checked against the signature (400 naming the column and what is ' +
      'expected). Response headers name the resolved version and weights digest.',
    tag: 'models',
    scope: 'run',
    params: VersionParams,
    query: PredictQuery,
    consumes: [ARROW_STREAM_MEDIA_TYPE],
    produces: [ARROW_STREAM_MEDIA_TYPE]
  },
  // The Open Inference Protocol v2 (KServe, Triton, MLServer clients call these). A model's OIP name
  // is its id with "~" for "/" (`climate~co2-trend`; an encoded %2F works too); errors answer the
  // spec's {"error": "..."} with the house fields beside it (contract/src/oip.ts OipError).
  oipServerLive: {
    method: 'GET',
    path: '/v2/health/live',
    summary: 'OIP v2: the server is live (200 {"live": true})',
    tag: 'oip',
    scope: 'public',
    response: OipServerLive
  },
  oipServerReady: {
    method: 'GET',
    path: '/v2/health/ready',
    summary: 'OIP v2: the server is ready to serve its models (200 {"ready": true})',
    tag: 'oip',
    scope: 'public',
    response: OipServerReady
  },
  oipServerMetadata: {
    method: 'GET',
    path: '/v2',
    summary: 'OIP v2: server name, version and extensions',
    tag: 'oip',
    scope: 'read',
    response: OipServerMetadata
  },
  oipModelMetadata: {
    method: 'GET',
    path: '/v2/models/{name}',
    summary: "OIP v2: a model's metadata (its latest version): inputs and outputs with datatype and shape",
    tag: 'oip',
    scope: 'read',
    params: OipModelParams,
    response: OipModelMetadata
  },
  oipModelVersionMetadata: {
    method: 'GET',
    path: '/v2/models/{name}/versions/{version}',
    summary: "OIP v2: one model version's metadata",
    tag: 'oip',
    scope: 'read',
    params: OipVersionParams,
    response: OipModelMetadata
  },
  oipModelReady: {
    method: 'GET',
    path: '/v2/models/{name}/ready',
    summary: 'OIP v2: the model (latest version) is ready (200), or not (503)',
    tag: 'oip',
    scope: 'read',
    params: OipModelParams,
    response: OipModelReady
  },
  oipModelVersionReady: {
    method: 'GET',
    path: '/v2/models/{name}/versions/{version}/ready',
    summary: 'OIP v2: the model version is ready (200), or not (503)',
    tag: 'oip',
    scope: 'read',
    params: OipVersionParams,
    response: OipModelReady
  },
  oipInfer: {
    method: 'POST',
    path: '/v2/models/{name}/infer',
    summary:
      'OIP v2 inference on the latest version (JSON tensors). A wrong datatype or shape answers 400 naming the ' +
      'input and the datatype and shape it expects',
    tag: 'oip',
    scope: 'run',
    params: OipModelParams,
    body: OipInferRequest,
    response: OipInferResponse
  },
  oipVersionInfer: {
    method: 'POST',
    path: '/v2/models/{name}/versions/{version}/infer',
    summary: 'OIP v2 inference on one model version (JSON tensors)',
    tag: 'oip',
    scope: 'run',
    params: OipVersionParams,
    body: OipInferRequest,
    response: OipInferResponse
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
