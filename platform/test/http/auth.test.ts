import { ErrorBody, OipError, routes, SOCKET_PATH, type RouteName } from '@genesis-lab/contract';
import { JobsClient } from '@genesis-lab/client';
import { io } from 'socket.io-client';
import { type PlatformProcess, startPlatformProcess, tempHome } from '@genesis-lab/test-support';
import { routeCases, routeSweepHome, sendCase } from '../support/route-cases';

/** The one owner token guards every route and the socket; only the health checks (ours, OIP v2 live/ready) are public. */
describe('authentication', () => {
  let p: PlatformProcess;
  let jobId: string;
  beforeAll(async () => {
    const home = tempHome('genesis-auth-');
    routeSweepHome(home);
    p = await startPlatformProcess({ home });
    const client = new JobsClient(p);
    jobId = (await client.submit({ name: 'owned', executable: '/bin/true' })).job.id;
    client.close();
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('answers every route of the table without a token, or with a wrong one, 401 in the error shape (only the health checks are public)', async () => {
    const cases = routeCases(jobId);
    expect(Object.keys(cases).sort()).toEqual(Object.keys(routes).sort());
    const publicRoutes: string[] = [];
    for (const [name, c] of Object.entries(cases) as [RouteName, (typeof cases)[RouteName]][]) {
      if (routes[name].scope === 'public') {
        publicRoutes.push(name);
        expect([name, (await sendCase(p, c, null)).status]).toEqual([name, 200]);
        continue;
      }
      for (const token of [null, 'wrong-token', `${p.token}x`, '']) {
        const r = await sendCase(p, c, token);
        const json: unknown = await r.json().catch(() => null);
        // The OIP v2 routes answer the protocol's error shape ({"error": message, "code"}).
        const code =
          routes[name].tag === 'oip' ? OipError.safeParse(json).data?.code : ErrorBody.safeParse(json).data?.error.code;
        expect([name, token, r.status, code]).toEqual([name, token, 401, 'unauthorized']);
      }
    }
    expect(publicRoutes).toEqual(['health', 'oipServerLive', 'oipServerReady']);
    // The same requests with the token are not refused (the 401s above were the token's doing).
    for (const [name, c] of Object.entries(cases)) {
      const r = await sendCase(p, c);
      expect([name, r.status === 401]).toEqual([name, false]);
    }
  });

  /** Connect a raw socket.io client; resolves with how the handshake ended. */
  function handshake(auth: Record<string, string> | undefined): Promise<{ connected: boolean; code?: string }> {
    return new Promise((resolve) => {
      const s = io(p.url, { path: SOCKET_PATH, auth, transports: ['websocket'], reconnection: false });
      s.on('connect', () => {
        s.close();
        resolve({ connected: true });
      });
      s.on('connect_error', (err: Error & { data?: unknown }) => {
        s.close();
        const body = ErrorBody.safeParse(err.data);
        resolve({ connected: false, code: body.success ? body.data.error.code : err.message });
      });
    });
  }

  it('refuses a live socket without the token or with a wrong one, and accepts the right one', async () => {
    expect(await handshake(undefined)).toEqual({ connected: false, code: 'unauthorized' });
    expect(await handshake({ token: 'wrong-token' })).toEqual({ connected: false, code: 'unauthorized' });
    expect(await handshake({ token: '' })).toEqual({ connected: false, code: 'unauthorized' });
    expect(await handshake({ token: p.token })).toEqual({ connected: true });
  });

  it('a client with a wrong token gets a clear error from a subscription, never updates', async () => {
    const wrong = new JobsClient({ url: p.url, token: 'wrong-token' });
    try {
      await expect(wrong.watch({}, () => undefined)).rejects.toMatchObject({ code: 'unavailable' });
      await expect(wrong.get(jobId)).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    } finally {
      wrong.close();
    }
  });
});
