import type { Readable } from 'node:stream';
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
import { arrowStream } from './encode/arrow-stream';
import { encode, negotiateEncoding } from './encode/compression';
import { parquetStream } from './encode/parquet';
import { csvChunks, jsonChunks, textStream } from './encode/text';
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

function body(format: Format, prepared: PreparedQuery, query: DataQuery): Readable {
  const rows = scan(prepared.plan);
  switch (format) {
    case 'arrow':
      return arrowStream(prepared.schema, rows);
    case 'csv':
      return textStream(csvChunks(prepared.schema, rows));
    case 'json':
      return textStream(jsonChunks(prepared.schema, rows, query.int64));
    case 'parquet':
      return parquetStream(prepared.schema, rows);
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
  const prepared = await prepareQuery(catalog, input.params, input.query, input.principal, stats);
  const { record, version } = prepared.resolved;
  const ref = formatRef({ id: record.id, version: version.version });
  let stream = body(format, prepared, input.query);
  void reply
    .code(200)
    .type(MEDIA[format])
    .header(REF_HEADER, ref)
    .header(SHA256_HEADER, version.sha256)
    .header('vary', 'accept-encoding')
    .header('cache-control', 'private, no-transform');
  if (format === 'csv' || format === 'parquet') {
    const file = `${record.id.replace('/', '_')}-${version.version}.${format}`;
    void reply.header('content-disposition', `attachment; filename="${file}"`);
  }
  const encoding = negotiateEncoding(req.headers['accept-encoding']);
  if (encoding) {
    // Set here so the global compression hook (which skips Arrow and Parquet media types) leaves it alone.
    void reply.header('content-encoding', encoding);
    stream = encode(stream, encoding);
  }
  void reply.send(stream);
  return undefined;
}

/** The data routes: one pipeline (resolve, project, filter, window, scan) behind four formats. */
export function dataRoutes(app: FastifyInstance, catalog: CatalogService, stats: DataStats): void {
  addRoute(app, routes.arrow, (input) => serve('arrow', catalog, stats, input));
  addRoute(app, routes.csv, (input) => serve('csv', catalog, stats, input));
  addRoute(app, routes.json, (input) => serve('json', catalog, stats, input));
  addRoute(app, routes.parquet, (input) => serve('parquet', catalog, stats, input));
}
