import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { JobsClient } from '@genesis-lab/client';
import {
  GENESIS_BIN,
  type PlatformProcess,
  startPlatformProcess,
  tempHome,
  untilFinal
} from '@genesis-lab/test-support';

/** Stage-in of a catalog dataset: the job finds the immutable Arrow file of the pinned version. */
describe('dataset stage-in', () => {
  let p: PlatformProcess;
  let sha256: string;
  beforeAll(async () => {
    const home = tempHome('genesis-stage-');
    const csv = path.join(home, 'tiny.csv');
    fs.writeFileSync(csv, 'x,y\n1,2\n3,4\n');
    const meta = path.join(home, 'meta.json');
    fs.writeFileSync(
      meta,
      JSON.stringify({ title: 'Tiny', description: 'Two rows for a stage-in test', license: 'CC0-1.0' })
    );
    const ingest = async (file: string, extra: string[]) =>
      (
        JSON.parse(
          (
            await promisify(execFile)(process.execPath, [
              GENESIS_BIN,
              'ingest',
              file,
              '--id',
              'test/tiny',
              ...extra,
              '--home',
              home,
              '--json'
            ])
          ).stdout
        ) as { version: { version: string; sha256: string } }
      ).version;
    const v1 = await ingest(csv, ['--meta', meta]);
    sha256 = v1.sha256;
    // A second, different version: staging the wrong one (the latest) would not match v1's digest.
    const csv2 = path.join(home, 'tiny2.csv');
    fs.writeFileSync(csv2, 'x,y\n5,6\n7,8\n9,10\n');
    const v2 = await ingest(csv2, []);
    expect(v1.version).toBe('1');
    expect(v2.version).toBe('2');
    expect(v2.sha256).not.toBe(sha256);
    fs.writeFileSync(
      path.join(home, 'facilities.json'),
      JSON.stringify({ facilities: [{ name: 'local', kind: 'local' }] })
    );
    p = await startPlatformProcess({ home });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('copies the dataset version into the job directory before the job runs', async () => {
    const client = new JobsClient(p);
    const { job } = await client.submit({
      name: 'uses-data',
      executable: '/usr/bin/sha256sum',
      arguments: ['input/tiny.arrow'],
      stageIn: [{ dataset: 'test/tiny@1', target: 'input/tiny.arrow' }]
    });
    const done = await untilFinal(client, job.id);
    expect(done.state).toBe('COMPLETED');
    const staged = fs.readFileSync(path.join(done.workDir!, 'input/tiny.arrow'));
    // The staged bytes are exactly the pinned version's object (its published digest), and the
    // job read those bytes.
    expect(createHash('sha256').update(staged).digest('hex')).toBe(sha256);
    expect((await client.logs(job.id)).data.split(' ')[0]).toBe(sha256);
    expect(staged.subarray(0, 6).toString()).toBe('ARROW1');
    client.close();
  });

  it('a stage-in without a version is stored naming the version it staged (latest at submit)', async () => {
    const client = new JobsClient(p);
    const { job } = await client.submit({
      name: 'uses-latest',
      executable: '/usr/bin/sha256sum',
      arguments: ['in.arrow'],
      stageIn: [{ dataset: 'test/tiny', target: 'in.arrow' }]
    });
    // The job's spec says which version it stages, so a resend after a restart and the
    // provenance of the job stage that version, not whatever is latest later.
    expect(job.spec.stageIn).toEqual([{ dataset: 'test/tiny@2', target: 'in.arrow', format: 'arrow' }]);
    const done = await untilFinal(client, job.id);
    expect(done.state).toBe('COMPLETED');
    expect(done.spec.stageIn[0]).toMatchObject({ dataset: 'test/tiny@2' });
    expect((await client.logs(job.id)).data.split(' ')[0]).not.toBe(sha256);
    client.close();
  });

  it('refuses an unknown dataset before submission', async () => {
    const client = new JobsClient(p);
    await expect(
      client.submit({ name: 'x', executable: '/bin/true', stageIn: [{ dataset: 'test/nope', target: 'in.arrow' }] })
    ).rejects.toMatchObject({
      code: 'unprocessable',
      issues: [
        expect.objectContaining({ path: 'body.stageIn[0].dataset', message: expect.stringMatching(/test\/nope/) })
      ]
    });
    await expect(
      client.submit({ name: 'x', executable: '/bin/true', stageIn: [{ source: '/no/such/file', target: 'in.txt' }] })
    ).rejects.toMatchObject({
      code: 'unprocessable',
      issues: [expect.objectContaining({ path: 'body.stageIn[0].source' })]
    });
    await expect(
      client.submit({ name: 'x', executable: '/bin/true', stageIn: [{ source: '/etc/hostname', target: '../escape' }] })
    ).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: 'body.stageIn[0].target' })]
    });
    client.close();
  });
});
