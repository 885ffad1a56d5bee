import { randomBytes } from 'node:crypto';
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

export function unauthorized(): GenesisError {
  return new GenesisError('unauthorized', 'Missing or wrong platform token', {
    hint: 'Send "Authorization: Bearer <token>"; the token is in the discovery file the platform writes, or in GENESIS_TOKEN'
  });
}
