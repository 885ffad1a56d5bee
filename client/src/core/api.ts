import { routes, type RouteName } from '@genesis-lab/contract';
import type { z } from 'zod';
import { contractMismatch, httpError, platformError } from './errors';
import { buildRequest, type WireRequest } from './request';
import type { CallArgs, JsonRouteName, RouteInput, RouteOutput } from './route-types';
import type { SendOptions, Transport, WireResponse } from './transport';

/** Error bodies are small; a large one is a proxy's page, of which the start says enough. */
const ERROR_TEXT_LIMIT = 1 << 20;

/**
 * Every route of the contract, on any transport: `call('search', { query: { q: 'co2' } })`
 * builds the wire request, sends it, turns an error status into the platform's GenesisError,
 * and validates the answer with the route's schema. Streams (`open`) come back as the
 * transport's body once the status is known to be a success.
 */
export class GenesisApi<B> {
  constructor(readonly transport: Transport<B>) {}

  /** The validated answer of a JSON route. */
  async call<N extends JsonRouteName>(name: N, ...args: CallArgs<N, SendOptions>): Promise<RouteOutput<N>> {
    return (await this.send(name, ...args)).value;
  }

  /** The answer with its status (a submit tells a created job, 201, from an existing one, 200). */
  async send<N extends JsonRouteName>(
    name: N,
    ...args: CallArgs<N, SendOptions>
  ): Promise<{ status: number; value: RouteOutput<N> }> {
    const [input, options] = args as unknown as [RouteInput<N> | undefined, SendOptions | undefined];
    const request = buildRequest(name, input);
    const response = await this.checked(request, options ?? {});
    const text = await response.text();
    return { status: response.status, value: parseAnswer(name, text) as RouteOutput<N> };
  }

  /** A route whose body is streamed (Arrow, CSV, JSON-LD): the response once its status is a success. */
  async open<N extends RouteName>(name: N, ...args: CallArgs<N, SendOptions>): Promise<WireResponse<B>> {
    const [input, options] = args as unknown as [RouteInput<N> | undefined, SendOptions | undefined];
    return this.checked(buildRequest(name, input), { ...options, stream: true });
  }

  /** Send, and raise the platform's error (or the transport's description) for an error status. */
  async checked(request: WireRequest, options: SendOptions): Promise<WireResponse<B>> {
    const response = await this.transport.send(request, options);
    if (response.status < 400) return response;
    const text = await response.text(ERROR_TEXT_LIMIT).catch(() => '');
    throw (
      this.transport.failure?.(response, text, request) ??
      platformError(text) ??
      httpError(
        response.status,
        text,
        this.transport.describe?.(request) ?? `The platform (${request.method} ${request.path})`
      )
    );
  }
}

/** A JSON answer validated with its route's schema. */
export function parseAnswer<N extends JsonRouteName>(name: N, text: string): RouteOutput<N> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw contractMismatch(`answer to ${name}`, 'it is not JSON');
  }
  const schema = routes[name].response as z.ZodType;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw contractMismatch(`answer to ${name}`, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as RouteOutput<N>;
}
