import type { LogChunk, LogStream } from '@genesis-lab/contract';
import type { ServerConnection } from '@jupyterlab/services';
import type { Signal } from '@lumino/signaling';
import type { IEndpoint } from '../client/endpoint';
import { LiveChannel } from '../client/live';
import { LogTail, type ILogSource } from '../client/logtail';
import { Call, settle } from './support/testClient';

// The log-offset rule itself (LogCursor, LogFollower) is the client core's, tested in
// client/test/protocol.test.ts; this tests the tail the extension builds on it.

/** The HTTP reads of a log, answered by the test. */
class LogReads implements ILogSource {
  readonly calls: Call<{ offset?: number; tail?: number }, LogChunk>[] = [];
  read(_jobId: string, _stream: LogStream, query: { offset?: number; tail?: number }): Promise<LogChunk> {
    const call = new Call<{ offset?: number; tail?: number }, LogChunk>(query, undefined);
    this.calls.push(call);
    return call.answer.promise;
  }
}

const chunk = (offset: number, data: string, eof = false): LogChunk => ({
  jobId: 'j1',
  stream: 'stdout',
  offset,
  data,
  nextOffset: offset + new TextEncoder().encode(data).byteLength,
  eof
});

describe('LogTail', () => {
  // A real live channel that is never opened (so its endpoint is never used): the test hands it
  // the pushed chunks a socket would.
  const endpoint: IEndpoint = {
    mode: 'direct',
    baseUrl: 'http://platform.test/',
    serverSettings: {} as ServerConnection.ISettings,
    token: 't',
    socketOrigin: 'http://platform.test',
    socketPath: '/socket.io',
    socketAuth: {},
    socketQuery: {}
  };
  const channel = new LiveChannel(endpoint);
  const push = (c: LogChunk) => (channel.logChunk as Signal<LiveChannel, LogChunk>).emit(c);
  afterAll(() => channel.dispose());

  async function tail(): Promise<{ tail: LogTail; reads: LogReads }> {
    const reads = new LogReads();
    const t = new LogTail('j1', 'stdout', 1024, reads, Promise.resolve(channel));
    await settle();
    expect(reads.calls[0]!.args).toEqual({ tail: 1024 });
    reads.calls[0]!.resolve(chunk(0, 'hello\n'));
    await settle();
    return { tail: t, reads };
  }

  it('fills a gap over HTTP before a pushed chunk that skips ahead, and ignores a chunk it already has', async () => {
    const { tail: t, reads } = await tail();
    expect(t.text).toBe('hello\n');
    // Bytes 6..12 were missed while the socket was down; the next push starts at 12.
    push(chunk(12, 'third\n'));
    await settle();
    expect(reads.calls[1]!.args).toEqual({ offset: 6 });
    reads.calls[1]!.resolve(chunk(6, 'world\n'));
    await settle();
    expect(t.text).toBe('hello\nworld\nthird\n');
    // A repeat after a reconnect (the same bytes again, or part of them): nothing twice.
    push(chunk(6, 'world\nthird\n'));
    push(chunk(12, 'third\n'));
    await settle();
    expect(t.text).toBe('hello\nworld\nthird\n');
    expect(t.nextOffset).toBe(18);
    push(chunk(18, 'end\n', true));
    await settle();
    expect(t.text).toBe('hello\nworld\nthird\nend\n');
    expect(t.eof).toBe(true);
    expect(reads.calls).toHaveLength(2);
    t.dispose();
  });

  it('keeps the part of an overlapping chunk that is new, counting bytes, not characters', async () => {
    const { tail: t } = await tail();
    push(chunk(3, 'lo\nµs\n'));
    await settle();
    expect(t.text).toBe('hello\nµs\n');
    expect(t.nextOffset).toBe(10);
    t.dispose();
  });
});
