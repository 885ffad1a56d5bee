import fc from 'fast-check';
import { io as connect, type Socket } from 'socket.io-client';
import { hostileJson, hostileString, objectFor, tempHome } from '@genesis-lab/test-support';
import { startPlatform, type Platform } from '../../src';
import { SOCKET_PATH, SubscribeJobs, SubscribeLogs, UnsubscribeLogs } from '@genesis-lab/contract';

/**
 * Fuzzing every client-to-server socket event (contract/src/events.ts) with hostile payloads:
 * an event with an ack is answered within the deadline, `{ok:false}` carries a message naming the
 * field, and the server (and this connection) keeps working. GENESIS_FUZZ_SEED replays a run.
 */
const SEED = Number(process.env.GENESIS_FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.GENESIS_FUZZ_SOCKET_RUNS ?? 400);
const ACK_TIMEOUT_MS = 5000;
const TOKEN = 'fuzz-token-0123456789abcdef';
const EVENTS = {
  'jobs:subscribe': SubscribeJobs,
  'jobs:unsubscribe': SubscribeJobs,
  'logs:subscribe': SubscribeLogs,
  'logs:unsubscribe': UnsubscribeLogs
} as const;
const WITH_ACK = new Set(['jobs:subscribe', 'logs:subscribe']);

let platform: Platform;
let socket: Socket;

beforeAll(async () => {
  console.log(`fuzz-socket: seed ${SEED} (GENESIS_FUZZ_SEED=${SEED} to replay), ${RUNS} cases per event`);
  process.env.GENESIS_SLURM = '0';
  platform = await startPlatform({
    home: tempHome('genesis-fuzz-io-'),
    logLevel: 'silent',
    writeDiscovery: false,
    token: TOKEN
  });
  socket = connect(platform.url, { path: SOCKET_PATH, auth: { token: TOKEN }, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}, 60_000);
afterAll(async () => {
  socket?.close();
  await platform?.close();
});

function emitWithDeadline(event: string, payload: unknown): Promise<{ ok: boolean; error?: string }> {
  return socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event as 'jobs:subscribe', payload as never) as Promise<{
    ok: boolean;
    error?: string;
  }>;
}

describe('fuzzing every socket event', () => {
  it.each(Object.keys(EVENTS).map((e, i) => [e, i] as const))(
    '%s: answered, refusals name the field, the connection survives',
    async (event, i) => {
      const schema = EVENTS[event as keyof typeof EVENTS];
      const payload = fc.oneof(objectFor(schema), hostileJson, hostileString, fc.constant(undefined));
      await fc.assert(
        fc.asyncProperty(payload, async (p) => {
          if (!WITH_ACK.has(event)) {
            socket.emit(event as 'jobs:unsubscribe', p as never);
            return;
          }
          const ack = await emitWithDeadline(event, p);
          if (typeof ack?.ok !== 'boolean') throw new Error(`ack without ok: ${JSON.stringify(ack)}`);
          if (!ack.ok) {
            if (!ack.error?.trim()) throw new Error('a refusal without a message');
            if (/^Internal/.test(ack.error)) throw new Error(`an internal error: ${ack.error}`);
          }
        }),
        { numRuns: RUNS, seed: SEED + i }
      );
      // Still connected, still answering.
      expect(socket.connected).toBe(true);
      expect((await emitWithDeadline('jobs:subscribe', {})).ok).toBe(true);
    },
    120_000
  );

  it('names the offending field of a refused subscribe', async () => {
    const ack = await emitWithDeadline('logs:subscribe', { jobId: 'x', offset: -1 });
    expect(ack).toEqual({ ok: false, error: expect.stringContaining('logs:subscribe.offset') });
  });

  it('refuses a connection without the token, and says why', async () => {
    const bad = connect(platform.url, {
      path: SOCKET_PATH,
      auth: { token: '\u0000\ud800' },
      transports: ['websocket']
    });
    const err = await new Promise<Error>((resolve) => bad.once('connect_error', resolve));
    bad.close();
    expect(err.message).toMatch(/token/);
    expect(err.message).not.toContain(TOKEN);
  });
});
