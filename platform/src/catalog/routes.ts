import type { FastifyInstance } from 'fastify';
import { parseRef, routes } from '@genesis-lab/contract';
import { addRoute } from '../http/route';
import { toCroissant } from './croissant';
import type { SqliteCatalog } from './sqlite-catalog';

/** `{ns}/{name}` from the path, validated as a ref so a bad id is a 400 naming what is wrong. */
function idOf(params: { ns: string; name: string }): string {
  return parseRef(`${params.ns}/${params.name}`).id;
}

export function catalogRoutes(app: FastifyInstance, catalog: SqliteCatalog): void {
  addRoute(app, routes.search, ({ query, principal }) => catalog.search(query, principal));
  addRoute(app, routes.record, ({ params, principal }) => catalog.getRecord(idOf(params), principal));
  addRoute(app, routes.croissant, ({ params, principal, req, reply }) => {
    const record = catalog.getRecord(idOf(params), principal);
    const base = `${req.protocol}://${req.host}`;
    void reply.type('application/ld+json; charset=utf-8').send(toCroissant(record, base));
  });
  addRoute(app, routes.versions, ({ params, principal }) => catalog.versions(idOf(params), principal));
  addRoute(app, routes.version, ({ params, principal }) => {
    const ref = parseRef(`${params.ns}/${params.name}@${params.version}`);
    return catalog.getVersion(ref.id, ref.version ?? 'latest', principal);
  });
}
