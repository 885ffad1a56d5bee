import { createHash, randomBytes } from 'node:crypto';
import { GenesisError, type Principal } from '@genesis-lab/contract';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking; set by the auth hook before any handler runs. */
    principal: Principal;
  }
}

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The bearer token from an `Authorization` header (`Bearer x` or Jupyter's `token x`). */
export function bearerOf(header: string | string[] | undefined): string | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  const m = h ? /^(?:Bearer|token)\s+(.+)$/i.exec(h.trim()) : null;
  return m?.[1];
}

/**
 * Whom a rate limit counts: the token (by a digest, so no secret sits in the limiter's memory or
 * could reach a log), else the client address.
 */
export function rateLimitKey(req: { headers: { authorization?: string | string[] }; ip: string }): string {
  const token = bearerOf(req.headers.authorization);
  return token ? `token:${createHash('sha256').update(token).digest('hex').slice(0, 32)}` : `ip:${req.ip}`;
}

export function unauthorized(): GenesisError {
  return new GenesisError('unauthorized', 'Missing or wrong platform token', {
    hint: 'Send "Authorization: Bearer <token>"; the token is in the discovery file the platform writes, or in GENESIS_TOKEN'
  });
}
