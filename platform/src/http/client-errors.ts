import type { Socket } from 'node:net';
import { GenesisError } from '@genesis-lab/contract';

/**
 * Answers for requests Node's HTTP parser refuses before Fastify sees them (headers or URL over
 * Node's 16 KiB limit, a malformed request line): the one error shape, so a client shows the same
 * message as for any other refusal, instead of Fastify's own `{"error":"Bad Request"}` body.
 */
export function clientErrorAnswer(err: NodeJS.ErrnoException): GenesisError {
  if (err.code === 'HPE_HEADER_OVERFLOW')
    return new GenesisError('bad_request', 'The request line and headers are larger than 16 KiB', {
      status: 431,
      hint: 'Send long filters or many columns in fewer bytes, or use a POST route with a body'
    });
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new GenesisError('bad_request', 'The request did not arrive in time', { status: 408 });
  return new GenesisError('bad_request', 'The request is not valid HTTP/1.1');
}

export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const ge = clientErrorAnswer(err);
  const body = JSON.stringify(ge.toBody());
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${ge.status} Error\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`
    );
  socket.destroy();
}
