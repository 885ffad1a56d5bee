import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 192 random bits: sha256 of it is a safe verifier (no salt or slow hash needed for such entropy). */
export function newSecret(): string {
  return 'gl_' + randomBytes(24).toString('base64url');
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function newTokenId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return 'tok_' + Array.from(randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
}
