import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JobsClient } from '@genesis-lab/client';
import { type PlatformProcess, platformWithFacilities, untilFinal } from '@genesis-lab/test-support';

/** Stage-out after a job exited 0: a failure to copy makes it FAILED, never a silent COMPLETED. */
describe('stage-out', () => {
  let p: PlatformProcess;
  let client: JobsClient;
  let out: string;
  beforeAll(async () => {
    ({ p, client } = await platformWithFacilities([{ name: 'local', kind: 'local' }]));
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'stage-out-'));
  });
  afterAll(async () => {
    client?.close();
    await p?.stop();
  });

  const run = async (name: string, script: string, source: string) => {
    const target = path.join(out, name);
    const { job } = await client.submit({
      name,
      executable: '/bin/sh',
      arguments: ['-c', script],
      stageOut: [{ source, target }]
    });
    return { done: await untilFinal(client, job.id), target };
  };

  it('a stage-out source the job did not write: FAILED (exit code 0 kept), saying what failed', async () => {
    const { done, target } = await run('missing', 'echo no output file', 'result.txt');
    expect(done).toMatchObject({ state: 'FAILED', reason: 'OTHER', exitCode: 0 });
    expect(done.message).toMatch(/exited 0 but stage-out failed: .*result\.txt/);
    expect(fs.existsSync(target)).toBe(false);
  });

  it('a symlink to a file outside the job directory is refused, not copied or linked', async () => {
    const secret = path.join(out, 'secret.txt');
    fs.writeFileSync(secret, 'not the job’s\n');
    const { done, target } = await run('link-out', `ln -s ${secret} result.txt`, 'result.txt');
    expect(done).toMatchObject({ state: 'FAILED', reason: 'OTHER' });
    expect(done.message).toMatch(/"result\.txt" leads outside the job directory/);
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.lstatSync(target, { throwIfNoEntry: false })).toBeUndefined();
  });

  it('a directory holding a symlink that leads outside is refused as a whole', async () => {
    const { done, target } = await run('dir-link-out', 'mkdir res; echo ok > res/a; ln -s /etc res/etc', 'res');
    expect(done).toMatchObject({ state: 'FAILED', reason: 'OTHER' });
    expect(done.message).toMatch(/"res" leads outside the job directory \(res\/etc -> \/etc\)/);
    expect(fs.existsSync(target)).toBe(false);
  });

  it('a symlink that stays inside the job directory is staged out with its content', async () => {
    const { done, target } = await run('link-in', 'echo inside > real.txt; ln -s real.txt result.txt', 'result.txt');
    expect(done.state).toBe('COMPLETED');
    expect(fs.readFileSync(target, 'utf8')).toBe('inside\n');
    expect(fs.lstatSync(target).isFile()).toBe(true); // the content, not a link into the job directory
  });
});
