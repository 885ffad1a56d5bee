import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A pass-through HTTP proxy that records what the platform answered (status and content-encoding) per request. */
export interface RecordingProxy {
  url: string;
  seen: Array<{ method: string; path: string; status: number; encoding: string | undefined }>;
  close(): Promise<void>;
}

/**
 * In front of `target`: bytes go through untouched (compressed bodies stay compressed), so a
 * test sees on the wire what the client asked for and what the server sent.
 */
export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const to = new URL(target);
  const seen: RecordingProxy['seen'] = [];
  const server = http.createServer((req, res) => {
    const up = http.request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (r) => {
        seen.push({
          method: req.method ?? '',
          path: req.url ?? '',
          status: r.statusCode ?? 0,
          encoding: r.headers['content-encoding']
        });
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      }
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}
