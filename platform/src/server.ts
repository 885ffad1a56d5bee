import Fastify, { type FastifyInstance } from 'fastify';
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { Server as IoServer } from 'socket.io';
import {
  GenesisError,
  IDEMPOTENCY_HEADER,
  SOCKET_PATH,
  openApiDocument,
  parseOrThrow,
  type Principal,
  type RouteDef,
  routes,
  type Health
} from '@genesis-lab/contract';
import { PlatformConfig, type PlatformConfigInput } from './config';
import { openDatabase } from './db/database';
import { platformMigrations } from './db/migrations';
import { Home } from './home';
import { HomeLock } from './home-lock';
import { bearerOf, generateToken, rateLimitKey, unauthorized } from './http/auth';
import { accessMigrations } from './access/migrations';
import { AuditLog } from './access/audit-log';
import { IdentityStore } from './access/identity-store';
import { requireRouteScope } from './access/policy';
import { accessRoutes } from './access/routes';
import { clientErrorHandler } from './http/client-errors';
import { errorHandler, MAX_PARAM_LENGTH } from './http/errors';
import { REDACTED, requestSerializer } from './http/log-redaction';
import { addRoute } from './http/route';
import type { Io, PlatformContext, PlatformModule } from './platform-module';
import { PlatformServices } from './services';
import { defaultModules } from './default-modules';
import { removeDiscovery, writeDiscovery } from './discovery-file';
import { PLATFORM_VERSION } from './version';

export interface Platform {
  app: FastifyInstance;
  io: Io;
  ctx: PlatformContext;
  url: string;
  token: string;
  close(): Promise<void>;
}

/**
 * Build and start one platform process: database (migrated), HTTP API, socket.io, every
 * module's background work, then the discovery file (written last, so whoever reads it
 * finds a platform that answers).
 */
export async function startPlatform(
  input: PlatformConfigInput = {},
  modules: readonly PlatformModule[] = defaultModules
): Promise<Platform> {
  const config = parseOrThrow(
    PlatformConfig,
    { ...input, token: input.token ?? (process.env.GENESIS_TOKEN || undefined) },
    'platform config'
  );
  const home = new Home(config.home).ensure();
  const lock = HomeLock.acquire(home);
  try {
    return await startLocked(config, home, lock, modules);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function startLocked(
  config: PlatformConfig,
  home: Home,
  lock: HomeLock,
  modules: readonly PlatformModule[]
): Promise<Platform> {
  const token = config.token ?? generateToken();
  // Only the lock holder may sweep: a temp file in there may belong to a running writer otherwise.
  home.sweepTmp();

  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Tokens never reach the log: no headers, token-like query values and the token itself redacted.
      serializers: { req: requestSerializer([token]) },
      redact: { paths: ['req.headers.authorization', 'headers.authorization', 'auth.token'], censor: REDACTED }
    },
    bodyLimit: config.bodyLimitBytes,
    // Fastify's own timeouts would cut long Arrow streams.
    requestTimeout: 0,
    forceCloseConnections: true,
    genReqId: () => Math.random().toString(36).slice(2, 12),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Router errors (a malformed percent-escape, an over-long segment) answer in the one error shape too.
    frameworkErrors: (err, req, reply) => errorHandler(err, req, reply),
    clientErrorHandler
  });

  const db = openDatabase(home.dbPath, [
    ...platformMigrations,
    ...accessMigrations,
    ...modules.flatMap((m) => m.migrations ?? [])
  ]);
  const audit = AuditLog.open(db, home.auditKeysFile);
  const identity = new IdentityStore(db, audit);
  // The local user's token: the one whose secret lives in the discovery file (or GENESIS_TOKEN).
  identity.ensureLocalUser(config.localUser, config.clearances, token);
  const ctx: PlatformContext = {
    config,
    home,
    db,
    log: app.log,
    version: PLATFORM_VERSION,
    startedAt: new Date(),
    services: new PlatformServices(),
    access: { identity, audit }
  };

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .send({ error: { code: 'not_found', status: 404, message: `No route ${req.method} ${req.url.split('?')[0]}` } });
  });
  app.decorateRequest('principal', null as unknown as Principal);
  if (config.corsOrigins.length) {
    // Registered before authentication: a browser's CORS preflight (OPTIONS) carries no token and
    // must be answered for an allowed origin, or the real request (with its token) never comes.
    // Other origins get no CORS headers and go on to authentication, as any request.
    const allowed = new Set(config.corsOrigins);
    await app.register(cors, {
      origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'accept', IDEMPOTENCY_HEADER],
      maxAge: 600
    });
  }
  if (config.rateLimitPerMinute > 0)
    // Before authentication, so a flood of bad tokens is limited too (by client address).
    await app.register(rateLimit, {
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: rateLimitKey,
      errorResponseBuilder: (_req, ctx) =>
        new GenesisError('rate_limited', `Too many requests: at most ${ctx.max} a minute per token`, {
          hint: `Retry after ${ctx.after}`
        })
    });
  app.addHook('onRequest', async (req) => {
    const route = (req.routeOptions.config as { route?: RouteDef } | undefined)?.route;
    if (route?.scope === 'public') return;
    const principal = identity.authenticate(bearerOf(req.headers.authorization));
    if (!principal) throw unauthorized();
    req.principal = principal;
    // Unknown paths (no route) fall through to the 404 handler, signed in.
    if (route) requireRouteScope(principal, route);
  });
  // Compression is negotiated per request (Accept-Encoding); Arrow IPC itself stays uncompressed.
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });

  for (const m of modules) await m.init?.(ctx);

  addRoute(app, routes.health, () => {
    const extra = Object.assign({}, ...modules.map((m) => m.health?.(ctx) ?? {})) as Partial<Health>;
    const health: Health = {
      status: 'ok',
      version: ctx.version,
      startedAt: ctx.startedAt.toISOString(),
      uptimeSeconds: (Date.now() - ctx.startedAt.getTime()) / 1000,
      datasets: 0,
      facilities: [],
      ...extra
    };
    return health;
  });
  // Built on the first request and kept (it takes a few hundred ms); only the server URL differs.
  let apiDoc: ReturnType<typeof openApiDocument> | undefined;
  addRoute(app, routes.openapi, (input) => {
    const { openapi, info, ...rest } = (apiDoc ??= openApiDocument({ version: ctx.version }));
    return { openapi, info, servers: [{ url: `${input.req.protocol}://${input.req.host}` }], ...rest };
  });
  accessRoutes(app, ctx);
  for (const m of modules) m.routes?.(app, ctx);

  const io: Io = new IoServer(app.server, {
    path: SOCKET_PATH,
    serveClient: false,
    cors: config.corsOrigins.length ? { origin: config.corsOrigins } : undefined
  });
  io.use((socket, next) => {
    const given =
      (socket.handshake.auth as { token?: string } | undefined)?.token ??
      bearerOf(socket.handshake.headers.authorization);
    const principal = identity.authenticate(given);
    if (principal) {
      socket.data.principal = principal;
      socket.data.currentPrincipal = () => identity.authenticate(given);
      next();
    } else next(Object.assign(new Error(unauthorized().message), { data: unauthorized().toBody() }));
  });
  for (const m of modules) m.socket?.(io, ctx);

  await app.listen({ host: config.host, port: config.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  ctx.self = { url, token };
  for (const m of modules) await m.start?.(ctx, io);

  if (config.writeDiscovery)
    writeDiscovery(home.discoveryFile, {
      url,
      token,
      pid: process.pid,
      home: home.root,
      startedAt: ctx.startedAt.toISOString(),
      version: ctx.version
    });

  let closed = false;
  return {
    app,
    io,
    ctx,
    url,
    token,
    async close() {
      if (closed) return;
      closed = true;
      if (config.writeDiscovery) removeDiscovery(home.discoveryFile, { pid: process.pid, url });
      for (const m of [...modules].reverse()) await m.stop?.(ctx);
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await app.close();
      db.close();
      lock.release();
    }
  };
}
