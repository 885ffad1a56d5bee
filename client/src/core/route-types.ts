import type { RouteName, routes } from '@genesis-lab/contract';
import type { z } from 'zod';

/**
 * The types of every call, derived from the contract's route table: a route added there is
 * callable at once, with its params, query, body and answer typed from its zod schemas.
 */
type Def<N extends RouteName> = (typeof routes)[N];
type Input<D, K extends string> = D extends { readonly [P in K]: infer S }
  ? S extends z.ZodType
    ? z.input<S>
    : never
  : never;

/** What a call of route `N` sends: path params (required when the route has any), query, body, headers, raw content. */
export type RouteInput<N extends RouteName> = (Def<N> extends { readonly params: z.ZodType }
  ? { params: Input<Def<N>, 'params'> }
  : { params?: undefined }) &
  (Def<N> extends { readonly query: z.ZodType } ? { query?: Input<Def<N>, 'query'> } : { query?: undefined }) &
  (Def<N> extends { readonly body: z.ZodType } ? { body: Input<Def<N>, 'body'> } : { body?: undefined }) &
  (Def<N> extends { readonly headers: z.ZodType } ? { headers?: Input<Def<N>, 'headers'> } : { headers?: undefined }) &
  (Def<N> extends { readonly consumes: readonly string[] } ? { content?: RawContent } : { content?: undefined });

/**
 * The body of a route that reads bytes, not JSON (a table to publish, a crate, a predict's
 * input): its media type and either all its bytes or a stream of them, produced as the
 * transport sends (Node: chunked, with backpressure; the browser: what fetch can send).
 */
export type RawContent = { type: string; bytes: Uint8Array } | { type: string; stream: ByteStream };

/** Bytes produced on demand: an async generator, a Node Readable, a web ReadableStream (all async-iterable). */
export type ByteStream = AsyncIterable<Uint8Array>;

/** The validated JSON answer of route `N` (`unknown` for routes that answer another media type). */
export type RouteOutput<N extends RouteName> =
  Def<N> extends { readonly response: infer S } ? (S extends z.ZodType ? z.output<S> : unknown) : unknown;

/** Routes whose answer is JSON described by the contract. */
export type JsonRouteName = {
  [N in RouteName]: Def<N> extends { readonly response: z.ZodType } ? N : never;
}[RouteName];

/** A call's arguments after the route name: `[input?, options?]`, the input required when a part of it is. */
export type CallArgs<N extends RouteName, O> =
  object extends RouteInput<N> ? [input?: RouteInput<N>, options?: O] : [input: RouteInput<N>, options?: O];
