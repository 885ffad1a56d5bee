import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RecordBatch } from 'apache-arrow';
import {
  GenesisError,
  oipModelName,
  recordIdOfOipName,
  routes,
  type OipError,
  type OipInferRequest,
  type OipInferResponse,
  type OipModelMetadata,
  type Principal
} from '@genesis-lab/contract';
import { toGenesisError } from '../../http/errors';
import { addRoute } from '../../http/route';
import { batchOfTensors, groupMetadataShape, tensorGroups, tensorsOfBatch, type TensorField } from './tensors';

/** One model version as the /v2 routes serve it. */
export interface ServedVersion {
  id: string;
  version: string;
  /** Runtime kind (`onnx`, `oip`), shown as the OIP `platform`. */
  runtime: string;
  signature: { inputs: readonly TensorField[]; outputs: readonly TensorField[] };
}

/**
 * What the /v2 routes need from the model registry: the same resolution, access rule and predict
 * path as `/api/models` (404 with suggestions for an unknown model or version, one predict for both).
 */
export interface ServedModels {
  /** Versions of a model the principal may see, newest first. */
  versions(id: string, principal: Principal): Promise<string[]>;
  /** A version (`undefined`: the latest). */
  version(id: string, version: string | undefined, principal: Principal): Promise<ServedVersion>;
  /** Whether the version can answer now (its runtime loads). */
  ready(v: ServedVersion, principal: Principal): Promise<boolean>;
  /** Output batches, row-aligned with the input (several when the predict path batched it). */
  predict(v: ServedVersion, batch: RecordBatch, principal: Principal, signal: AbortSignal): Promise<RecordBatch[]>;
}

export interface OipServerInfo {
  name: string;
  version: string;
  /** Is the platform ready to serve (its model registry open)? */
  ready(): boolean;
}

/**
 * The platform's models over the Open Inference Protocol v2, at the standard paths, so KServe's,
 * Triton's and MLServer's clients can call them. Registered in a scope of their own whose errors
 * have the spec's shape (`{"error": "..."}`, with the house fields beside it).
 */
export function oipRoutes(app: FastifyInstance, models: ServedModels, server: OipServerInfo): void {
  void app.register(async (scope) => {
    scope.setErrorHandler((err, req, reply) => {
      const ge = toGenesisError(err);
      if (ge.status >= 500) req.log.error({ err }, 'OIP request failed');
      const body: OipError = {
        error: ge.message,
        code: ge.code,
        ...(ge.issues ? { issues: ge.issues } : {}),
        ...(ge.suggestions ? { suggestions: ge.suggestions } : {})
      };
      void reply.code(ge.status).type('application/json').send(body);
    });

    // OIP bodies are JSON whatever the client says: tritonclient sends no Content-Type at all.
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    });

    addRoute(scope, routes.oipServerLive, () => ({ live: true }));
    addRoute(scope, routes.oipServerReady, ({ reply }) => {
      const ready = server.ready();
      if (!ready) reply.code(503);
      return reply.send({ ready });
    });
    addRoute(scope, routes.oipServerMetadata, () => ({
      name: server.name,
      version: server.version,
      extensions: []
    }));

    const metadata = async (
      name: string,
      version: string | undefined,
      principal: Principal
    ): Promise<OipModelMetadata> => {
      const id = recordIdOfOipName(name);
      const v = await models.version(id, version, principal);
      const tensors = (fields: readonly TensorField[]) =>
        tensorGroups(fields).map((g) => ({ name: g.tensor, datatype: g.datatype, shape: groupMetadataShape(g) }));
      return {
        name: oipModelName(v.id),
        versions: await models.versions(id, principal),
        platform: `genesis-lab/${v.runtime}`,
        inputs: tensors(v.signature.inputs),
        outputs: tensors(v.signature.outputs),
        parameters: { version: v.version }
      };
    };
    addRoute(scope, routes.oipModelMetadata, ({ params, principal }) => metadata(params.name, undefined, principal));
    addRoute(scope, routes.oipModelVersionMetadata, ({ params, principal }) =>
      metadata(params.name, params.version, principal)
    );

    const ready = async (name: string, version: string | undefined, principal: Principal, reply: FastifyReply) => {
      const v = await models.version(recordIdOfOipName(name), version, principal);
      const ok = await models.ready(v, principal).catch(() => false);
      if (!ok) reply.code(503);
      return { name: oipModelName(v.id), ready: ok };
    };
    addRoute(scope, routes.oipModelReady, async ({ params, principal, reply }) =>
      reply.send(await ready(params.name, undefined, principal, reply))
    );
    addRoute(scope, routes.oipModelVersionReady, async ({ params, principal, reply }) =>
      reply.send(await ready(params.name, params.version, principal, reply))
    );

    const infer = async (
      name: string,
      version: string | undefined,
      body: OipInferRequest,
      principal: Principal,
      signal: AbortSignal
    ): Promise<OipInferResponse> => {
      const v = await models.version(recordIdOfOipName(name), version, principal);
      const inGroups = tensorGroups(v.signature.inputs);
      const outGroups = tensorGroups(v.signature.outputs);
      const wanted = body.outputs?.map((o) => o.name);
      const unknown = wanted?.filter((w) => !outGroups.some((g) => g.tensor === w)) ?? [];
      if (unknown.length)
        throw new GenesisError('validation_failed', `Model ${oipModelName(v.id)} has no output "${unknown[0]}"`, {
          suggestions: outGroups.map((g) => g.tensor)
        });
      const batch = batchOfTensors(body.inputs, inGroups, v.signature.inputs, 'input');
      const out = await models.predict(v, batch, principal, signal);
      const groups = wanted ? outGroups.filter((g) => wanted.includes(g.tensor)) : outGroups;
      // One tensor per output group over every output batch: rows add up, data concatenates (row-major).
      const parts = out.map((b) => tensorsOfBatch(b, groups));
      const outputs = groups.map((g, i) => {
        const data: unknown[] = [];
        let rows = 0;
        for (const p of parts) {
          for (const x of p[i]!.data) data.push(x);
          rows += p[i]!.shape[0]!;
        }
        return { name: g.tensor, datatype: g.datatype, shape: [rows, g.columns.length], data };
      });
      return {
        model_name: oipModelName(v.id),
        model_version: v.version,
        ...(body.id !== undefined ? { id: body.id } : {}),
        outputs
      };
    };
    // A client that goes away before the answer cancels the predict (the response closes unfinished).
    const abortOnClose = (reply: FastifyReply) => {
      const ac = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) ac.abort(new GenesisError('unavailable', 'The client went away'));
      });
      return ac.signal;
    };
    addRoute(scope, routes.oipInfer, ({ params, body, principal, reply }) =>
      infer(params.name, undefined, body, principal, abortOnClose(reply))
    );
    addRoute(scope, routes.oipVersionInfer, ({ params, body, principal, reply }) =>
      infer(params.name, params.version, body, principal, abortOnClose(reply))
    );
  });
}
