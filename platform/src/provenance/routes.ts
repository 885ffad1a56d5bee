import type { FastifyInstance } from 'fastify';
import {
  CRATE_MEDIA_TYPE,
  DEFAULT_PROJECT,
  GenesisError,
  LATEST,
  routes,
  type DatasetVersionRef,
  type Principal
} from '@genesis-lab/contract';
import { hasRole, roleIn, runVisibleSql } from '../access/policy';
import type { CatalogService } from '../catalog/service';
import { addRoute } from '../http/route';
import { exportRunCrate } from './crate-export';
import { MAX_CRATE_BYTES, importRunCrate } from './crate-import';
import { toProvJson } from './prov-json';
import { startReproduction, type ReproductionDeps } from './reproductions';
import type { ProvenanceStore } from './store';
import { ProvenanceView, type ViewSources } from './provenance-view';

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
  reproductions?: ReproductionDeps,
  services: () => Omit<ViewSources, 'store' | 'catalog'> = () => ({})
): void {
  const view = (principal: Principal) => new ProvenanceView({ store, catalog: catalog(), ...services() }, principal);
  addRoute(app, routes.recordExecutions, ({ body, principal }) => {
    const project = body.project ?? DEFAULT_PROJECT;
    if (project !== DEFAULT_PROJECT && !hasRole(principal, project, 'contributor'))
      throw roleIn(principal, project)
        ? new GenesisError('forbidden', `Viewers of project "${project}" cannot record runs in it`, {
            hint: 'Ask a maintainer to make you a contributor'
          })
        : new GenesisError('not_found', `No project "${project}"`);
    // Adding to a run is for those who may read it; anyone else is told it does not exist.
    const v = view(principal);
    for (const runId of new Set(body.executions.map((e) => e.runId))) v.requireRun(runId);
    return store.recordExecutions(body.executions, { user: principal.user, project });
  });
  addRoute(app, routes.notebookRuns, ({ params, query, principal }) =>
    store.listRuns(params.notebookId, query, runVisibleSql(principal))
  );
  addRoute(app, routes.provenanceRun, ({ params, principal }) => {
    const v = view(principal);
    return v.detail(store.getRun(v.requireRun(params.runId)));
  });
  addRoute(app, routes.runTimeline, ({ params, principal }) => {
    const v = view(principal);
    return v.timeline(store.timeline(v.requireRun(params.runId)));
  });
  addRoute(app, routes.lineage, ({ query, principal }) => {
    const v = view(principal);
    return v.graph(store.lineage(query, v.visibleRun));
  });
  addRoute(app, routes.impact, ({ params, query, principal }) =>
    view(principal).impact(
      store.impact(
        datasetVersion(store, catalog(), `${params.ns}/${params.name}`, params.version, principal),
        query.maxNodes
      )
    )
  );
  addRoute(app, routes.recordGeneration, ({ body, principal, reply }) => {
    const v = datasetVersion(store, catalog(), body.dataset.id, body.dataset.version, principal);
    const { created } = store.recordGeneration(body, v.sha256);
    void reply.code(created ? 201 : 200).send({ dataset: v, jobId: body.jobId, created });
    return undefined;
  });
  addRoute(app, routes.recordReproduction, ({ params, body, principal }) => {
    if (body.originalRunId) view(principal).requireRun(body.originalRunId);
    if (params.reproductionId !== body.reproductionId)
      throw new GenesisError(
        'validation_failed',
        `Invalid body at body.reproductionId: must be ${params.reproductionId}, the id in the path`
      );
    return store.putReproduction(body);
  });
  addRoute(app, routes.reproduction, ({ params, principal }) => {
    const report = store.getReproduction(params.reproductionId);
    if (report.originalRunId && !view(principal).visibleRun(report.originalRunId))
      throw new GenesisError('not_found', `No reproduction "${params.reproductionId}" is recorded`);
    return report;
  });
  addRoute(app, routes.startReproduction, ({ params, body, principal }) => {
    if (!reproductions)
      throw new GenesisError('unavailable', 'This platform was started without reproductions (no jobs module)');
    return startReproduction(reproductions, view(principal).requireRun(params.runId), body, principal);
  });
  addRoute(app, routes.cellSource, ({ params }) => ({ sha256: params.sha256, code: store.getSource(params.sha256) }));
  addRoute(app, routes.storedOutput, ({ params }) => store.getOutput(params.sha256));
  addRoute(app, routes.provJson, ({ params, principal }) => {
    const v = view(principal);
    return toProvJson(v.graph(store.runGraph(v.requireRun(params.runId))));
  });

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
      exportRunCrate(store, catalog(), view(principal).requireRun(params.runId), {
        maxDataBytes: query.maxDataBytes,
        principal,
        view: view(principal),
        platform: `${req.protocol}://${req.host}`
      })
    );
    return undefined;
  });
  addRoute(app, routes.exportCrateWithNotebook, ({ params, query, body, principal, req, reply }) => {
    sendCrate(
      reply,
      params.runId,
      exportRunCrate(store, catalog(), view(principal).requireRun(params.runId), {
        maxDataBytes: query.maxDataBytes,
        principal,
        view: view(principal),
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
  addRoute(app, routes.importCrate, async ({ req, reply, principal }) => {
    if (!Buffer.isBuffer(req.body))
      throw new GenesisError('unsupported_media_type', `Send the crate as ${CRATE_MEDIA_TYPE} (the zip file's bytes)`);
    const result = await importRunCrate(store, catalog(), req.body, MAX_CRATE_BYTES, {
      user: principal.user,
      project: DEFAULT_PROJECT
    });
    void reply.code(201).send(result);
    return undefined;
  });
}
