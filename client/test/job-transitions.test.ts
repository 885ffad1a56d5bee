import { CATCH_UP_MARGIN_MS, JobTransitions } from '@genesis-lab/client/core';
import { JobSpec, type Job, type JobState, type JobUpdate } from '@genesis-lab/contract';

const T0 = '2026-01-01T00:00:00.000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();

/** Job `id`, created at second `created`, whose history reached `states` (seq 0..n-1). */
function job(id: string, states: JobState[], created = 1): Job {
  return {
    id,
    spec: JobSpec.parse({ name: id, executable: '/bin/true' }),
    facility: 'local',
    nativeId: null,
    state: states.at(-1)!,
    exitCode: null,
    reason: null,
    message: null,
    workDir: null,
    nativeState: null,
    nativeReason: null,
    owner: 'owner',
    createdAt: at(created),
    submittedAt: null,
    startedAt: null,
    endedAt: null,
    updatedAt: at(created + states.length),
    history: states.map((state, seq) => ({ jobId: id, seq, state, at: at(created + seq) })),
    outputs: []
  };
}
const update = (j: Job): JobUpdate => ({ event: j.history.at(-1)!, job: j });
const seqs = (us: JobUpdate[]) => us.map((u) => `${u.job.id}:${u.event.seq}`);

describe('JobTransitions: each transition once, in seq order, across disconnects', () => {
  it('drops a repeated or older push', () => {
    const t = new JobTransitions();
    t.subscribed(T0);
    expect(seqs(t.push(update(job('a', ['NEW']))))).toEqual(['a:0']);
    expect(seqs(t.push(update(job('a', ['NEW', 'QUEUED']))))).toEqual(['a:1']);
    expect(t.push(update(job('a', ['NEW', 'QUEUED'])))).toEqual([]);
    expect(t.push(update(job('a', ['NEW'])))).toEqual([]);
  });

  it('fills a gap in the pushes from the job history, in order', () => {
    const t = new JobTransitions();
    t.subscribed(T0);
    t.push(update(job('a', ['NEW'])));
    const filled = t.push(update(job('a', ['NEW', 'QUEUED', 'ACTIVE', 'COMPLETED'])));
    expect(seqs(filled)).toEqual(['a:1', 'a:2', 'a:3']);
    expect(filled.map((u) => u.event.state)).toEqual(['QUEUED', 'ACTIVE', 'COMPLETED']);
  });

  it('a job created after the subscription is news in full; an older one counts from its push', () => {
    const t = new JobTransitions();
    t.subscribed(at(10));
    expect(seqs(t.push(update(job('new', ['NEW', 'QUEUED'], 11))))).toEqual(['new:0', 'new:1']);
    expect(seqs(t.push(update(job('old', ['NEW', 'QUEUED', 'ACTIVE'], 1))))).toEqual(['old:2']);
  });

  it('catches up what was missed after a resubscription, then drops the late pushes of it', () => {
    const t = new JobTransitions();
    t.subscribed(at(10));
    t.push(update(job('a', ['NEW', 'QUEUED'], 11)));
    // Listing from before the last push (its margin): nothing stamped then is skipped.
    expect(t.resubscribed()).toBe(new Date(Date.parse(at(13)) - CATCH_UP_MARGIN_MS).toISOString());
    const listed = [job('a', ['NEW', 'QUEUED', 'ACTIVE', 'COMPLETED'], 11), job('b', ['NEW', 'QUEUED'], 20)];
    expect(seqs(t.catchUp(listed, at(30)))).toEqual(['a:2', 'a:3', 'b:0', 'b:1']);
    expect(t.push(update(listed[0]!))).toEqual([]);
    expect(seqs(t.push(update(job('b', ['NEW', 'QUEUED', 'ACTIVE'], 20))))).toEqual(['b:2']);
  });

  it('a failed catch-up leaves the window open: the next resubscription lists from the same time', () => {
    const t = new JobTransitions();
    t.subscribed(at(10));
    const since = t.resubscribed();
    // Pushes after the resubscription do not move the window while its catch-up is missing.
    t.push(update(job('a', ['NEW', 'QUEUED'], 40)));
    expect(t.resubscribed()).toBe(since);
  });
});
