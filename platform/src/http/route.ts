import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseOrThrow, type Principal, type RouteDef } from '@genesis-lab/contract';
import type { z } from 'zod';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<R extends RouteDef> {
  params: Out<R['params']>;
  query: Out<R['query']>;
  body: Out<R['body']>;
  principal: Principal;
  req: FastifyRequest;
  reply: FastifyReply;
}

/**
 * Register a route from the contract's table: params, query and body are validated with the
 * contract's schemas (errors name the JSON path), and a JSON result is sent with the route's status.
 * A handler that writes its own response (streams) returns `undefined` after `reply.send(...)`.
 */
export function addRoute<R extends RouteDef>(
  app: FastifyInstance,
  def: R,
  handler: (input: RouteInput<R>) => Promise<unknown> | unknown
): void {
  app.route({
    method: def.method,
    url: def.path.replace(/\{(\w+)\}/g, ':$1'),
    // What the error handler and authentication need to know of the route (its body types: a 415 names them).
    config: { public: def.public === true, consumes: def.body ? ['application/json'] : (def.consumes ?? []) },
    handler: async (req, reply) => {
      const params = def.params ? parseOrThrow(def.params, req.params, 'params') : undefined;
      const query = def.query ? parseOrThrow(def.query, req.query, 'query') : undefined;
      const body = def.body ? parseOrThrow(def.body, req.body ?? {}, 'body') : undefined;
      const result = await handler({ params, query, body, principal: req.principal, req, reply } as RouteInput<R>);
      if (reply.sent) return reply;
      if (result === undefined) return reply;
      reply.code(def.status ?? 200);
      return result;
    }
  });
}
