import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import {
  GenesisError,
  OWNER,
  PUBLISH_MEDIA_TYPES,
  parseRef,
  routes,
  type DataFormat,
  type Principal,
  type PublishResult
} from '@genesis-lab/contract';
import { requirePublishRole } from '../access/policy';
import type { CatalogService } from '../catalog/service';
import type { Home } from '../home';
import { acceptRawBody } from '../http/raw-body';
import { addRoute } from '../http/route';
import type { JobService } from '../jobs/service';
import { inside } from '../jobs/staging-policy';
import type { ProvenanceStore } from '../provenance/store';
import { ingestFile, type IngestReport } from './ingest';

/** The largest table one request may publish (the body is spooled to the home's tmp/, not held in memory). */
export const MAX_PUBLISH_BYTES = 64 * 1024 ** 3;

export interface PublishingDeps {
  home: Home;
  catalog: CatalogService;
  jobs?: JobService;
  provenance?: ProvenanceStore;
}

export function publishResult(report: IngestReport, generatedBy?: string): PublishResult {
  return {
    id: report.record.id,
    version: report.version,
    created: report.created,
    format: report.format,
    columns: report.columns,
    ...(generatedBy ? { generatedBy } : {})
  };
}

/** The format a request body is sent as, from its content type (parameters such as charset ignored). */
export function bodyFormat(contentType: string | undefined): DataFormat {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const format = (PUBLISH_MEDIA_TYPES as Record<string, DataFormat>)[media];
  if (!format)
    throw new GenesisError('unsupported_media_type', `Cannot publish a body of type "${media || '(none)'}"`, {
      hint: `Send the table as one of ${Object.keys(PUBLISH_MEDIA_TYPES).join(', ')}`
    });
  return format;
}

/** Write a request body to `file`, refusing more than `limit` bytes (nothing is kept then). */
async function spool(body: Readable, file: string, limit: number): Promise<void> {
  let bytes = 0;
  await pipeline(
    body,
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        bytes += chunk.length;
        if (bytes > limit)
          throw new GenesisError('payload_too_large', `The table is larger than ${limit} bytes`, {
            hint: 'Publish it with `genesis ingest FILE` on the platform machine'
          });
        yield chunk;
      }
    },
    fs.createWriteStream(file, { flags: 'wx', mode: 0o600 })
  );
}

/**
 * A file inside a job's directory, as a real path: a path that leaves the directory (`..`, an
 * absolute path, or a symlink pointing outside) is refused, so a job cannot publish what it may not read.
 */
export function jobFile(workDir: string, relative: string): string {
  if (path.isAbsolute(relative))
    throw new GenesisError('bad_request', `body.file must be relative to the job's directory, got ${relative}`);
  const root = fs.realpathSync(workDir);
  const candidate = path.resolve(root, relative);
  if (!inside(candidate, root))
    throw new GenesisError('bad_request', `body.file ${relative} points outside the job's directory`);
  let real: string;
  try {
    real = fs.realpathSync(candidate);
  } catch {
    throw new GenesisError('not_found', `The job left no file ${relative} in its directory`);
  }
  if (!inside(real, root))
    throw new GenesisError('bad_request', `body.file ${relative} points outside the job's directory`);
  if (!fs.statSync(real).isFile()) throw new GenesisError('bad_request', `body.file ${relative} is not a file`);
  return real;
}

/**
 * Publishing writes into a record's project: contributors of its project (and of the project the
 * new metadata names) only. A record the user may not see is "not found", as everywhere.
 */
function checkPublish(
  catalog: PublishingDeps['catalog'],
  id: string,
  metadataProject: string | undefined,
  principal: Principal
): void {
  let project: string | undefined;
  try {
    project = catalog.getRecord(id, principal).project;
  } catch (err) {
    if (!(err instanceof GenesisError && err.code === 'not_found')) throw err;
    let exists = true;
    try {
      catalog.getRecord(id, OWNER);
    } catch {
      exists = false;
    }
    if (exists) throw err;
  }
  requirePublishRole(principal, [project, metadataProject]);
}

export function registerPublishingRoutes(app: FastifyInstance, deps: PublishingDeps): void {
  // The body stays a stream: it is spooled to disk and ingested from there, never buffered whole.
  for (const media of Object.keys(PUBLISH_MEDIA_TYPES)) acceptRawBody(app, media);

  addRoute(app, routes.publishVersion, async ({ params, query, principal, req, reply }) => {
    const format = bodyFormat(req.headers['content-type']);
    const { id } = parseRef(`${params.ns}/${params.name}`);
    checkPublish(deps.catalog, id, query.metadata?.project, principal);
    const file = deps.home.tmpPath('publish');
    try {
      await spool(req.body as Readable, file, MAX_PUBLISH_BYTES);
      const report = await ingestFile(deps.catalog, {
        file,
        id,
        format,
        ...(query.version !== undefined ? { version: query.version } : {}),
        ...(query.metadata !== undefined ? { metadata: query.metadata } : {})
      });
      void reply.code(report.created ? 201 : 200).send(publishResult(report));
      return undefined;
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  addRoute(app, routes.publishJobOutput, async ({ params, body, principal, reply }) => {
    if (!deps.jobs) throw new GenesisError('not_found', 'This platform runs no jobs');
    const job = deps.jobs.reads.get(params.id, principal);
    if (job.state !== 'COMPLETED')
      throw new GenesisError(
        'conflict',
        `Job ${job.id} is ${job.state}: only a completed job's files can be published`,
        {
          hint: job.state === 'FAILED' ? 'Its stderr says why it failed' : 'Wait for it to complete (job.wait())'
        }
      );
    if (!job.workDir) throw new GenesisError('not_found', `Job ${job.id} has no directory on this platform`);
    checkPublish(deps.catalog, body.dataset, body.metadata?.project, principal);
    const file = jobFile(job.workDir, body.file);
    const report = await ingestFile(deps.catalog, {
      file,
      id: body.dataset,
      ...(body.version !== undefined ? { version: body.version } : {}),
      ...(body.format !== undefined ? { format: body.format } : {}),
      ...(body.metadata !== undefined ? { metadata: body.metadata } : {})
    });
    // The version came out of the job: its lineage (and impact queries) say so.
    deps.provenance?.recordGeneration(
      { dataset: { id: report.record.id, version: report.version.version }, jobId: job.id },
      report.version.sha256
    );
    void reply.code(report.created ? 201 : 200).send(publishResult(report, job.id));
    return undefined;
  });
}
