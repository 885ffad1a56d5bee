import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PublishResult, VersionList } from '@genesis-lab/contract';
import {
  authedFetch,
  GENESIS_BIN,
  type PlatformProcess,
  startPlatformProcess,
  tempHome
} from '@genesis-lab/test-support';

// Small tables and many rounds: the commits (the racy part) then fall close together often.
const ROWS = 2_000;
const ROUNDS = 8;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Two `genesis ingest` processes writing the same dataset into one home at once (with the
 * platform running on it, as a user's notebook and terminal would): same content and different
 * content. Each version is distinct and whole, no reader ever sees one half-written, and
 * SQLite's lock contention never reaches the user as SQLITE_BUSY.
 */
describe('concurrent ingest of one dataset from two processes', () => {
  let home: string;
  let platform: PlatformProcess;
  let files: { a: string; b: string; meta: string };
  beforeAll(async () => {
    home = tempHome('genesis-concurrent-ingest-');
    const table = (k: number) =>
      'i,value,label\n' +
      Array.from({ length: ROWS }, (_, i) => `${i},${i * k + 0.25},row ${i % 97}`).join('\n') +
      '\n';
    files = { a: path.join(home, 'a.csv'), b: path.join(home, 'b.csv'), meta: path.join(home, 'meta.json') };
    fs.writeFileSync(files.a, table(1));
    fs.writeFileSync(files.b, table(3));
    fs.writeFileSync(files.meta, JSON.stringify({ title: 'Two writers', license: 'CC0-1.0' }));
    platform = await startPlatformProcess({ home });
  }, 60000);
  afterAll(async () => {
    await platform?.stop();
  });

  function ingest(file: string, id: string): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        [GENESIS_BIN, 'ingest', file, '--id', id, '--meta', files.meta, '--home', home, '--json', '--progress', 'none'],
        { stdio: ['ignore', 'pipe', 'pipe'] }
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  /**
   * While `work` runs, read the dataset's versions over HTTP again and again: every version
   * listed must be whole at once (its stored file's sha256 is the one published).
   */
  async function watching<T>(id: string, work: Promise<T>): Promise<{ result: T; checked: number }> {
    let done = false;
    let checked = 0;
    const problems: string[] = [];
    const reader = (async () => {
      while (!done) {
        const r = await authedFetch(platform, `/api/datasets/${id}/versions`);
        if (r.status === 200)
          for (const v of VersionList.parse(await r.json()).versions) {
            const f = await authedFetch(platform, `/api/datasets/${id}/versions/${v.version}/file`);
            const bytes = Buffer.from(await f.arrayBuffer());
            const digest = createHash('sha256').update(bytes).digest('hex');
            if (f.status !== 200 || digest !== v.sha256)
              problems.push(`${id}@${v.version}: ${f.status}, ${bytes.length} bytes, sha256 ${digest} != ${v.sha256}`);
            checked++;
          }
        else if (r.status !== 404) problems.push(`versions: ${r.status}`);
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    const result = await work.finally(() => (done = true));
    await reader;
    expect(problems).toEqual([]);
    return { result, checked };
  }

  function published(run: Run): PublishResult {
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout + run.stderr).not.toMatch(/SQLITE_BUSY|database is locked/i);
    return PublishResult.parse(JSON.parse(run.stdout));
  }

  async function versionsOf(id: string) {
    return VersionList.parse(await (await authedFetch(platform, `/api/datasets/${id}/versions`)).json()).versions;
  }

  it('different content: two distinct whole versions, neither lost', async () => {
    for (let k = 0; k < ROUNDS; k++) {
      const id = `race/different-${k}`;
      const { result } = await watching(id, Promise.all([ingest(files.a, id), ingest(files.b, id)]));
      const [a, b] = result.map(published);
      expect(a!.created && b!.created).toBe(true);
      expect(new Set([a!.version.version, b!.version.version])).toEqual(new Set(['1', '2']));
      expect(a!.version.sha256).not.toBe(b!.version.sha256);
      const listed = await versionsOf(id);
      expect(listed.map((v) => [v.version, v.sha256]).sort()).toEqual(
        [a!, b!].map((r) => [r.version.version, r.version.sha256]).sort()
      );
      for (const v of listed) expect(v.rowCount).toBe(ROWS);
    }
  }, 240000);

  it('the same content: one version, both writers told it', async () => {
    for (let k = 0; k < ROUNDS; k++) {
      const id = `race/same-${k}`;
      const { result } = await watching(id, Promise.all([ingest(files.a, id), ingest(files.a, id)]));
      const [a, b] = result.map(published);
      expect(a!.version.version).toBe(b!.version.version);
      expect(a!.version.sha256).toBe(b!.version.sha256);
      expect([a!.created, b!.created].sort()).toEqual([false, true]);
      expect((await versionsOf(id)).map((v) => v.version)).toEqual([a!.version.version]);
    }
  }, 240000);

  it('left no temporary file behind', () => {
    expect(fs.readdirSync(path.join(home, 'tmp'))).toEqual([]);
  });
});
