import * as fs from 'node:fs';
import * as path from 'node:path';
import { GenesisClient } from '@genesis-lab/client';
import { GenesisError, ReproduceJobSpec, ReproducibilityReport } from '@genesis-lab/contract';
import { runCommand } from '@genesis-lab/notebook-runner';
import { startPlatformProcess, tempHome, type PlatformProcess } from '@genesis-lab/test-support';
import { ingestCsv } from '../../platform/test/support/provenance';
import { KERNEL_SEARCH, REPO_ROOT, VENV, notebookCopy, requireKernel } from './support/kernels';

/**
 * `POST /api/provenance/runs/{runId}/reproductions` through the client core (what the extension
 * calls): a real platform (`genesis serve`, which names the runner's job program), the
 * reproduction a real job on the local facility, a real tslab kernel; the report recorded as
 * the job runs and when it ends.
 */

let p: PlatformProcess;
let client: GenesisClient;
let home: string;
beforeAll(async () => {
  requireKernel('tslab');
  home = tempHome('genesis-reproduction-route-');
  await ingestCsv(home, 'test/co2', 'year,ppm\n2019,411.4\n2020,414.2\n2021,416.4\n');
  fs.writeFileSync(
    path.join(home, 'facilities.json'),
    JSON.stringify({ facilities: [{ name: 'local', kind: 'local' }] })
  );
  // The platform runs in the project's environment (as the lab's supervisor starts it): its jobs find the kernels there.
  p = await startPlatformProcess({ home, env: { VIRTUAL_ENV: VENV } });
  client = new GenesisClient({ url: p.url, token: p.token });
}, 120_000);
afterAll(async () => {
  await p?.stop();
});

async function finalReport(reproductionId: string, timeoutMs = 150_000): Promise<ReproducibilityReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await client.call('reproduction', { params: { reproductionId } });
    if (r.state !== 'running') return r;
    if (Date.now() > deadline) throw new Error(`reproduction ${reproductionId} still running after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

describe('POST /api/provenance/runs/{runId}/reproductions', () => {
  let file: string;
  let runId: string;
  beforeAll(async () => {
    file = notebookCopy('co2.ipynb');
    ({ runId } = await runCommand({
      notebook: file,
      connect: { url: p.url, token: p.token },
      kernelSearch: KERNEL_SEARCH
    }));
  }, 120_000);

  it('starts a job on the local facility whose report, linked to the run, says every cell reproduced', async () => {
    const started = await client.call('startReproduction', {
      params: { runId },
      body: {
        notebook: JSON.parse(fs.readFileSync(file, 'utf8')),
        notebookName: 'co2.ipynb',
        // The notebook's project: where the kernel finds @genesis-lab/kernel.
        directory: REPO_ROOT
      }
    });
    // The report exists from the answer on (running, then the job's own).
    const first = await client.call('reproduction', { params: { reproductionId: started.reproductionId } });
    expect(first).toMatchObject({ originalRunId: runId, facility: 'local' });
    const report = await finalReport(started.reproductionId);
    if (report.state === 'failed') throw new Error(report.message);
    expect(report).toMatchObject({
      state: 'completed',
      reproducible: true,
      jobId: started.jobId,
      originalRunId: runId
    });
    expect(report.cells.map((c) => [c.cellId, c.status])).toEqual([
      ['setup', 'reproduced'],
      ['pull', 'reproduced'],
      ['mean', 'reproduced'],
      ['stamp', 'reproduced']
    ]);
    expect(Object.keys(report.pins)).toEqual(['test/co2']);
    expect(fs.readFileSync(`${started.directory}/report.md`, 'utf8')).toContain('**Reproduced**: 4 of 4 cells');
    // The run lists it: the report is a PROV activity linked to the original run.
    const run = await client.call('provenanceRun', { params: { runId } });
    expect(JSON.stringify(run)).toContain(started.reproductionId);
  }, 180_000);

  /** Start a reproduction of the run and read the spec its job got (0600, with the job's own token). */
  async function startWithSpec(): Promise<{ reproductionId: string; jobId: string; specFile: string; token: string }> {
    const started = await client.call('startReproduction', {
      params: { runId },
      body: { notebook: JSON.parse(fs.readFileSync(file, 'utf8')), notebookName: 'co2.ipynb', directory: REPO_ROOT }
    });
    const specFile = path.join(started.directory, 'reproduction.json');
    expect(fs.statSync(specFile).mode & 0o777).toBe(0o600);
    const spec = ReproduceJobSpec.parse(JSON.parse(fs.readFileSync(specFile, 'utf8')));
    expect(spec.platform.token).not.toBe(p.token);
    return { ...started, specFile, token: spec.platform.token };
  }
  const tokenStatus = async (token: string) =>
    (await fetch(`${p.url}/api/access/me`, { headers: { authorization: `Bearer ${token}` } })).status;
  /** The cleanup follows the job's end (a moment after the final report). */
  async function ended(specFile: string, token: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while ((fs.existsSync(specFile) || (await tokenStatus(token)) !== 401) && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 200));
    expect(fs.existsSync(specFile)).toBe(false);
    expect(await tokenStatus(token)).toBe(401);
  }

  it("when it ends, the job's spec file is gone and the run-scoped token it carried no longer works", async () => {
    const { reproductionId, specFile, token } = await startWithSpec();
    expect(await tokenStatus(token)).toBe(200);
    const tokens = await client.call('listTokens', {});
    expect(tokens.tokens.find((t) => t.name === `reproduction ${reproductionId}`)).toMatchObject({
      scopes: ['read', 'write', 'run']
    });
    const report = await finalReport(reproductionId);
    expect(report.state).toBe('completed');
    await ended(specFile, token);
  }, 180_000);

  it('a canceled reproduction: recorded failed, spec file gone, token revoked', async () => {
    const { reproductionId, jobId, specFile, token } = await startWithSpec();
    await client.call('cancelJob', { params: { id: jobId } });
    const report = await finalReport(reproductionId);
    expect(report).toMatchObject({ state: 'failed', reproducible: false });
    await ended(specFile, token);
  }, 180_000);

  it('refuses bad input with a 4xx naming what was wrong', async () => {
    const fail = async (input: Parameters<typeof client.call<'startReproduction'>>[1]) => {
      try {
        await client.call('startReproduction', input);
      } catch (e) {
        expect(e).toBeInstanceOf(GenesisError);
        return e as GenesisError;
      }
      throw new Error('expected an error');
    };
    const unknown = await fail({ params: { runId: '00000000-0000-4000-8000-000000000000' }, body: {} });
    expect(unknown.status).toBe(404);
    const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
    nb.cells[3].metadata = { genesis: { tolerance: { rel: -1 } } };
    const tolerance = await fail({ params: { runId }, body: { notebook: nb } });
    expect(tolerance.status).toBe(400);
    expect(tolerance.message).toMatch(/cell "mean" \(cell 4\) metadata\.genesis\.tolerance\.rel/);
    const dir = await fail({ params: { runId }, body: { directory: 'relative/dir' } });
    expect(dir.message).toMatch(/directory: must be an absolute path/);
  });
});

describe('a reproduction the platform was stopped during', () => {
  it('is ended when the platform starts again: spec file gone, token revoked', async () => {
    const file = notebookCopy('co2.ipynb');
    const { runId } = await runCommand({
      notebook: file,
      connect: { url: p.url, token: p.token },
      kernelSearch: KERNEL_SEARCH
    });
    const started = await client.call('startReproduction', {
      params: { runId },
      body: { notebook: JSON.parse(fs.readFileSync(file, 'utf8')), notebookName: 'co2.ipynb', directory: REPO_ROOT }
    });
    const specFile = path.join(started.directory, 'reproduction.json');
    const { token } = ReproduceJobSpec.parse(JSON.parse(fs.readFileSync(specFile, 'utf8'))).platform;
    await p.stop();
    p = await startPlatformProcess({ home, env: { VIRTUAL_ENV: VENV } });
    client = new GenesisClient({ url: p.url, token: p.token });
    const deadline = Date.now() + 150_000;
    const status = async () =>
      (await fetch(`${p.url}/api/access/me`, { headers: { authorization: `Bearer ${token}` } })).status;
    while ((fs.existsSync(specFile) || (await status()) !== 401) && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 250));
    expect(fs.existsSync(specFile)).toBe(false);
    expect(await status()).toBe(401);
    expect((await finalReport(started.reproductionId)).state).not.toBe('running');
  }, 240_000);
});

describe('a platform started outside the project environment', () => {
  it('runs a platform-started reproduction: the kernel is found in the genesis_lab environment, not via VIRTUAL_ENV or PATH', async () => {
    const bare = tempHome('genesis-reproduction-bare-');
    await ingestCsv(bare, 'test/co2', 'year,ppm\n2019,411.4\n2020,414.2\n2021,416.4\n');
    fs.writeFileSync(
      path.join(bare, 'facilities.json'),
      JSON.stringify({ facilities: [{ name: 'local', kind: 'local' }] })
    );
    const PATH = (process.env.PATH ?? '')
      .split(path.delimiter)
      .filter((d) => !d.startsWith(VENV))
      .join(path.delimiter);
    const outside = await startPlatformProcess({
      home: bare,
      env: { VIRTUAL_ENV: '', CONDA_PREFIX: '', GENESIS_VENV: '', GENESIS_KERNEL_ENVIRONMENTS: '', PATH }
    });
    try {
      const file = notebookCopy('co2.ipynb');
      const { runId } = await runCommand({
        notebook: file,
        connect: { url: outside.url, token: outside.token },
        kernelSearch: KERNEL_SEARCH
      });
      const c = new GenesisClient({ url: outside.url, token: outside.token });
      const started = await c.call('startReproduction', {
        params: { runId },
        body: { notebook: JSON.parse(fs.readFileSync(file, 'utf8')), notebookName: 'co2.ipynb', directory: REPO_ROOT }
      });
      const deadline = Date.now() + 150_000;
      let report = await c.call('reproduction', { params: { reproductionId: started.reproductionId } });
      while (report.state === 'running' && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 250));
        report = await c.call('reproduction', { params: { reproductionId: started.reproductionId } });
      }
      if (report.state === 'failed') throw new Error(report.message);
      expect(report).toMatchObject({ state: 'completed', reproducible: true });
    } finally {
      await outside.stop();
    }
  }, 240_000);
});
