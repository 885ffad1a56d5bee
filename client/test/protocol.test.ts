import {
  LogCursor,
  LogFollower,
  Subscriptions,
  buildRequest,
  isNewerJob,
  isNewerUpdate,
  lastSeq
} from '@genesis-lab/client/core';
import { GenesisError, JobSpec, type Job, type JobState, type LogChunk } from '@genesis-lab/contract';

/** A job whose history reached `states` (seq 0..n-1), last updated at `updatedAt`. */
function job(states: JobState[], updatedAt = '2026-01-01T00:00:00.000Z'): Job {
  return {
    id: 'j1',
    spec: JobSpec.parse({ name: 'x', executable: '/bin/true' }),
    facility: 'local',
    nativeId: null,
    state: states[states.length - 1]!,
    exitCode: null,
    reason: null,
    message: null,
    workDir: null,
    nativeState: null,
    nativeReason: null,
    owner: 'owner',
    createdAt: '2026-01-01T00:00:00.000Z',
    submittedAt: null,
    startedAt: null,
    endedAt: null,
    updatedAt,
    history: states.map((state, seq) => ({ jobId: 'j1', seq, state, at: '2026-01-01T00:00:00.000Z' })),
    outputs: []
  };
}

describe('which job update is newer (by seq)', () => {
  const queued = job(['NEW', 'QUEUED']);
  const active = job(['NEW', 'QUEUED', 'ACTIVE']);

  it('a later seq wins, an earlier one is dropped, whatever the arrival order', () => {
    expect(lastSeq(active)).toBe(2);
    expect(isNewerJob(active, queued)).toBe(true);
    expect(isNewerJob(queued, active)).toBe(false);
    expect(isNewerJob(queued, undefined)).toBe(true);
    expect(isNewerUpdate({ event: active.history[2]!, job: active }, queued)).toBe(true);
    expect(isNewerUpdate({ event: queued.history[1]!, job: queued }, active)).toBe(false);
  });

  it('at the same seq the later updatedAt wins (the scheduler said more without a transition)', () => {
    const later = job(['NEW', 'QUEUED'], '2026-01-01T00:00:05.000Z');
    expect(isNewerJob(later, queued)).toBe(true);
    expect(isNewerJob(queued, later)).toBe(false);
    expect(isNewerJob(queued, queued)).toBe(false);
  });

  it('is by seq, not by the length of the history a snapshot carries', () => {
    // A snapshot whose history was trimmed to its last event is still the newer one.
    const trimmed = { ...active, history: active.history.slice(2) };
    expect(isNewerJob(trimmed, queued)).toBe(true);
    expect(isNewerJob(queued, trimmed)).toBe(false);
  });
});

/** A log "file" and the HTTP read of it, as the platform serves `GET .../logs?offset=`. */
function logFile(text: string) {
  const bytes = Buffer.from(text, 'utf8');
  const chunk = (from: number, to: number, eof = false): LogChunk => ({
    jobId: 'j1',
    stream: 'stdout',
    offset: from,
    data: bytes.subarray(from, to).toString('utf8'),
    nextOffset: to,
    eof
  });
  const reads: number[] = [];
  const read = async (offset: number) => {
    reads.push(offset);
    return chunk(offset, bytes.length, true);
  };
  return { bytes, chunk, read, reads };
}

describe('the log cursor', () => {
  it('appends in order, skips a repeat, and reports a gap instead of leaving a hole', () => {
    const f = logFile('line 1\nline 2\nline 3\n');
    const c = new LogCursor(0);
    expect(c.place(f.chunk(0, 7))).toEqual({ kind: 'append', text: 'line 1\n', from: 0, to: 7 });
    expect(c.place(f.chunk(0, 7))).toEqual({ kind: 'duplicate' });
    expect(c.place(f.chunk(14, 21))).toEqual({ kind: 'gap', from: 7, to: 14 });
    expect(c.offset).toBe(7);
  });

  it('takes only the new bytes of an overlapping chunk, by bytes (multi-byte characters intact)', () => {
    const f = logFile('données µ ✓ 🚀\nfin\n');
    const c = new LogCursor(0);
    const cut = Buffer.from('données µ ', 'utf8').length;
    c.place(f.chunk(0, cut));
    const p = c.place(f.chunk(0, f.bytes.length, true));
    expect(p).toEqual({ kind: 'append', text: '✓ 🚀\nfin\n', from: cut, to: f.bytes.length });
    expect(c.eof).toBe(true);
  });

  it('the follower fills a gap over HTTP before the pushed chunk, then skips what the fill already brought', async () => {
    const f = logFile('a\nb\nc\nd\n');
    let text = '';
    const follower = new LogFollower(new LogCursor(0), f.read, (t) => (text += t));
    await follower.push(f.chunk(0, 2));
    await follower.push(f.chunk(6, 8, true)); // "d\n" arrives after a disconnect: "b\nc\n" missed
    expect(f.reads).toEqual([2]);
    expect(text).toBe('a\nb\nc\nd\n');
    expect(follower.cursor.eof).toBe(true);
    await follower.push(f.chunk(4, 8, true)); // a late repeat changes nothing
    expect(text).toBe('a\nb\nc\nd\n');
  });
});

describe('re-subscribing after a reconnect', () => {
  it('sends every jobs filter once and every log from the offset its reader has now', () => {
    const subs = new Subscriptions();
    expect(subs.addJobs({})).toBe(true);
    expect(subs.addJobs({})).toBe(false); // a second watcher of the same filter
    subs.addJobs({ jobId: 'j2' });
    let offset = 10;
    subs.addLog('j1', 'stderr', () => offset);
    offset = 42;
    expect(subs.resubscribe()).toEqual([
      { event: 'jobs:subscribe', payload: {} },
      { event: 'jobs:subscribe', payload: { jobId: 'j2' } },
      { event: 'logs:subscribe', payload: { jobId: 'j1', stream: 'stderr', offset: 42 } }
    ]);
    expect(subs.removeJobs({})).toBe(false);
    expect(subs.removeJobs({})).toBe(true);
    subs.removeLog('j1', 'stderr');
    expect(subs.resubscribe()).toEqual([{ event: 'jobs:subscribe', payload: { jobId: 'j2' } }]);
  });
});

describe('the wire request of a route', () => {
  it('fills the path, encodes the query as declared, and says when a POST may be repeated', () => {
    const r = buildRequest('listJobs', { query: { state: ['QUEUED', 'ACTIVE'], limit: 10 } });
    expect(r.method).toBe('GET');
    expect(r.path).toBe('/api/jobs?state=QUEUED%2CACTIVE&limit=10');
    expect(buildRequest('getJob', { params: { id: 'a/b' } }).path).toBe('/api/jobs/a%2Fb');
    const submit = { name: 'x', executable: '/bin/true' };
    expect(buildRequest('submitJob', { body: submit }).repeatable).toBe(false);
    expect(buildRequest('submitJob', { body: submit, headers: { 'idempotency-key': 'k' } }).repeatable).toBe(true);
  });

  it('refuses bad input with the platform’s own message before sending anything', () => {
    let err: unknown;
    try {
      buildRequest('search', { query: { limit: 500 } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GenesisError);
    expect((err as GenesisError).message).toBe('Invalid query at query.limit: limit must be at most 100');
  });
});
