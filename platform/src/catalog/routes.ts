import * as fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { ARROW_FILE_MEDIA_TYPE, parseRef, routes } from '@genesis-lab/contract';
import { addRoute } from '../http/route';
import { arrowFileName, toCroissant } from './croissant';
import type { CatalogService } from './service';

/** `{ns}/{name}` from the path, validated as a ref so a bad id is a 400 naming what is wrong. */
function idOf(params: { ns: string; name: string }): string {
  return parseRef(`${params.ns}/${params.name}`).id;
}

export function catalogRoutes(app: FastifyInstance, catalog: CatalogService): void {
  addRoute(app, routes.search, ({ query, principal }) => catalog.search(query, principal));
  addRoute(app, routes.record, ({ params, principal }) => catalog.getCatalogRecord(idOf(params), principal));
  addRoute(app, routes.croissant, ({ params, principal, req, reply }) => {
    const record = catalog.getRecord(idOf(params), principal);
    const base = `${req.protocol}://${req.host}`;
    void reply.type('application/ld+json; charset=utf-8').send(toCroissant(record, base));
  });
  addRoute(app, routes.versions, ({ params, principal }) => catalog.versions(idOf(params), principal));
  // The content-addressed object itself: what Croissant's FileObject sha256 describes. Data, so
  // it needs data clearance (resolve() answers 403 for controlled records otherwise).
  addRoute(app, routes.object, ({ params, principal, reply }) => {
    const ref = parseRef(`${params.ns}/${params.name}@${params.version}`);
    const r = catalog.resolve(ref.id, ref.version ?? 'latest', principal);
    void reply
      .type(ARROW_FILE_MEDIA_TYPE)
      .header('content-length', r.version.sizeBytes)
      .header('etag', `"${r.version.sha256}"`)
      .header('content-disposition', `attachment; filename="${arrowFileName(ref.id, r.version.version)}"`)
      .send(fs.createReadStream(r.objectPath));
  });
  addRoute(app, routes.version, ({ params, principal }) => {
    const ref = parseRef(`${params.ns}/${params.name}@${params.version}`);
    return catalog.getVersion(ref.id, ref.version ?? 'latest', principal);
  });
}
