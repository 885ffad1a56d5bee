import { JobsModel } from '../jobs/jobsModel';
import { TestClient, job, settle, update } from './support/testClient';

function started(client: TestClient, pageSize = 2): JobsModel {
  const m = new JobsModel(client, () => pageSize);
  m.start();
  return m;
}

describe('JobsModel', () => {
  it('merges updates by seq: an older or repeated update is dropped, a newer one replaces the job', async () => {
    const client = new TestClient();
    const m = started(client);
    client.jobLists[0]!.resolve({ jobs: [job('j1', 'ACTIVE', 2)] });
    await settle();
    expect(m.job('j1')?.state).toBe('ACTIVE');

    client.pushJob(update(job('j1', 'QUEUED', 1)));
    client.pushJob(update(job('j1', 'FAILED', 2)));
    expect(m.job('j1')?.state).toBe('ACTIVE');

    client.pushJob(update(job('j1', 'COMPLETED', 3)));
    expect(m.job('j1')?.state).toBe('COMPLETED');
    // A list read that answers with an older view afterwards does not move it back either.
    m.upsert(job('j1', 'ACTIVE', 2));
    expect(m.job('j1')?.state).toBe('COMPLETED');
    m.dispose();
  });

  it('re-reads the list once when live events come back after a drop (events may have been missed)', async () => {
    const client = new TestClient();
    const m = started(client);
    client.jobLists[0]!.resolve({ jobs: [] });
    await settle();
    client.setLive(true);
    await settle();
    expect(client.jobLists).toHaveLength(1);

    client.setLive(false);
    client.setLive(true);
    await settle();
    expect(client.jobLists).toHaveLength(2);
    client.jobLists[1]!.resolve({ jobs: [job('missed', 'COMPLETED', 4)] });
    await settle();
    expect(m.jobs.map((j) => j.id)).toEqual(['missed']);
    m.dispose();
  });

  it('after a reconnect re-reads as many pages as the user had shown', async () => {
    const client = new TestClient();
    const m = started(client, 1);
    client.jobLists[0]!.resolve({ jobs: [job('b', 'ACTIVE', 1)], nextCursor: 'p2' });
    await settle();
    const older = m.loadOlder();
    expect(client.jobLists[1]!.args.cursor).toBe('p2');
    client.jobLists[1]!.resolve({ jobs: [job('a', 'COMPLETED', 3)], nextCursor: 'p3' });
    await older;
    expect(m.jobs.map((j) => j.id)).toEqual(['b', 'a']);
    expect(m.hasOlder).toBe(true);

    client.setConnection({ status: 'unreachable', message: 'down' });
    client.setConnection({ status: 'connected' });
    await settle();
    expect(client.jobLists).toHaveLength(3);
    expect(client.jobLists[2]!.args.cursor).toBeUndefined();
    client.jobLists[2]!.resolve({ jobs: [job('b', 'COMPLETED', 2)], nextCursor: 'p2' });
    await settle();
    expect(client.jobLists[3]!.args.cursor).toBe('p2');
    client.jobLists[3]!.resolve({ jobs: [job('a', 'COMPLETED', 3)] });
    await settle();
    expect(m.jobs.map((j) => [j.id, j.state])).toEqual([
      ['b', 'COMPLETED'],
      ['a', 'COMPLETED']
    ]);
    expect(m.hasOlder).toBe(false);
    m.dispose();
  });

  it('re-reads the facility queues once per burst of job updates (throttled), never on a timer', async () => {
    const client = new TestClient();
    const m = started(client);
    client.jobLists[0]!.resolve({ jobs: [] });
    await settle();
    client.facilityReads[0]!.resolve([]);
    await settle();
    for (let seq = 1; seq <= 5; seq++) client.pushJob(update(job('j', seq < 5 ? 'ACTIVE' : 'COMPLETED', seq)));
    await new Promise((r) => setTimeout(r, 100));
    expect(client.facilityReads).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(client.facilityReads).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 400));
    expect(client.facilityReads).toHaveLength(2);
    m.dispose();
  });

  it('pages by the page size setting, read at every request', async () => {
    const client = new TestClient();
    let size = 3;
    const m = new JobsModel(client, () => size);
    m.start();
    expect(client.jobLists[0]!.args.limit).toBe(3);
    client.jobLists[0]!.resolve({ jobs: [], nextCursor: 'p2' });
    await settle();
    size = 5000;
    void m.loadOlder();
    await settle();
    expect(client.jobLists[1]!.args.limit).toBe(1000);
    m.dispose();
  });
});
