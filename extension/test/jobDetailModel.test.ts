import { JobDetailModel } from '../jobs/jobDetailModel';
import { TestClient, job, settle, update } from './support/testClient';

async function loaded(client: TestClient, state: Parameters<typeof job>[1], seq = 3): Promise<JobDetailModel> {
  const m = new JobDetailModel('j1', client, 1024);
  const loading = m.load();
  client.jobGets[0]!.resolve(job('j1', state, seq, { exitCode: state === 'FAILED' ? 3 : null }));
  await loading;
  return m;
}

describe('JobDetailModel', () => {
  it('shows a failed job on stderr, where its error is', async () => {
    const client = new TestClient();
    const m = await loaded(client, 'FAILED');
    expect(m.stream).toBe('stderr');
    client.tails.get('j1/stderr')!.receive({ data: 'boom: no such file\n', offset: 0, nextOffset: 19, eof: true });
    expect(m.stream).toBe('stderr');
    m.dispose();
  });

  it('falls back to stdout for a failed job whose stderr turned out empty', async () => {
    const client = new TestClient();
    const m = await loaded(client, 'FAILED');
    const changes: string[] = [];
    m.stateChanged.connect(() => changes.push(m.stream));
    client.tails.get('j1/stderr')!.receive({ data: '', offset: 0, nextOffset: 0, eof: true });
    expect(m.stream).toBe('stdout');
    expect(changes).toEqual(['stdout']);
    m.dispose();
  });

  it('shows stdout for a job that did not fail, and keeps the stream the user picked', async () => {
    const client = new TestClient();
    const m = await loaded(client, 'ACTIVE');
    expect(m.stream).toBe('stdout');
    m.selectStream('stderr');
    client.pushJob(update(job('j1', 'COMPLETED', 4)));
    expect(m.stream).toBe('stderr');
    m.selectStream('stdout');
    client.pushJob(update(job('j1', 'FAILED', 5)));
    expect(m.stream).toBe('stdout');
    m.dispose();
  });

  it('switches to stderr when the job it shows fails, unless the user picked a stream', async () => {
    const client = new TestClient();
    const m = await loaded(client, 'ACTIVE');
    expect(m.stream).toBe('stdout');
    m.tail('stdout');
    client.pushJob(update(job('j1', 'FAILED', 4)));
    expect(m.stream).toBe('stderr');
    // The job ended: its tails read what is left at once.
    expect(client.tails.get('j1/stdout')!.catchUps).toBe(1);
    m.dispose();
  });

  it('merges updates by seq: older and repeated ones are dropped', async () => {
    const client = new TestClient();
    const m = await loaded(client, 'ACTIVE', 3);
    client.pushJob(update(job('j1', 'QUEUED', 2)));
    client.pushJob(update(job('j1', 'COMPLETED', 3)));
    client.pushJob(update(job('other', 'COMPLETED', 9)));
    expect(m.job?.state).toBe('ACTIVE');
    client.pushJob(update(job('j1', 'COMPLETED', 4)));
    expect(m.job?.state).toBe('COMPLETED');
    m.dispose();
  });

  it('cancels, says "cancelling" meanwhile, and keeps the platform’s refusal for the view', async () => {
    const client = new TestClient();
    const m = await loaded(client, 'ACTIVE');
    const first = m.cancel();
    expect(m.cancelling).toBe(true);
    client.cancels[0]!.resolve(job('j1', 'CANCELED', 4));
    expect((await first)?.state).toBe('CANCELED');
    expect(m.cancelling).toBe(false);
    expect(m.job?.state).toBe('CANCELED');

    const second = m.cancel();
    client.cancels[1]!.reject(Object.assign(new Error('The job already ended'), { code: 'conflict' }));
    expect(await second).toBeNull();
    expect(m.cancelError).toBe('The job already ended.');
    m.dispose();
  });

  it('stops watching and closes its tails when disposed', async () => {
    const client = new TestClient();
    const m = await loaded(client, 'ACTIVE');
    m.tail('stdout');
    expect(client.watchers).toBe(1);
    m.dispose();
    await settle();
    expect(client.watchers).toBe(0);
    expect(client.tails.get('j1/stdout')!.isDisposed).toBe(true);
  });

  it('reads the job again when live events come (back): updates pushed before the subscription were missed', async () => {
    const client = new TestClient();
    const m = await loaded(client, 'ACTIVE', 3);
    client.setLive(true);
    expect(client.jobGets).toHaveLength(2);
    client.jobGets[1]!.resolve(job('j1', 'FAILED', 5));
    await settle();
    expect(m.job?.state).toBe('FAILED');
    client.setLive(false);
    expect(client.jobGets).toHaveLength(2);
    m.dispose();
  });
});
