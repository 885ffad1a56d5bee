import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GenesisClient, buildRequest } from '@genesis-lab/client';
import { ARROW_STREAM_MEDIA_TYPE, GenesisError } from '@genesis-lab/contract';
import { startPlatformProcess, type PlatformProcess } from '@genesis-lab/test-support';

const MB = 1024 * 1024;
const predictInput = (stream: AsyncIterable<Uint8Array>) => ({
  params: { ns: 'climate', name: 'nothing-here', version: 'latest' },
  content: { type: ARROW_STREAM_MEDIA_TYPE, stream }
});

/** A request body streamed through the client core's Node transport: chunked, with backpressure, errors mapped. */
describe('a streamed request body', () => {
  it('is pulled only as fast as a slow server reads it (the client never holds the whole body)', async () => {
    const total = 64 * MB;
    const chunk = new Uint8Array(64 * 1024).fill(7);
    let produced = 0;
    let producedBeforeRead = -1;
    let received = 0;
    // A server that reads nothing for a while, then everything: the socket's buffers fill and the producer must wait.
    const server = http.createServer((req, res) => {
      req.pause();
      setTimeout(() => {
        producedBeforeRead = produced;
        req.on('data', (b: Buffer) => (received += b.length));
        req.on('end', () => {
          res.writeHead(200, { 'content-type': ARROW_STREAM_MEDIA_TYPE });
          res.end(String(received));
        });
        req.resume();
      }, 700);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = new GenesisClient({ url, token: 'x'.repeat(40) });
      async function* body(): AsyncGenerator<Uint8Array> {
        for (let n = 0; n < total; n += chunk.byteLength) {
          produced += chunk.byteLength;
          yield chunk;
        }
      }
      const res = await client.api.open('predict', predictInput(body()));
      expect(await res.text()).toBe(String(total));
      expect(res.header('content-type')).toBe(ARROW_STREAM_MEDIA_TYPE);
      // Socket buffers hold a few MB at most; buffering the body would have produced all 64 MB.
      expect(producedBeforeRead).toBeGreaterThan(0);
      expect(producedBeforeRead).toBeLessThan(16 * MB);
      expect(received).toBe(total);
    } finally {
      server.close();
    }
  });

  describe('against a real platform', () => {
    let p: PlatformProcess;
    beforeAll(async () => {
      p = await startPlatformProcess();
    });
    afterAll(() => p.stop());

    it('maps the platform’s error answer to its GenesisError while the body is still being sent', async () => {
      const client = new GenesisClient(p);
      let produced = 0;
      async function* endless(): AsyncGenerator<Uint8Array> {
        const chunk = new Uint8Array(256 * 1024);
        // Far more than the platform reads: the error answer must end the upload, not wait for it.
        for (let i = 0; i < 4096; i++) {
          produced += chunk.byteLength;
          yield chunk;
        }
      }
      const err = (await client.api.open('predict', predictInput(endless())).catch((e: unknown) => e)) as GenesisError;
      expect(err).toBeInstanceOf(GenesisError);
      expect(err.code).toBe('not_found');
      expect(err.status).toBe(404);
      expect(err.message).toMatch(/nothing-here/);
      // The upload stops with the answer: nothing more is produced afterwards (and the platform is not kept reading).
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = produced;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(produced).toBe(after);
      expect(produced).toBeLessThan(256 * MB);
    });

    it('fails the call with the producer’s own error when the body cannot be produced', async () => {
      const client = new GenesisClient(p);
      async function* broken(): AsyncGenerator<Uint8Array> {
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('the table could not be encoded');
      }
      const err = await client.api.open('predict', predictInput(broken())).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toBe('the table could not be encoded');
    });
  });

  it('is never sent twice: a streamed request is not repeatable', () => {
    // A kept-alive socket's reset would resend a repeatable request; a consumed stream cannot be.
    expect(buildRequest('predict', predictInput((async function* () {})())).repeatable).toBe(false);
  });
});
