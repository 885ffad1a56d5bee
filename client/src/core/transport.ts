import type { GenesisError } from '@genesis-lab/contract';
import type { WireRequest } from './request';

/** A response as a transport hands it over; `B` is its streamed body (a Node byte source, a fetch Response). */
export interface WireResponse<B> {
  readonly status: number;
  header(name: string): string | undefined;
  /** The whole (small) body as text; more than `limit` bytes is an error. */
  text(limit?: number): Promise<string>;
  /** The body as the transport streams it (read it, or `text()`, not both). */
  readonly body: B;
  /** Stop receiving (the platform then stops sending). */
  cancel(): void;
}

export interface SendOptions {
  signal?: AbortSignal;
  /** The body will be streamed (a data route), not read as JSON. */
  stream?: boolean;
  /** `Accept-Encoding` to ask for, where the transport lets the caller choose (Node does). */
  acceptEncoding?: string;
}

/**
 * What a client needs from its environment: one function that sends a wire request. The Node
 * transport (discovery, token, zero-copy reads) and the browser's (through Jupyter's proxy, or a
 * platform URL) supply only this; requests, error mapping and validation are the core's.
 */
export interface Transport<B> {
  send(request: WireRequest, options: SendOptions): Promise<WireResponse<B>>;
  /**
   * An error status this transport can explain better than its body (a proxy's own answers):
   * asked first; undefined leaves it to the platform's error body, or the core's plain words.
   */
  failure?(response: WireResponse<B>, text: string, request: WireRequest): GenesisError | undefined;
  /** Who answered, for the plain words: "The platform at http://127.0.0.1:8787". */
  describe?(request: WireRequest): string;
}
