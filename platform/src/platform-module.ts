import type { FastifyInstance } from 'fastify';
import type { Server as IoServer } from 'socket.io';
import type { ClientToServerEvents, Principal, ServerToClientEvents } from '@genesis-lab/contract';
import type { Db } from './db/database';
import type { Migration } from './db/migrations';
import type { Home } from './home';
import type { PlatformConfig } from './config';
import type { FastifyBaseLogger } from 'fastify';
import type { PlatformServices } from './services';
import type { AuditLog } from './access/audit-log';
import type { IdentityStore } from './access/identity-store';

/** Per-socket data: who is connected (set by the auth middleware). */
export interface SocketData {
  principal: Principal;
  /** The principal as the socket's token stands now (undefined once revoked or expired). */
  currentPrincipal: () => Principal | undefined;
}
export type Io = IoServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What every module gets: shared I/O owned by the platform process. */
export interface PlatformContext {
  config: PlatformConfig;
  home: Home;
  db: Db;
  log: FastifyBaseLogger;
  version: string;
  startedAt: Date;
  /** Modules publish services here for each other, by typed keys (e.g. the catalog for the data routes). */
  services: PlatformServices;
  /** This platform's own URL and token, set once it listens (a job it starts may call back with them). */
  self?: { url: string; token: string };
  /** Users, tokens, projects (identity) and the hash-chained audit log. */
  access: { identity: IdentityStore; audit: AuditLog };
}

/**
 * A platform feature (catalog, data, jobs, ...): its migrations, its HTTP routes, its socket
 * handlers, and start/stop hooks for background work (pollers, reconcilers).
 */
export interface PlatformModule {
  name: string;
  migrations?: readonly Migration[];
  /** Create services (called before any routes are registered, in module order). */
  init?(ctx: PlatformContext): void | Promise<void>;
  routes?(app: FastifyInstance, ctx: PlatformContext): void;
  socket?(io: Io, ctx: PlatformContext): void;
  start?(ctx: PlatformContext, io: Io): void | Promise<void>;
  stop?(ctx: PlatformContext): void | Promise<void>;
  /** Contribution to /api/health. */
  health?(ctx: PlatformContext): Record<string, unknown>;
}
