import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GenesisError } from '@genesis-lab/contract';

/** The longest path segment (an id, a version, a hash) the router accepts; longer ones are 414. */
export const MAX_PARAM_LENGTH = 500;

/**
 * Map anything thrown in a handler to the one error shape. `consumes`: the body types the route
 * reads, so a body of another type is answered with what to send instead.
 */
export function toGenesisError(err: unknown, consumes: readonly string[] = ['application/json']): GenesisError {
  if (err instanceof GenesisError) return err;
  const fe = err as Partial<FastifyError> & { status?: number };
  const status = fe.statusCode ?? fe.status;
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new GenesisError(
      'unsupported_media_type',
      consumes.length
        ? `This request's body must be ${consumes.join(' or ')}`
        : 'This request takes no body (send none, or text/plain)'
    );
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new GenesisError('payload_too_large', 'Request body is too large');
  if (fe.code === 'FST_ERR_BAD_URL')
    return new GenesisError(
      'bad_request',
      'The URL path is not valid: a segment has a malformed percent-escape or bytes that are not UTF-8 ' +
        '(an overlong sequence or a lone surrogate)'
    );
  if (fe.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return new GenesisError('bad_request', `A URL path segment is longer than ${MAX_PARAM_LENGTH} characters`, {
      status: 414
    });
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new GenesisError('bad_request', 'The JSON body is empty');
  if (err instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new GenesisError('bad_request', `The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (status && status >= 400 && status < 500)
    return new GenesisError('bad_request', fe.message ?? 'Bad request', { status });
  return new GenesisError('internal', 'Internal error in the platform; see its log', { status: 500 });
}

export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const cfg = req.routeOptions?.config as { consumes?: readonly string[] } | undefined;
  const ge = toGenesisError(err, cfg?.consumes);
  if (ge.status >= 500) req.log.error({ err }, 'request failed');
  if (reply.sent || reply.raw.headersSent) {
    // A stream already started: all we can do is cut it so the client sees a truncated body.
    reply.raw.destroy(err instanceof Error ? err : undefined);
    return;
  }
  void reply.code(ge.status).type('application/json').send(ge.toBody(req.id));
}
