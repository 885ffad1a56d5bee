import { Subscriptions, type SubscribeMessage } from '@genesis-lab/client/core';
import {
  SOCKET_PATH,
  type ClientToServerEvents,
  type LogStream,
  type ServerToClientEvents,
  type SubscribeAck,
  type SubscribeJobs
} from '@genesis-lab/contract';
import { io, type Socket } from 'socket.io-client';
import type { Connection } from './connection';

export type JobsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The socket.io channel of one Node client: connected lazily, reconnecting by itself
 * (socket.io's own backoff, and after a platform's own disconnect on a restart), and
 * subscribing again after every reconnect with the core's
 * policy (`Subscriptions`): each jobs filter once, each log from its reader's offset.
 * `onResubscribed` runs after the platform acknowledged them, so readers can catch up over HTTP.
 */
export class LiveSocket {
  readonly socket: JobsSocket;
  private readonly subs = new Subscriptions();
  private readonly resubscribed = new Set<(at: string | undefined) => void>();

  constructor(conn: Connection) {
    this.socket = io(conn.url, { path: SOCKET_PATH, auth: { token: conn.token }, transports: ['websocket'] });
    let connectedBefore = false;
    this.socket.on('connect', () => {
      if (connectedBefore) this.resubscribe();
      connectedBefore = true;
    });
    // A platform that stops (a restart) closes its sockets itself; socket.io-client does not
    // reconnect after such a server-side disconnect unless asked, and a restarted platform
    // (same address and token) should find its clients back.
    this.socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') this.socket.connect();
    });
  }

  /** After a reconnect: the subscriptions again, then (once all are acknowledged) the catch-ups. */
  private resubscribe(): void {
    // Catch up only once the platform holds every subscription again: nothing falls between.
    const messages = this.subs.resubscribe();
    let pending = messages.length;
    // The latest acknowledgement's time: from then on every subscription stands.
    let at: string | undefined;
    const caughtUp = () => {
      for (const f of this.resubscribed) f(at);
    };
    if (pending === 0) caughtUp();
    for (const m of messages)
      this.emit(m, (r) => {
        if (r.at && (!at || r.at > at)) at = r.at;
        if (--pending === 0) caughtUp();
      });
  }

  /** Subscribe to job updates (counted per filter); `ack` gets the platform's answer. */
  watchJobs(filter: SubscribeJobs, ack: (r: SubscribeAck) => void): () => void {
    if (this.subs.addJobs(filter)) this.emit({ event: 'jobs:subscribe', payload: filter }, ack);
    else ack({ ok: true });
    return () => {
      if (this.subs.removeJobs(filter)) this.socket.emit('jobs:unsubscribe', filter);
    };
  }

  /** Follow a log from `offset()` (asked again at every resubscribe). */
  followLog(jobId: string, stream: LogStream, offset: () => number, ack: (r: SubscribeAck) => void): () => void {
    this.emit(this.subs.addLog(jobId, stream, offset), ack);
    return () => {
      this.subs.removeLog(jobId, stream);
      this.socket.emit('logs:unsubscribe', { jobId, stream });
    };
  }

  /**
   * Run `f` after each reconnect's subscriptions were acknowledged (catch up over HTTP), with
   * the platform's time of the last acknowledgement (undefined from a platform that sends none).
   */
  onResubscribed(f: (at: string | undefined) => void): () => void {
    this.resubscribed.add(f);
    return () => this.resubscribed.delete(f);
  }

  close(): void {
    this.socket.close();
  }

  private emit(m: SubscribeMessage, ack: (r: SubscribeAck) => void): void {
    if (m.event === 'jobs:subscribe') this.socket.emit('jobs:subscribe', m.payload, ack);
    else this.socket.emit('logs:subscribe', m.payload, ack);
  }
}
