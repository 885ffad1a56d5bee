import * as fs from 'node:fs';
import { ErrorBody, OWNER } from '@genesis-lab/contract';
import { JobsClient } from '@genesis-lab/client';
import { Home, SqliteCatalog } from '@genesis-lab/platform';
import { authedFetch, type PlatformProcess, startPlatformProcess, tempHome } from '@genesis-lab/test-support';
import { routeSweepHome } from '../support/route-cases';

const V = '/api/datasets/test/tiny/versions/1';

/** What each pull of a version answers (a stream cut midway would throw here, failing the test). */
async function pulls(p: PlatformProcess): Promise<Array<[string, number, string]>> {
  const out: Array<[string, number, string]> = [];
  for (const what of ['file', 'arrow', 'csv', 'json', 'parquet']) {
    const r = await authedFetch(p, `${V}/${what}`);
    out.push([what, r.status, await r.text()]);
  }
  return out;
}

/**
 * A published version whose stored object went missing or was truncated behind the
 * platform's back (a disk problem, a hand-edited home): every pull answers a clear error
 * that names the version, none answers 5xx or a wrong table, and the platform lives on.
 */
describe.each(['missing', 'truncated'] as const)('a stored object %s under a published version', (damage) => {
  let p: PlatformProcess;
  beforeAll(async () => {
    const home = tempHome('genesis-damaged-');
    routeSweepHome(home);
    const catalog = SqliteCatalog.open(new Home(home));
    const object = catalog.resolve('test/tiny', '1', OWNER).objectPath;
    catalog.close();
    if (damage === 'missing') fs.rmSync(object);
    else fs.truncateSync(object, Math.floor(fs.statSync(object).size / 2));
    p = await startPlatformProcess({ home });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('every pull: a clear error naming the version, never 5xx, never data', async () => {
    const got = await pulls(p);
    for (const [what, status, text] of got) {
      if (status === 0) {
        expect([what, text]).toEqual([what, expect.stringMatching(/transfer failed/)]);
        continue;
      }
      expect([what, status >= 400 && status < 500]).toEqual([what, true]);
      const e = ErrorBody.parse(JSON.parse(text)).error;
      expect([what, e.message]).toEqual([
        what,
        damage === 'missing'
          ? expect.stringMatching(/The stored data of test\/tiny@1 is missing/)
          : expect.stringMatching(/The stored data of test\/tiny@1 is damaged: \d+ bytes where \d+ were published/)
      ]);
    }
    // The record and its metadata still answer; the platform did not crash.
    expect((await authedFetch(p, V)).status).toBe(200);
    expect((await fetch(`${p.url}/api/health`)).status).toBe(200);
    expect(p.proc.exitCode).toBeNull();
  });

  it('a job staging it in is refused before submission, with the reason', async () => {
    const client = new JobsClient(p);
    try {
      const err = await client
        .submit({ name: 'x', executable: '/bin/true', stageIn: [{ dataset: 'test/tiny@1', target: 'in.arrow' }] })
        .then(
          () => undefined,
          (e: unknown) => e as { status: number; message: string }
        );
      expect(err).toMatchObject({ status: 422, message: expect.stringMatching(/The stored data of test\/tiny@1 is/) });
      expect((await client.list({ limit: 10 })).jobs).toEqual([]);
    } finally {
      client.close();
    }
  });
});
