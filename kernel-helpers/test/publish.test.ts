import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataType, type Table, tableFromArrays, tableToIPC } from 'apache-arrow';
import { GenesisClient } from '@genesis-lab/client';
import { CSV_MEDIA_TYPE } from '@genesis-lab/contract';
import { Genesis } from '@genesis-lab/kernel';
import {
  REPO_ROOT,
  genesisFailure,
  type PlatformProcess,
  startPlatformProcess,
  tempHome
} from '@genesis-lab/test-support';

/**
 * Publishing new dataset versions over HTTP, from a cell's table and from a job's file (the loop
 * data -> job -> new data), against a real platform process with the local facility.
 */

let p: PlatformProcess;
let g: Genesis;
let client: GenesisClient;
const META = { title: 'Sweep results', description: 'Outputs of a parameter sweep', license: 'CC0-1.0' };

const failure = genesisFailure;

beforeAll(async () => {
  const home = tempHome('genesis-publish-');
  fs.writeFileSync(
    path.join(home, 'facilities.json'),
    JSON.stringify({ facilities: [{ name: 'local', kind: 'local' }] })
  );
  p = await startPlatformProcess({ home });
  g = new Genesis({ url: p.url, token: p.token });
  client = new GenesisClient({ url: p.url, token: p.token });
});
afterAll(async () => {
  await p?.stop();
});

describe('genesis.publish (a table from a cell)', () => {
  const sweep = tableFromArrays({ k: Float64Array.from([1, 2, 3]), energy: Float64Array.from([0.5, 0.25, 0.125]) });

  it('publishes a first version with its metadata, and the table reads back exactly', async () => {
    const r = await g.publish('test/sweep', sweep, { metadata: META });
    expect(r).toMatchObject({
      id: 'test/sweep',
      created: true,
      format: 'arrow',
      version: { version: '1', rowCount: 3 }
    });
    const back = await g.dataset('test/sweep@1').table();
    expect(back.getChild('energy')!.toArray()).toEqual(Float64Array.from([0.5, 0.25, 0.125]));
    expect((await g.record('test/sweep')).title).toBe('Sweep results');
  });

  it('does not publish identical content twice, and gives new content the next version', async () => {
    const again = await g.publish('test/sweep', sweep);
    expect(again).toMatchObject({ created: false, version: { version: '1' } });
    const more = tableFromArrays({ k: Float64Array.from([4]), energy: Float64Array.from([0.0625]) });
    expect(await g.publish('test/sweep', more)).toMatchObject({
      created: true,
      version: { version: '2', rowCount: 1 }
    });
  });

  it('publishes a table built with another copy of apache-arrow (a Deno cell imports the ES module build)', async () => {
    // The UMD bundle is a copy of apache-arrow whose classes are not ours, as the ES module build is in Deno.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const other = require(
      path.join(REPO_ROOT, 'node_modules/apache-arrow/Arrow.es2015.min.js')
    ) as typeof import('apache-arrow');
    const foreign = other.tableFromArrays({
      x: Float64Array.from([1.5, 2.5, 3.5]),
      name: ['a', 'b', 'a'],
      n: Int32Array.from([7, 8, 9])
    });
    expect(foreign.schema.fields[0]!.type).not.toBeInstanceOf(DataType);
    const r = await g.publish('test/foreign', foreign as unknown as Table, { metadata: META });
    expect(r).toMatchObject({ created: true, version: { rowCount: 3 } });
    const back = await g.dataset('test/foreign').table();
    expect(back.toArray().map((row) => row.toJSON())).toEqual([
      { x: 1.5, name: 'a', n: 7 },
      { x: 2.5, name: 'b', n: 8 },
      { x: 3.5, name: 'a', n: 9 }
    ]);
  });

  it('refuses a first version without metadata, naming what is missing', async () => {
    const e = await failure(g.publish('test/nometa', sweep));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/"test\/nometa" is new: its first version needs record metadata/);
  });

  it('refuses an empty table before sending it', async () => {
    const empty = tableFromArrays({ k: Float64Array.from([]) });
    expect((await failure(g.publish('test/sweep', empty, { metadata: META }))).message).toMatch(/has no rows/);
  });

  it('refuses metadata that is not valid, naming the field', async () => {
    const e = await failure(g.publish('test/badmeta', sweep, { metadata: { title: '' } as never }));
    expect(e.status).toBe(400);
    expect(JSON.stringify(e.issues)).toMatch(/query\.metadata/);
  });

  it('reads CSV bodies as `genesis ingest` does (types inferred), and refuses an unknown media type (415)', async () => {
    const csv = new TextEncoder().encode('t,value\n2020-04-01,416.18\n2020-05-01,417.31\n');
    const r = await client.call('publishVersion', {
      params: { ns: 'test', name: 'csv' },
      query: { metadata: META },
      content: { type: CSV_MEDIA_TYPE, bytes: csv }
    });
    expect(r.columns.map((c) => [c.name, c.inferred])).toEqual([
      ['t', true],
      ['value', true]
    ]);
    expect(r.columns[1]!.type).toMatch(/float64/i);
    const res = await fetch(`${p.url}/api/datasets/test/csv/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/pdf' },
      body: 'x'
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /body must be application\/vnd\.apache\.arrow\.stream or .*text\/csv/
    );
  });

  it('keeps nothing of a refused upload (no version, no temporary file)', async () => {
    const res = await fetch(
      `${p.url}/api/datasets/test/broken/versions?metadata=${encodeURIComponent(JSON.stringify(META))}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/vnd.apache.arrow.stream' },
        body: tableToIPC(sweep, 'stream').subarray(0, 40)
      }
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await failure(g.record('test/broken'))).status).toBe(404);
    expect(fs.readdirSync(path.join(p.home, 'tmp')).filter((f) => f.startsWith('publish'))).toEqual([]);
  });
});

describe('job.publish (a file a job left behind)', () => {
  it('publishes the file as a new version and records the job as what generated it', async () => {
    const source = await g.publish('test/params', tableFromArrays({ k: Float64Array.from([1, 2]) }), {
      metadata: META
    });
    const job = await g.jobs.submit({
      name: 'sweep',
      executable: '/bin/sh',
      arguments: ['-c', 'printf "k,energy\\n1,0.5\\n2,0.25\\n" > out.csv'],
      stageIn: [{ dataset: 'test/params@1', target: 'params.arrow' }]
    });
    await job.wait({ live: false });
    const r = await job.publish('out.csv', 'test/sweep-out', { metadata: META });
    expect(r).toMatchObject({ created: true, generatedBy: job.id, version: { version: '1', rowCount: 2 } });
    const impact = await client.call('impact', {
      params: { ns: 'test', name: 'params', version: source.version.version }
    });
    expect(impact.derived).toEqual([expect.objectContaining({ id: 'test/sweep-out', version: '1', jobId: job.id })]);
  });

  it('refuses a path outside the job directory, through .. or a symlink, and a missing file', async () => {
    const job = await g.jobs.submit({
      name: 'links',
      executable: '/bin/sh',
      arguments: ['-c', 'ln -s /etc/passwd leak.csv']
    });
    await job.wait({ live: false });
    for (const [file, status, message] of [
      ['../../../etc/passwd', 400, /points outside the job's directory/],
      ['leak.csv', 400, /points outside the job's directory/],
      ['/etc/passwd', 400, /must be relative/],
      ['nothing.csv', 404, /left no file nothing\.csv/]
    ] as const) {
      const e = await failure(job.publish(file, 'test/leak', { metadata: META }));
      expect([file, e.status]).toEqual([file, status]);
      expect(e.message).toMatch(message);
    }
    expect((await failure(g.record('test/leak'))).status).toBe(404);
  });

  it('refuses a job that did not complete, saying why', async () => {
    const job = await g.jobs.submit({
      name: 'fails',
      executable: '/bin/sh',
      arguments: ['-c', 'echo x > out.csv; exit 3']
    });
    await job.wait({ live: false, throwOnFailure: false });
    const e = await failure(job.publish('out.csv', 'test/failed', { metadata: META }));
    expect(e.status).toBe(409);
    expect(e.message).toMatch(/is FAILED: only a completed job's files can be published/);
  });
});
