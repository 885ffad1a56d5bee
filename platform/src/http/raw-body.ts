import type { FastifyInstance } from 'fastify';

/**
 * Let routes read request bodies of `mediaType` as the raw stream (spooled or decoded by the
 * handler, never buffered here). Several modules read the same type (publishing and predict both
 * stream Arrow): the first to ask registers the one parser, later asks find it there.
 */
export function acceptRawBody(app: FastifyInstance, mediaType: string, options: { bodyLimit?: number } = {}): void {
  if (app.hasContentTypeParser(mediaType)) return;
  app.addContentTypeParser(mediaType, options, (_req, payload, done) => done(null, payload));
}
