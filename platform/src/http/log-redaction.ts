import type { FastifyRequest } from 'fastify';

const SECRET_PARAMS = /([?&](?:token|access_token|api_key|apikey|_xsrf)=)[^&#]*/gi;
export const REDACTED = '[redacted]';

/**
 * A URL as it may be logged: values of token-like query parameters removed, and any occurrence of
 * a known secret (the platform's token, put in a path by mistake) replaced, raw or percent-encoded.
 */
export function redactUrl(url: string, secrets: readonly string[]): string {
  let out = url.replace(SECRET_PARAMS, `$1${REDACTED}`);
  for (const s of secrets) {
    if (!s) continue;
    out = out.split(s).join(REDACTED);
    const enc = encodeURIComponent(s);
    if (enc !== s) out = out.split(enc).join(REDACTED);
  }
  return out;
}

/** Fastify's request log serializer, with the URL redacted and no headers (they carry the token). */
export function requestSerializer(secrets: readonly string[]) {
  return (req: FastifyRequest) => ({
    method: req.method,
    url: redactUrl(req.url, secrets),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort
  });
}
