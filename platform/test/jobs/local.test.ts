import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ErrorBody, Job, type JobUpdate, type LogChunk } from '@genesis-lab/contract';
import { JobsClient } from '@genesis-lab/client';
import {
  authedFetch,
  isAlive,
  type PlatformProcess,
  platformWithFacilities,
  until,
  untilFinal
} from '@genesis-lab/test-support';

/** Real platform process, real child processes: the local facility end to end. */
describe('local facility', () => {
  let p: PlatformProcess;
  let client: JobsClient;
  beforeAll(async () => {
    ({ p, client } = await platformWithFacilities([
      { name: 'local', kind: 'local', maxConcurrent: 4 },
      { name: 'tiny', kind: 'local', maxConcurrent: 2, cpus: 1, memory: '1G' }
    ]));
  });
  afterAll(async () => {
    client?.close();
    await p?.stop();
  });

  it('runs a job that exits 3 to FAILED with exit code 3, every transition an event', async () => {
    const { job, created } = await client.submit({
      name: 'three',
      executable: '/bin/sh',
      arguments: ['-c', 'echo out; echo err >&2; exit 3']
    });
    expect(created).toBe(true);
    const done = await untilFinal(client, job.id);
    expect(done.state).toBe('FAILED');
    expect(done.exitCode).toBe(3);
    expect(done.reason).toBe('NONZERO_EXIT');
    expect(done.history.map((e) => e.state)).toEqual(['NEW', 'QUEUED', 'ACTIVE', 'FAILED']);
    expect(done.history.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(done.history[3]).toMatchObject({
      exitCode: 3,
      reason: 'NONZERO_EXIT',
      nativeState: 'EXITED',
      nativeReason: 'exit status 3'
    });
    expect((await client.logs(job.id)).data).toBe('out\n');
    expect((await client.logs(job.id, { stream: 'stderr' })).data).toBe('err\n');
    expect(fs.readFileSync(path.join(done.workDir!, 'exit'), 'utf8')).toBe('3\n');
  });

  it('completes a job, with its environment (not the platform token) and stage-in/stage-out', async () => {
    const src = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stage-')), 'in.txt');
    fs.writeFileSync(src, 'staged\n');
    const outTarget = path.join(path.dirname(src), 'results', 'out.txt');
    const { job } = await client.submit({
      name: 'env',
      executable: '/bin/sh',
      arguments: ['-c', 'echo "$GREETING ${GENESIS_TOKEN:-no-token} $GENESIS_JOB_ID"; cat data/in.txt > out.txt'],
      environment: { GREETING: "it's me" },
      stageIn: [{ source: src, target: 'data/in.txt' }],
      stageOut: [{ source: 'out.txt', target: outTarget }]
    });
    const done = await untilFinal(client, job.id);
    expect(done.state).toBe('COMPLETED');
    expect(done.exitCode).toBe(0);
    expect((await client.logs(job.id)).data).toBe(`it's me no-token ${job.id}\n`);
    expect(fs.readFileSync(outTarget, 'utf8')).toBe('staged\n');
    expect(done.outputs).toEqual([{ source: 'out.txt', target: outTarget, bytes: 7 }]);
  });

  it('ends a job that exceeds its duration FAILED with reason TIMEOUT', async () => {
    const { job } = await client.submit({
      name: 'slow',
      executable: '/bin/sleep',
      arguments: ['60'],
      attributes: { duration: '2s' }
    });
    const done = await untilFinal(client, job.id, 20000);
    expect(done.state).toBe('FAILED');
    expect(done.reason).toBe('TIMEOUT');
    expect(done.message).toMatch(/wall-time of 2 s/);
    expect(Date.parse(done.endedAt!) - Date.parse(done.startedAt!)).toBeLessThan(10000);
  });

  it('cancels a running job by killing its whole process group', async () => {
    const { job } = await client.submit({
      name: 'tree',
      executable: '/bin/sh',
      arguments: ['-c', 'sleep 300 & echo $! > child.pid; wait']
    });
    const childPid = await until('child pid', () => {
      try {
        const t = fs.readFileSync(path.join(job.workDir!, 'child.pid'), 'utf8').trim();
        return t ? Number(t) : undefined;
      } catch {
        return undefined;
      }
    });
    expect(isAlive(childPid)).toBe(true);
    const r = await authedFetch(p, `/api/jobs/${job.id}`, { method: 'DELETE' });
    expect(r.status).toBe(200);
    const answered = Job.parse(await r.json());
    // DELETE answers once CANCELED (or after 3 s on a very busy machine, with the state then).
    const after = answered.state === 'CANCELED' ? answered : await untilFinal(client, job.id);
    expect(after.state).toBe('CANCELED');
    expect(after.reason).toBe('CANCELED_BY_USER');
    await until('grandchild gone', () => !isAlive(childPid), 10000);
    // Canceling again is harmless and answers the same final job.
    expect((await client.cancel(job.id)).state).toBe('CANCELED');
  });

  it('holds jobs beyond the concurrency limit QUEUED and runs them in order', async () => {
    const updates: JobUpdate[] = [];
    const stop = await client.watch({ facility: 'tiny' }, (u) => updates.push(u));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (await client.submit({ name: `q${i}`, facility: 'tiny', executable: '/bin/sleep', arguments: ['0.7'] })).job.id
      );
    const jobs = await Promise.all(ids.map((id) => untilFinal(client, id)));
    stop();
    expect(jobs.every((j) => j.state === 'COMPLETED')).toBe(true);
    let active = 0;
    let most = 0;
    const started: string[] = [];
    for (const u of updates) {
      if (u.event.state === 'ACTIVE') {
        active++;
        started.push(u.job.id);
      }
      if (u.event.state === 'COMPLETED') active--;
      most = Math.max(most, active);
    }
    expect(most).toBe(2);
    expect(started).toEqual(ids);
    // While waiting, jobs say why.
    expect(jobs[4]!.history.find((e) => e.state === 'QUEUED')?.message).toMatch(/waiting for one of 2 slots/);
  });

  it('refuses, before submission, a spec the facility cannot honour, naming the field and the limit', async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [
        { resources: { cpuCoresPerProcess: 64 } },
        'body.resources.cpuCoresPerProcess',
        /64 CPU cores per node.*at most 1/
      ],
      [{ attributes: { queue: 'gpu' } }, 'body.attributes.queue', /has no queues/],
      [{ resources: { memory: '2G' } }, 'body.resources.memory', /2 GiB per node.*at most 1 GiB/],
      [{ resources: { nodeCount: 2 } }, 'body.resources.nodeCount', /at most 1/],
      [
        { attributes: { custom: { 'slurm.qos': 'high' } } },
        'body.attributes.custom.slurm.qos',
        /takes no custom attributes/
      ]
    ];
    const before = (await client.list({ facility: 'tiny', limit: 1000 })).jobs.length;
    for (const [extra, pathName, message] of cases) {
      const r = await authedFetch(p, '/api/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'big', facility: 'tiny', executable: '/bin/true', ...(extra as object) })
      });
      expect(r.status).toBe(422);
      const e = ErrorBody.parse(await r.json()).error;
      expect(e.code).toBe('unprocessable');
      expect(e.issues?.[0]?.path).toBe(pathName);
      expect(e.message).toMatch(message);
    }
    expect((await client.list({ facility: 'tiny', limit: 1000 })).jobs.length).toBe(before);
  });

  it('refuses an executable typed with its arguments (422 saying where they go), not a path with a space', async () => {
    const before = (await client.list({ limit: 1000 })).jobs.length;
    const r = await authedFetch(p, '/api/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'cmdline', executable: "sh -c 'echo hi'" })
    });
    expect(r.status).toBe(422);
    const e = ErrorBody.parse(await r.json()).error;
    expect(e.code).toBe('unprocessable');
    expect(e.issues?.[0]?.path).toBe('body.executable');
    expect(e.message).toBe(
      `Cannot run this job: "sh -c 'echo hi'" is a command line, not a program: put the program alone in ` +
        'executable ("sh") and its arguments in arguments, one item each (nothing runs it through a shell)'
    );
    expect((await client.list({ limit: 1000 })).jobs.length).toBe(before);
    // A program whose path really has a space runs.
    const prog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'with space-')), 'my prog');
    fs.writeFileSync(prog, '#!/bin/sh\necho spaced "$1"\n', { mode: 0o755 });
    const { job } = await client.submit({ name: 'spaced', executable: prog, arguments: ['out'] });
    expect((await untilFinal(client, job.id)).state).toBe('COMPLETED');
    expect((await client.logs(job.id)).data).toBe('spaced out\n');
  });

  it('answers invalid specs with the JSON path of the problem', async () => {
    const post = (body: unknown) =>
      authedFetch(p, '/api/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body)
      });
    let e = ErrorBody.parse(
      await (await post({ name: 'x', executable: '/bin/true', attributes: { duration: 'soon' } })).json()
    ).error;
    expect(e.code).toBe('validation_failed');
    expect(e.issues?.[0]?.path).toBe('body.attributes.duration');
    e = ErrorBody.parse(await (await post({ name: 'x' })).json()).error;
    expect(e.issues?.map((i) => i.path)).toContain('body.executable');
    e = ErrorBody.parse(
      await (await post({ name: 'x', executable: '/bin/true', environment: { 'BAD-NAME': 'v' } })).json()
    ).error;
    expect(e.issues?.[0]?.path).toBe('body.environment.BAD-NAME');
    const r = await post({ name: 'x', facility: 'locl', executable: '/bin/true' });
    expect(r.status).toBe(404);
    e = ErrorBody.parse(await r.json()).error;
    expect(e.message).toMatch(/No facility "locl"/);
    expect(e.suggestions).toContain('local');
  });

  it('returns one job for one idempotency key, also when two clients send it at once', async () => {
    const a = new JobsClient(p);
    const b = new JobsClient(p);
    const spec = {
      name: 'idem',
      executable: '/bin/sh',
      arguments: ['-c', 'echo $GENESIS_JOB_ID >> "$LEDGER"'],
      environment: { LEDGER: path.join(p.home, 'idem-ledger') }
    };
    const key = `k-${Date.now()}`;
    const [r1, r2] = await Promise.all([
      a.submit(spec, { idempotencyKey: key }),
      b.submit(spec, { idempotencyKey: key })
    ]);
    expect(r1.job.id).toBe(r2.job.id);
    expect([r1.created, r2.created].sort()).toEqual([false, true]);
    // The key in the spec works the same.
    const r3 = await a.submit({ ...spec, idempotencyKey: key });
    expect(r3).toMatchObject({ created: false, job: { id: r1.job.id } });
    await untilFinal(client, r1.job.id);
    expect(fs.readFileSync(path.join(p.home, 'idem-ledger'), 'utf8')).toBe(`${r1.job.id}\n`);
    // The same key for a different spec is a conflict, not a silent reuse.
    await expect(a.submit({ ...spec, name: 'other' }, { idempotencyKey: key })).rejects.toMatchObject({
      code: 'conflict',
      status: 409
    });
  });

  it('streams logs over the socket with byte offsets: a reconnecting client resumes with no gap and no duplicate', async () => {
    // 300 lines with multi-byte characters, written over ~1.5 s.
    const { job } = await client.submit({
      name: 'chatty',
      executable: '/bin/sh',
      arguments: [
        '-c',
        'i=0; while [ $i -lt 300 ]; do echo "line $i: données µ ✓ 🚀"; i=$((i+1)); [ $((i % 20)) -eq 0 ] && sleep 0.1; done'
      ]
    });
    const first = new JobsClient(p);
    const got: LogChunk[] = [];
    let cut = 0;
    await new Promise<void>((resolve) => {
      first.socket().on('job:log', (c) => {
        got.push(c);
        cut = c.nextOffset;
        if (got.length === 2) resolve();
      });
      first.socket().emit('logs:subscribe', { jobId: job.id, offset: 0 });
    });
    first.close(); // the connection drops mid-stream
    const second = new JobsClient(p);
    const rest: LogChunk[] = [];
    const end = await second.followLogs(job.id, 'stdout', cut, (c) => rest.push(c));
    second.close();
    const received = Buffer.concat([...got.slice(0, 2), ...rest].map((c) => Buffer.from(c.data, 'utf8')));
    const file = fs.readFileSync(path.join(job.workDir!, 'stdout'));
    expect(received.equals(file)).toBe(true);
    expect(end).toBe(file.length);
    const all = [...got.slice(0, 2), ...rest];
    for (let i = 1; i < all.length; i++) expect(all[i]!.offset).toBe(all[i - 1]!.nextOffset);
    expect(rest[rest.length - 1]!.eof).toBe(true);
    // REST: the tail, and reading on from an offset.
    const tail = await client.logs(job.id, { tail: 30 });
    expect(Buffer.from(tail.data).length).toBeLessThanOrEqual(30);
    expect(file.toString('utf8').endsWith(tail.data)).toBe(true);
    const mid = await client.logs(job.id, { offset: 100, maxBytes: 50 });
    expect(mid.offset).toBe(100);
    expect(mid.nextOffset).toBeLessThanOrEqual(150);
  });

  it('pushes every transition of a job over the socket, in order', async () => {
    // Subscribed before the submit, so nothing can be read back from REST: what is asserted
    // below is only what the socket delivered.
    const seen: JobUpdate[] = [];
    const w = new JobsClient(p);
    const stop = await w.watch({}, (u) => seen.push(u));
    const { job } = await client.submit({ name: 'watched', executable: '/bin/sleep', arguments: ['0.5'] });
    await until(
      'the COMPLETED update',
      () => seen.some((u) => u.job.id === job.id && u.job.state === 'COMPLETED'),
      20_000
    );
    stop();
    w.close();
    const mine = seen.filter((u) => u.job.id === job.id);
    expect(mine.map((u) => u.event.state)).toEqual(['NEW', 'QUEUED', 'ACTIVE', 'COMPLETED']);
    expect(mine.map((u) => u.event.seq)).toEqual([0, 1, 2, 3]);
    // Each update carries the job as it was after that event.
    expect(mine.map((u) => u.job.state)).toEqual(['NEW', 'QUEUED', 'ACTIVE', 'COMPLETED']);
  });

  it('lists jobs newest first with filters and a cursor', async () => {
    const page1 = await client.list({ limit: 2 });
    expect(page1.jobs).toHaveLength(2);
    expect(page1.nextCursor).toBeDefined();
    const page2 = await client.list({ limit: 2, cursor: page1.nextCursor });
    expect(page2.jobs[0]!.createdAt <= page1.jobs[1]!.createdAt).toBe(true);
    // The page size may change between pages; the filters may not: a cursor reused with other
    // filters is refused, naming the problem, instead of paging through another listing.
    const bigger = await client.list({ limit: 3, cursor: page1.nextCursor });
    expect(bigger.jobs.map((j) => j.id).slice(0, 2)).toEqual(page2.jobs.map((j) => j.id));
    for (const other of ['state=FAILED', 'facility=tiny', 'tag=a=b', 'updatedSince=2026-01-01T00:00:00.000Z']) {
      const r = await authedFetch(p, `/api/jobs?limit=2&${other}&cursor=${page1.nextCursor}`);
      expect(r.status).toBe(400);
      const e = ErrorBody.parse(await r.json()).error;
      expect(e.issues?.[0]?.path).toBe('query.cursor');
      expect(e.message).toBe(
        'Invalid cursor: it belongs to a different query (facility, state, tag or updatedSince changed)'
      );
    }
    // updatedSince (a watcher's catch-up): the jobs changed at or after that time, and no other.
    const newest = page1.jobs[0]!;
    const since = await client.list({ updatedSince: newest.updatedAt, limit: 1000 });
    expect(since.jobs.map((j) => j.id)).toContain(newest.id);
    expect(since.jobs.every((j) => j.updatedAt >= newest.updatedAt)).toBe(true);
    const everything = await client.list({ limit: 1000 });
    expect(since.jobs.length).toBe(everything.jobs.filter((j) => j.updatedAt >= newest.updatedAt).length);
    const later = new Date(Date.parse(newest.updatedAt) + 3_600_000).toISOString();
    expect((await client.list({ updatedSince: later })).jobs.filter((j) => j.updatedAt < later)).toEqual([]);
    const bad = await authedFetch(p, '/api/jobs?updatedSince=yesterday');
    expect(bad.status).toBe(400);
    expect(ErrorBody.parse(await bad.json()).error.issues?.[0]?.path).toBe('query.updatedSince');
    const failed = await client.list({ state: ['FAILED'], limit: 100 });
    expect(failed.jobs.length).toBeGreaterThan(0);
    expect(failed.jobs.every((j) => j.state === 'FAILED')).toBe(true);
  });
});
