import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ARROW_STREAM_MEDIA_TYPE,
  CSV_MEDIA_TYPE,
  PARQUET_MEDIA_TYPE,
  formatRef,
  routes,
  type DataQuery,
  type Principal
} from '@genesis-lab/contract';
import type { CatalogService } from '../catalog/service';
import { addRoute } from '../http/route';
import { arrowStreamPieces } from './encode/arrow-stream';
import { negotiateEncoding } from './encode/compression';
import { parquetPieces } from './encode/parquet';
import type { Piece } from './encode/piece';
import { pump } from './encode/pump';
import { csvPieces, jsonPieces } from './encode/text';
import { prepareQuery, type PreparedQuery } from './query';
import { scan } from './scan';
import type { DataStats } from './stats';

/** Response headers naming exactly what was read (the text formats have no schema metadata). */
export const REF_HEADER = 'genesis-ref';
export const SHA256_HEADER = 'genesis-sha256';

type Format = 'arrow' | 'csv' | 'json' | 'parquet';

const MEDIA: Record<Format, string> = {
  arrow: ARROW_STREAM_MEDIA_TYPE,
  csv: `${CSV_MEDIA_TYPE}; charset=utf-8; header=present`,
  json: 'application/json; charset=utf-8',
  parquet: PARQUET_MEDIA_TYPE
};

function pieces(format: Format, prepared: PreparedQuery, query: DataQuery): AsyncIterable<Piece> {
  const rows = scan(prepared.plan);
  switch (format) {
    case 'arrow':
      return arrowStreamPieces(prepared.schema, rows);
    case 'csv':
      return csvPieces(prepared.schema, rows);
    case 'json':
      return jsonPieces(prepared.schema, rows, query.int64);
    case 'parquet':
      return parquetPieces(prepared.schema, rows);
  }
}

async function serve(
  format: Format,
  catalog: CatalogService,
  stats: DataStats,
  input: {
    params: { ns: string; name: string; version: string };
    query: DataQuery;
    principal: Principal;
    req: FastifyRequest;
    reply: FastifyReply;
  }
): Promise<undefined> {
  const { req, reply } = input;
  // Every 4xx (access, ref, columns, filter types) is decided here, before anything is sent.
  const prepared = await prepareQuery(catalog, input.params, input.query, input.principal, stats);
  const { record, version } = prepared.resolved;
  const headers: Record<string, string | number | string[]> = {
    ...(reply.getHeaders() as Record<string, string | number | string[]>),
    'content-type': MEDIA[format],
    [REF_HEADER]: formatRef({ id: record.id, version: version.version }),
    [SHA256_HEADER]: version.sha256,
    vary: 'accept-encoding',
    'cache-control': 'private, no-transform'
  };
  if (format === 'csv' || format === 'parquet')
    headers['content-disposition'] =
      `attachment; filename="${record.id.replace('/', '_')}-${version.version}.${format}"`;
  const encoding = negotiateEncoding(req.headers['accept-encoding']);
  if (encoding) headers['content-encoding'] = encoding;
  // The stream is written by hand (not reply.send) to know when each batch's bytes are out:
  // that returns its memory to the pool and keeps reading in step with the client.
  reply.hijack();
  try {
    await pump(
      reply.raw,
      headers,
      pieces(format, prepared, input.query),
      encoding,
      (err) => req.log.error({ err }, 'data stream failed after the response started'),
      stats
    );
  } finally {
    // The scan closes its file when it ends; a client gone before the first batch never started it.
    await prepared.plan.reader.close();
  }
  return undefined;
}

/** The data routes: one pipeline (resolve, project, filter, window, scan) behind four formats. */
export function dataRoutes(app: FastifyInstance, catalog: CatalogService, stats: DataStats): void {
  addRoute(app, routes.arrow, (input) => serve('arrow', catalog, stats, input));
  addRoute(app, routes.csv, (input) => serve('csv', catalog, stats, input));
  addRoute(app, routes.json, (input) => serve('json', catalog, stats, input));
  addRoute(app, routes.parquet, (input) => serve('parquet', catalog, stats, input));
}
