import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GenesisError, OipEndpoint } from '@genesis-lab/contract';
import { freePort } from '@genesis-lab/test-support';
import { OipClient } from '../../src/models/runtimes/oip-client';

/**
 * The client's timeout, retry and error rules against real HTTP servers on loopback that misbehave
 * on purpose (a real MLServer is in oip-runtime.test.ts): each counts the requests it received, so
 * "not retried" is seen, not assumed.
 */
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

async function serve(handler: Handler): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = http.createServer((req, res) => {
    n++;
    req.resume();
    req.on('end', () => handler(req, res, n));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => n,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      })
  };
}

const client = (url: string, extra: Partial<OipEndpoint> = {}) =>
  new OipClient('test', OipEndpoint.parse({ url, timeoutMs: 500, retries: 2, ...extra }), 5);

const body = { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP64', data: [1, 2] }] };
const answer = { model_name: 'm', outputs: [{ name: 'y', shape: [1, 1], datatype: 'FP64', data: [3] }] };

async function failure(p: Promise<unknown>): Promise<GenesisError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(GenesisError);
    return e as GenesisError;
  }
  throw new Error('did not fail');
}

describe('OipClient', () => {
  it('reads health by status (an empty 200 body is live) and a 400 model-ready as not ready', async () => {
    const s = await serve((req, res) => {
      res.statusCode = req.url!.endsWith('/ready') && req.url!.startsWith('/v2/models') ? 400 : 200;
      res.end();
    });
    try {
      expect(await client(s.url).live()).toBe(true);
      expect(await client(s.url).modelReady('m')).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('retries a read after a 500 and succeeds', async () => {
    const s = await serve((_req, res, n) => {
      if (n < 3) {
        res.statusCode = 500;
        res.end('{"error":"busy"}');
      } else res.end(JSON.stringify({ name: 'm', platform: 'x', inputs: [], outputs: [] }));
    });
    try {
      expect((await client(s.url).modelMetadata('m')).name).toBe('m');
      expect(s.count()).toBe(3);
    } finally {
      await s.close();
    }
  });

  it('never retries an infer the server may have processed (500), and says what the server said', async () => {
    const s = await serve((_req, res) => {
      res.statusCode = 500;
      res.end('{"error":"model crashed"}');
    });
    try {
      const e = await failure(client(s.url).infer('m', undefined, body));
      expect(e.message).toMatch(/refused POST \/v2\/models\/m\/infer \(500\): model crashed/);
      expect(e.status).toBe(503);
      expect(s.count()).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('retries an infer the server refused before processing (503), then succeeds', async () => {
    const s = await serve((_req, res, n) => {
      if (n === 1) {
        res.statusCode = 503;
        res.end('{"error":"loading"}');
      } else res.end(JSON.stringify(answer));
    });
    try {
      expect((await client(s.url).infer('m', undefined, body)).outputs[0]!.data).toEqual([3]);
      expect(s.count()).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('times out a slow infer once, without a retry; a slow read is tried 1 + retries times', async () => {
    const s = await serve(() => {
      /* never answers */
    });
    try {
      const e = await failure(client(s.url).infer('m', undefined, body));
      expect(e.message).toMatch(
        /did not answer POST \/v2\/models\/m\/infer within 0.5 s \(an infer that was sent is not retried\)/
      );
      expect(s.count()).toBe(1);
      const r = await failure(client(s.url).modelMetadata('m'));
      expect(r.message).toMatch(/within 0.5 s \(3 tries\)/);
      expect(s.count()).toBe(4);
    } finally {
      await s.close();
    }
  });

  it('says a server that is down is not reachable (connection refused, retried: nothing was sent)', async () => {
    const port = await freePort();
    const e = await failure(client(`http://127.0.0.1:${port}`).infer('m', undefined, body));
    expect(e.message).toMatch(
      /OIP endpoint "test" \(http:\/\/127.0.0.1:\d+\/\) is not reachable \(POST \/v2\/models\/m\/infer: ECONNREFUSED, 3 tries\)/
    );
    expect(e.status).toBe(503);
  });

  it('refuses garbage: not JSON, or JSON that is not an infer response', async () => {
    const s = await serve((req, res) => res.end(req.url!.includes('/infer') ? '<html>oops</html>' : '{"name": 1}'));
    try {
      expect((await failure(client(s.url).infer('m', undefined, body))).message).toMatch(
        /answered POST \/v2\/models\/m\/infer with something that is not OIP v2: it is not JSON: "<html>oops<\/html>"/
      );
      expect((await failure(client(s.url).modelMetadata('m'))).message).toMatch(/not OIP v2: name:/);
    } finally {
      await s.close();
    }
  });

  it('follows no redirect (nothing goes to an address the operator did not configure)', async () => {
    const other = await serve((_req, res) => res.end(JSON.stringify(answer)));
    const s = await serve((_req, res) => {
      res.statusCode = 307;
      res.setHeader('location', `${other.url}/v2/models/m/infer`);
      res.end();
    });
    try {
      expect((await failure(client(s.url).infer('m', undefined, body))).message).toMatch(
        /redirect \(307\); redirects are not followed/
      );
      expect(other.count()).toBe(0);
    } finally {
      await s.close();
      await other.close();
    }
  });

  it('escapes the model name, so it cannot reach another path', async () => {
    const seen: string[] = [];
    const s = await serve((req, res) => {
      seen.push(req.url!);
      res.end(JSON.stringify(answer));
    });
    try {
      await client(s.url).infer('../../admin', '1', body);
      expect(seen).toEqual(['/v2/models/..%2F..%2Fadmin/versions/1/infer']);
    } finally {
      await s.close();
    }
  });
});
