import * as fs from 'node:fs';
import * as path from 'node:path';
import { zipSync } from 'fflate';
import { JobsClient } from '@genesis-lab/client';
import { ErrorBody, GenesisError, CRATE_MEDIA_TYPE } from '@genesis-lab/contract';
import { authedFetch, tempHome, untilFinal } from '@genesis-lab/test-support';
import { startPlatform, type Platform } from '../../src';

/**
 * No path traversal through staging or crate import: the platform's own files are never staged
 * in or out, URLs are never fetched, configured staging roots hold, a job's symlink cannot carry a
 * host file out, and a crate entry naming a path outside it is refused whole.
 */
describe('path traversal', () => {
  let p: Platform;
  let client: JobsClient;
  let home: string;
  let root: string;
  const TOKEN = 'traversal-token-0123456789abcdef';

  beforeAll(async () => {
    process.env.GENESIS_SLURM = '0';
    home = tempHome('genesis-traversal-');
    root = tempHome('genesis-staging-root-');
    fs.writeFileSync(path.join(root, 'in.txt'), 'inside the root\n');
    p = await startPlatform({ home, logLevel: 'silent', token: TOKEN, stagingRoots: [root] });
    client = new JobsClient({ url: p.url, token: TOKEN });
  });
  afterAll(async () => {
    await p?.close();
  });

  async function refused(spec: Record<string, unknown>): Promise<GenesisError> {
    try {
      await client.submit({ name: 'traversal', executable: '/bin/true', ...spec } as never);
    } catch (err) {
      return err as GenesisError;
    }
    throw new Error(`accepted: ${JSON.stringify(spec)}`);
  }

  it.each([
    ['the database', () => path.join(home, 'genesis.db')],
    ['the discovery file with the token', () => path.join(home, 'run', 'platform.json')],
    ['a stored object directory', () => path.join(home, 'objects')],
    [
      'the home through a symlink inside a staging root',
      () => {
        fs.symlinkSync(path.join(home, 'run'), path.join(root, 'link'));
        return path.join(root, 'link', 'platform.json');
      }
    ],
    ['a file outside the staging roots', () => '/etc/hostname'],
    ['a ../ walk out of the staging root', () => path.join(root, '..', '..', 'etc', 'hostname')]
  ])('refuses stage-in of %s, naming the field', async (_what, source) => {
    const err = await refused({ stageIn: [{ source: source(), target: 'in' }] });
    expect(err.status).toBe(422);
    expect(err.issues).toEqual([expect.objectContaining({ path: 'body.stageIn[0].source' })]);
    expect(err.message).not.toContain(TOKEN);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data',
    'file:///etc/passwd',
    's3://bucket/key',
    'HTTPS://example.org/x'
  ])('never fetches a URL (%s): refused before anything is sent', async (source) => {
    const err = await refused({ stageIn: [{ source, target: 'in' }] });
    expect(err.issues?.[0]).toMatchObject({
      path: 'body.stageIn[0].source',
      message: expect.stringMatching(/URLs are not fetched/)
    });
  });

  it('refuses a stage-out target in the platform home or outside the roots', async () => {
    for (const target of [path.join(home, 'run', 'platform.json'), '/tmp/elsewhere.txt']) {
      const err = await refused({ stageOut: [{ source: 'out.txt', target }] });
      expect(err.issues?.[0]?.path).toBe('body.stageOut[0].target');
    }
  });

  it('stages in from a root and out into it', async () => {
    const { job } = await client.submit({
      name: 'ok',
      executable: '/bin/sh',
      arguments: ['-c', 'cat in.txt > out.txt'],
      stageIn: [{ source: path.join(root, 'in.txt'), target: 'in.txt' }],
      stageOut: [{ source: 'out.txt', target: path.join(root, 'out.txt') }]
    });
    expect((await untilFinal(client, job.id)).state).toBe('COMPLETED');
    expect(fs.readFileSync(path.join(root, 'out.txt'), 'utf8')).toBe('inside the root\n');
  });

  it('a job that links a host file into its directory cannot stage it out', async () => {
    const { job } = await client.submit({
      name: 'link',
      executable: '/bin/sh',
      arguments: ['-c', `ln -s ${path.join(home, 'run', 'platform.json')} out.txt`],
      stageOut: [{ source: 'out.txt', target: path.join(root, 'stolen.txt') }]
    });
    const final = await untilFinal(client, job.id);
    expect(final.state).toBe('FAILED');
    expect(final.message).toMatch(/leads outside the job directory/);
    expect(fs.existsSync(path.join(root, 'stolen.txt'))).toBe(false);
  });

  it.each(['../evil.txt', '/etc/evil', 'a/../../evil', 'C:/evil', 'a\\..\\evil'])(
    'refuses a crate with the entry %s (zip-slip), writing nothing',
    async (entry) => {
      const zip = zipSync({
        [entry]: new TextEncoder().encode('x'),
        'ro-crate-metadata.json': new TextEncoder().encode('{}')
      });
      const r = await authedFetch({ url: p.url, token: TOKEN }, '/api/provenance/crates', {
        method: 'POST',
        headers: { 'content-type': CRATE_MEDIA_TYPE },
        body: zip
      });
      expect(r.status).toBe(422);
      expect(ErrorBody.parse(await r.json()).error.message).toMatch(/points outside it/);
      expect(fs.existsSync(path.join(home, 'evil.txt'))).toBe(false);
      expect(fs.existsSync(path.join(path.dirname(home), 'evil.txt'))).toBe(false);
    }
  );

  it('refuses ids that walk out of their place with a 4xx', async () => {
    for (const url of [
      '/api/datasets/..%2F..%2Fetc/passwd/versions',
      '/api/catalog/records/%2e%2e/%2e%2e',
      '/api/jobs/..%2F..%2Frun%2Fplatform.json/logs',
      '/api/provenance/sources/..%2F..%2Fgenesis.db'
    ]) {
      const r = await authedFetch({ url: p.url, token: TOKEN }, url);
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(await r.text()).not.toContain(TOKEN);
    }
  });
});
