import {
  CatalogChanged,
  ErrorBody,
  JobUpdate,
  LogChunk,
  type ClientToServerEvents,
  type ServerToClientEvents
} from '@genesis-lab/contract';
import { io, type Socket } from 'socket.io-client';
import type { IEndpoint } from './endpoint';

export type GenesisSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ISocketHandlers {
  connect(): void;
  disconnect(reason: string): void;
  connectError(message: string, refused?: string): void;
  jobUpdate(u: JobUpdate): void;
  logChunk(c: LogChunk): void;
  catalogChanged(c: CatalogChanged): void;
}

/**
 * Open the socket.io connection (socket.io-client and the event schemas are loaded with this
 * module, lazily). Every pushed event is validated with the contract before it is handed on;
 * one that does not match is dropped with a console warning that says why.
 */
export function openSocket(endpoint: IEndpoint, h: ISocketHandlers): GenesisSocket {
  const s: GenesisSocket = io(endpoint.socketOrigin, {
    path: endpoint.socketPath,
    auth: endpoint.socketAuth,
    query: endpoint.socketQuery,
    // WebSocket only: long-polling would need sticky sessions and XSRF handling through the proxy.
    transports: ['websocket'],
    // The client reconnects when the platform is known to answer (see LiveChannel), instead of
    // hammering a dead platform and filling the console with failed handshakes.
    reconnection: false,
    timeout: 10000
  });
  s.on('connect', () => h.connect());
  s.on('disconnect', (reason) => h.disconnect(reason));
  s.on('connect_error', (err: Error & { data?: unknown }) => {
    const body = ErrorBody.safeParse(err.data);
    h.connectError(err.message, body.success ? body.data.error.message : undefined);
  });
  s.on('job:update', (u) => {
    const parsed = JobUpdate.safeParse(u);
    if (parsed.success) h.jobUpdate(parsed.data);
    else console.warn('Genesis: ignored a job:update event that does not match the contract', parsed.error.issues);
  });
  s.on('job:log', (c) => {
    const parsed = LogChunk.safeParse(c);
    if (parsed.success) h.logChunk(parsed.data);
    else console.warn('Genesis: ignored a job:log event that does not match the contract', parsed.error.issues);
  });
  s.on('catalog:changed', (c) => {
    const parsed = CatalogChanged.safeParse(c);
    if (parsed.success) h.catalogChanged(parsed.data);
  });
  s.on('genesis:error', (e) => console.warn(`Genesis platform reported: ${e.code}: ${e.message}`));
  return s;
}
