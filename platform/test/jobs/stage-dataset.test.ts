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
    const out = await promisify(execFile)(process.execPath, [
      GENESIS_BIN,
      'ingest',
      csv,
      '--id',
      'test/tiny',
      '--meta',
      meta,
      '--home',
      home,
      '--json'
    ]);
    sha256 = (JSON.parse(out.stdout) as { version: { sha256: string } }).version.sha256;
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
    expect((await client.logs(job.id)).data.split(' ')[0]).toBe(createHash('sha256').update(staged).digest('hex'));
    expect(staged.subarray(0, 6).toString()).toBe('ARROW1');
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
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
