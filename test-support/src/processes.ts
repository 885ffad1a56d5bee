import * as net from 'node:net';

/** Is this process running (a zombie counts as gone)? The contract's one rule. */
export { processAlive as isAlive } from '@genesis-lab/contract/node';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}
