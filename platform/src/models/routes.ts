import * as fs from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import {
  ARROW_STREAM_MEDIA_TYPE,
  GenesisError,
  JSON_LD_MEDIA_TYPE,
  MARKDOWN_MEDIA_TYPE,
  MODEL_RUNTIME_HEADER,
  MODEL_SHA256_HEADER,
  MODEL_VERSION_HEADER,
  ONNX_MEDIA_TYPE,
  parseRef,
  routes
} from '@genesis-lab/contract';
import { acceptRawBody } from '../http/raw-body';
import { addRoute } from '../http/route';
import { cardJsonLd, cardReadme } from './card-export';
import type { ModelService } from './service';

/** Largest weights upload the platform stages (small science models; foundation models are remote, `oip`). */
const MAX_WEIGHTS_BYTES = 2 * 1024 ** 3;

function idOf(params: { ns: string; name: string }): string {
  return parseRef(`${params.ns}/${params.name}`).id;
}

function refOf(params: { ns: string; name: string; version: string }): { id: string; version: string } {
  const ref = parseRef(`${params.ns}/${params.name}@${params.version}`);
  return { id: ref.id, version: ref.version ?? 'latest' };
}

export function modelRoutes(app: FastifyInstance, models: ModelService): void {
  const registry = models.registry;
  // Raw bodies: the handlers stream them (weights to disk, Arrow batches through the model).
  acceptRawBody(app, ONNX_MEDIA_TYPE, { bodyLimit: MAX_WEIGHTS_BYTES });
  acceptRawBody(app, ARROW_STREAM_MEDIA_TYPE, { bodyLimit: MAX_WEIGHTS_BYTES });

  addRoute(app, routes.listModels, ({ principal }) => ({ models: registry.list(principal) }));
  addRoute(app, routes.model, ({ params, principal }) => registry.get(idOf(params), principal));
  addRoute(app, routes.modelVersions, ({ params, principal }) => registry.versions(idOf(params), principal));
  addRoute(app, routes.modelVersion, ({ params, principal }) => {
    const r = refOf(params);
    return registry.getVersion(r.id, r.version, principal);
  });
  addRoute(app, routes.modelWeights, ({ params, principal, reply }) => {
    const r = refOf(params);
    const m = registry.resolve(r.id, r.version, principal);
    void reply
      .type(ONNX_MEDIA_TYPE)
      .header('content-length', m.version.sizeBytes)
      .header('etag', `"${m.version.sha256}"`)
      .header(
        'content-disposition',
        `attachment; filename="${m.record.id.replace('/', '_')}-${m.version.version}.onnx"`
      )
      .send(fs.createReadStream(m.weightsPath));
  });
  addRoute(app, routes.modelCardJsonLd, ({ params, principal, req, reply }) => {
    const r = refOf(params);
    const record = registry.get(r.id, principal);
    const version = registry.getVersion(r.id, r.version, principal);
    void reply
      .type(`${JSON_LD_MEDIA_TYPE}; charset=utf-8`)
      .send(cardJsonLd(record, version, `${req.protocol}://${req.host}`));
  });
  addRoute(app, routes.modelCardReadme, ({ params, principal, reply }) => {
    const r = refOf(params);
    const record = registry.get(r.id, principal);
    const version = registry.getVersion(r.id, r.version, principal);
    void reply.type(`${MARKDOWN_MEDIA_TYPE}; charset=utf-8`).send(cardReadme(record, version));
  });
  addRoute(app, routes.uploadModelWeights, async ({ req }) => {
    if (!req.body || typeof (req.body as Readable).pipe !== 'function')
      throw new GenesisError('unsupported_media_type', `Send the weights file as ${ONNX_MEDIA_TYPE}`);
    return registry.stage(req.body as Readable);
  });
  addRoute(app, routes.publishModelVersion, async ({ params, body, principal }) => {
    return (await registry.publish(idOf(params), body, principal)).version;
  });
  addRoute(app, routes.predict, async ({ params, query, principal, req, reply }) => {
    if (!req.body || typeof (req.body as Readable).pipe !== 'function')
      throw new GenesisError('unsupported_media_type', `Send the input table as ${ARROW_STREAM_MEDIA_TYPE}`);
    const r = refOf(params);
    const abort = new AbortController();
    // A client that goes away cancels the prediction (the runtime stops its run).
    // (The request's own 'close' fires once its body is read, so watch the response.)
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abort.abort(new GenesisError('unavailable', 'The client went away'));
    });
    // Arrow's reader ends the source it reads, and ending the request would close the socket the
    // answer goes out on: the pipeline reads a pass-through copy instead.
    const body = (req.body as Readable).pipe(new PassThrough());
    const length = Number(req.headers['content-length']);
    const { resolved, bytes } = await models.predictIpc(r.id, r.version, principal, body, {
      ...(Number.isSafeInteger(length) ? { bodyBytes: length } : {}),
      ...(query.batchRows ? { batchRows: query.batchRows } : {}),
      passthrough: query.passthrough
        ? query.passthrough
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
      signal: abort.signal
    });
    // Every 4xx about the input (signature, empty table, not Arrow) is decided before the first byte of the answer.
    const first = await bytes.next();
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': ARROW_STREAM_MEDIA_TYPE,
      [MODEL_VERSION_HEADER]: resolved.version.version,
      [MODEL_SHA256_HEADER]: resolved.version.sha256,
      [MODEL_RUNTIME_HEADER]: resolved.version.runtime.kind,
      'cache-control': 'no-store'
    });
    reply.hijack();
    // Piped to the socket, so a slow client holds back the model (backpressure).
    const rest = (async function* () {
      if (!first.done) yield first.value;
      yield* bytes;
    })();
    try {
      await pipeline(Readable.from(rest, { objectMode: false }), reply.raw);
    } catch (err) {
      // After the status line an error can only end the stream early; the client sees a truncated IPC stream.
      req.log.error({ err }, 'predict stream failed after the response started');
      reply.raw.destroy(err as Error);
    }
    return undefined;
  });
}
