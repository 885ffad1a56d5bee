import type { FastifyInstance } from 'fastify';
import {
  CRATE_MEDIA_TYPE,
  GenesisError,
  LATEST,
  routes,
  type DatasetVersionRef,
  type Principal
} from '@genesis-lab/contract';
import type { CatalogService } from '../catalog/service';
import { addRoute } from '../http/route';
import { exportRunCrate } from './crate-export';
import { MAX_CRATE_BYTES, importRunCrate } from './crate-import';
import { toProvJson } from './prov-json';
import { startReproduction, type ReproductionDeps } from './reproductions';
import type { ProvenanceStore } from './store';
import { visibleGraph } from './visible-graph';

/** Resolve a dataset version for impact/generation: the catalog's, else what the record saw used. */
function datasetVersion(
  store: ProvenanceStore,
  catalog: CatalogService | undefined,
  id: string,
  selector: string,
  principal: Principal
): DatasetVersionRef {
  if (catalog) {
    try {
      const v = catalog.getVersion(id, selector, principal);
      return { id, version: v.version, sha256: v.sha256 };
    } catch (err) {
      if (!(err instanceof GenesisError && err.code === 'not_found') || selector === LATEST) throw err;
    }
  }
  const seen = store.usedVersion(id, selector);
  if (!seen) throw new GenesisError('not_found', `No dataset version ${id}@${selector} is known here`);
  return seen;
}

/** The provenance routes of the contract's table. */
export function registerProvenanceRoutes(
  app: FastifyInstance,
  store: ProvenanceStore,
  catalog: () => CatalogService | undefined,
  reproductions?: ReproductionDeps
): void {
  addRoute(app, routes.recordExecutions, ({ body }) => store.recordExecutions(body.executions));
  addRoute(app, routes.notebookRuns, ({ params, query }) => store.listRuns(params.notebookId, query));
  addRoute(app, routes.provenanceRun, ({ params }) => store.getRun(params.runId));
  addRoute(app, routes.runTimeline, ({ params }) => store.timeline(params.runId));
  addRoute(app, routes.lineage, ({ query, principal }) => visibleGraph(store.lineage(query), catalog(), principal));
  addRoute(app, routes.impact, ({ params, query, principal }) =>
    store.impact(
      datasetVersion(store, catalog(), `${params.ns}/${params.name}`, params.version, principal),
      query.maxNodes
    )
  );
  addRoute(app, routes.recordGeneration, ({ body, principal, reply }) => {
    const v = datasetVersion(store, catalog(), body.dataset.id, body.dataset.version, principal);
    const { created } = store.recordGeneration(body, v.sha256);
    void reply.code(created ? 201 : 200).send({ dataset: v, jobId: body.jobId, created });
    return undefined;
  });
  addRoute(app, routes.recordReproduction, ({ params, body }) => {
    if (params.reproductionId !== body.reproductionId)
      throw new GenesisError(
        'validation_failed',
        `Invalid body at body.reproductionId: must be ${params.reproductionId}, the id in the path`
      );
    return store.putReproduction(body);
  });
  addRoute(app, routes.reproduction, ({ params }) => store.getReproduction(params.reproductionId));
  addRoute(app, routes.startReproduction, ({ params, body, principal }) => {
    if (!reproductions)
      throw new GenesisError('unavailable', 'This platform was started without reproductions (no jobs module)');
    return startReproduction(reproductions, params.runId, body, principal);
  });
  addRoute(app, routes.cellSource, ({ params }) => ({ sha256: params.sha256, code: store.getSource(params.sha256) }));
  addRoute(app, routes.storedOutput, ({ params }) => store.getOutput(params.sha256));
  addRoute(app, routes.provJson, ({ params }) => toProvJson(store.runGraph(params.runId)));

  const sendCrate = (reply: import('fastify').FastifyReply, runId: string, bytes: Uint8Array) =>
    void reply
      .code(200)
      .header('content-type', CRATE_MEDIA_TYPE)
      .header('content-disposition', `attachment; filename="run-${runId}.crate.zip"`)
      .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  addRoute(app, routes.exportCrate, ({ params, query, principal, req, reply }) => {
    sendCrate(
      reply,
      params.runId,
      exportRunCrate(store, catalog(), params.runId, {
        maxDataBytes: query.maxDataBytes,
        principal,
        platform: `${req.protocol}://${req.host}`
      })
    );
    return undefined;
  });
  addRoute(app, routes.exportCrateWithNotebook, ({ params, query, body, principal, req, reply }) => {
    sendCrate(
      reply,
      params.runId,
      exportRunCrate(store, catalog(), params.runId, {
        maxDataBytes: query.maxDataBytes,
        principal,
        notebook: body.notebook,
        ...(body.notebookName ? { notebookName: body.notebookName } : {}),
        platform: `${req.protocol}://${req.host}`
      })
    );
    return undefined;
  });

  app.addContentTypeParser(CRATE_MEDIA_TYPE, { parseAs: 'buffer', bodyLimit: MAX_CRATE_BYTES }, (_req, body, done) =>
    done(null, body)
  );
  addRoute(app, routes.importCrate, async ({ req, reply }) => {
    if (!Buffer.isBuffer(req.body))
      throw new GenesisError('unsupported_media_type', `Send the crate as ${CRATE_MEDIA_TYPE} (the zip file's bytes)`);
    const result = await importRunCrate(store, catalog(), req.body);
    void reply.code(201).send(result);
    return undefined;
  });
}
