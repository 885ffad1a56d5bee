import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { NotebookProvenance, ReproducibilityReport, RunDetail } from '@genesis-lab/contract';
import {
  authedFetch,
  GENESIS_BIN,
  platformWithFacilities,
  publishPlaneModel,
  removeTempDirs,
  requireBuilt,
  startPlatformProcess,
  tempDir,
  tempHome,
  trainPlaneModel,
  type PlatformProcess
} from '@genesis-lab/test-support';
import { ingestCsv } from '../../platform/test/support/provenance';
import { VENV, notebookCopy, requireKernel } from '../../runner/test/support/kernels';

/**
 * `genesis run`, `genesis reproduce` and `genesis provenance` as a user types them: the built
 * CLI as a process, a real platform with the local facility, reproductions as real jobs, a real
 * tslab kernel, no browser.
 */

const exec = promisify(execFile);
interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}
const CO2 = 'year,ppm\n2019,411.4\n2020,414.2\n2021,416.4\n';

let home: string;
let p: PlatformProcess;
let recorded: { version: string; sha256: string };
beforeAll(async () => {
  requireBuilt();
  requireKernel('tslab');
  home = tempHome('genesis-cli-reproduce-');
  recorded = await ingestCsv(home, 'test/co2', CO2);
  ({ p } = await platformWithFacilities([{ name: 'local', kind: 'local' }], home));
}, 120_000);
afterAll(async () => {
  await p?.stop();
});

/** The CLI against a platform (default: the test platform), in the project's environment (its kernels). */
async function genesis(args: string[], on: PlatformProcess = p): Promise<Ran> {
  try {
    const r = await exec(process.execPath, [GENESIS_BIN, ...args], {
      env: { ...process.env, GENESIS_URL: on.url, GENESIS_TOKEN: on.token, VIRTUAL_ENV: VENV },
      maxBuffer: 64 * 1024 * 1024
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const readJson = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8'));
const report = (f: string) => ReproducibilityReport.parse(readJson(f));

describe('genesis run, then genesis reproduce', () => {
  let file: string;
  let runId: string;
  let dir: string;

  beforeAll(async () => {
    file = notebookCopy('co2.ipynb');
    dir = path.dirname(file);
    const r = await genesis(['run', file]);
    expect(r).toMatchObject({ code: 0 });
    runId = NotebookProvenance.parse(readJson(file).metadata.genesis).runId!;
  }, 120_000);

  it('genesis run writes outputs and metadata.genesis (run id, pins) back, every cell recorded', async () => {
    const nb = readJson(file);
    const meta = NotebookProvenance.parse(nb.metadata.genesis);
    expect(meta.pins.datasets).toEqual({ 'test/co2': recorded });
    expect(nb.cells[2].outputs.map((o: { text?: string[] }) => (o.text ?? []).join(''))).toContain(
      'rows above 413: 2\n'
    );
    const run = RunDetail.parse(await (await authedFetch(p, `/api/provenance/runs/${runId}`)).json());
    expect(run.executions.map((e) => [e.cellId, e.success])).toEqual([
      ['setup', true],
      ['pull', true],
      ['mean', true],
      ['stamp', true]
    ]);
  });

  it('reproduces every cell, writes --report-json/--report-md, exit 0', async () => {
    const json = path.join(dir, 'r1.json');
    const md = path.join(dir, 'r1.md');
    const r = await genesis(['reproduce', file, '--report-json', json, '--report-md', md]);
    expect(r.stderr).toMatch(/pinned test\/co2@/);
    expect(r.stderr).toMatch(/\[4\/4\] stamp ok/);
    expect(r.code).toBe(0);
    const rep = report(json);
    expect(rep).toMatchObject({ originalRunId: runId, reproducible: true, state: 'completed', unpinned: [] });
    expect(rep.cells.map((c) => c.status)).toEqual(['reproduced', 'reproduced', 'reproduced', 'reproduced']);
    expect(fs.readFileSync(md, 'utf8')).toContain('**Reproduced**: 4 of 4 cells reproduced.');
    expect(r.stdout).toBe(fs.readFileSync(md, 'utf8'));
  }, 180_000);

  it('after a new version of its dataset is published, reproduce still reads the recorded version', async () => {
    const newer = await ingestCsv(home, 'test/co2', CO2 + '2022,418.5\n2023,421.1\n');
    expect(newer.version).not.toBe(recorded.version);
    // The platform now serves the newer version as latest.
    const latest = (await (await authedFetch(p, '/api/datasets/test/co2/versions/latest')).json()) as {
      version: string;
    };
    expect(latest.version).toBe(newer.version);

    const json = path.join(dir, 'r2.json');
    const out = path.join(dir, 'r2');
    const r = await genesis(['reproduce', file, '--report-json', json, '--output-dir', out]);
    expect(r.code).toBe(0);
    const rep = report(json);
    expect(rep.pins).toEqual({ 'test/co2': recorded });
    expect(rep.unpinned).toEqual([]);
    expect(rep.cells.map((c) => c.status)).toEqual(['reproduced', 'reproduced', 'reproduced', 'reproduced']);
    // The reproduced notebook's lineage names the recorded version, pinned (not latest).
    const reproduced = readJson(path.join(out, 'co2.ipynb'));
    const lineage = reproduced.cells[2].outputs.find(
      (o: { data?: Record<string, unknown> }) => o.data?.['application/vnd.genesis.lineage+json']
    ).data['application/vnd.genesis.lineage+json'];
    expect(JSON.stringify(lineage)).toContain(`"version":"${recorded.version}"`);
    expect(JSON.stringify(lineage)).toContain('"pinned":true');
  }, 180_000);

  it('a ref the run never recorded resolves to latest, and the report says so', async () => {
    const nb = readJson(file);
    nb.cells.push({
      cell_type: 'code',
      id: 'other',
      metadata: {},
      source: 'const o = await genesis.dataset("test/other").table({ display: false });\nconsole.log(o.numRows);',
      outputs: [],
      execution_count: null
    });
    const edited = path.join(dir, 'other.ipynb');
    fs.writeFileSync(edited, JSON.stringify(nb));
    const other = await ingestCsv(home, 'test/other', 'a,b\n1,2\n');
    const md = path.join(dir, 'r3.md');
    const json = path.join(dir, 'r3.json');
    const r = await genesis(['reproduce', edited, '--report-json', json, '--report-md', md]);
    const rep = report(json);
    expect(rep.unpinned.map((u) => [u.ref, u.version, u.cellId])).toEqual([['test/other', other.version, 'other']]);
    expect(fs.readFileSync(md, 'utf8')).toMatch(/Not pinned.*resolved to latest/);
    // Its output was never recorded: it differs; the recorded cells reproduced.
    expect(rep.cells.map((c) => [c.cellId, c.status])).toEqual([
      ['setup', 'reproduced'],
      ['pull', 'reproduced'],
      ['mean', 'reproduced'],
      ['stamp', 'reproduced'],
      ['other', 'differs']
    ]);
    expect(r.code).toBe(1);
  }, 180_000);

  it('a changed filter: exactly that cell differs, with the diff; exit 1', async () => {
    const nb = readJson(file);
    nb.cells[2].source = nb.cells[2].source
      .join('')
      .replace('args: [{ property: "ppm" }, threshold]', 'args: [{ property: "ppm" }, threshold - 2]');
    const edited = path.join(dir, 'filter.ipynb');
    fs.writeFileSync(edited, JSON.stringify(nb));
    const json = path.join(dir, 'r4.json');
    const r = await genesis(['reproduce', edited, '--report-json', json]);
    expect(r.code).toBe(1);
    const rep = report(json);
    expect(rep.cells.map((c) => [c.cellId, c.status])).toEqual([
      ['setup', 'reproduced'],
      ['pull', 'differs'],
      ['mean', 'reproduced'],
      ['stamp', 'reproduced']
    ]);
    const pull = rep.cells[1]!;
    if (pull.status !== 'differs') throw new Error('pull must differ');
    expect(pull.diff).toContain('-rows above 413: 2');
    expect(pull.diff).toContain('+rows above 413: 3');
    expect(r.stdout).toContain('## cell 3 (pull) differs');
  }, 180_000);

  it('a failing cell: it is reported failed and every later cell is reported too (none skipped)', async () => {
    const nb = readJson(file);
    nb.cells[2].source = 'throw new Error("no data today")';
    const edited = path.join(dir, 'failing.ipynb');
    fs.writeFileSync(edited, JSON.stringify(nb));
    const json = path.join(dir, 'r5.json');
    const r = await genesis(['reproduce', edited, '--report-json', json]);
    expect(r.code).toBe(1);
    const rep = report(json);
    expect(rep.cells.map((c) => [c.cellId, c.status])).toEqual([
      ['setup', 'reproduced'],
      ['pull', 'failed'],
      ['mean', 'reproduced'],
      ['stamp', 'reproduced']
    ]);
    expect(rep.summary).toMatchObject({ total: 4, failed: 1, notRun: 0 });
  }, 180_000);

  it('malformed tolerance metadata is refused before any job, naming the cell (exit 2)', async () => {
    const nb = readJson(file);
    nb.cells[3].metadata = { genesis: { tolerance: { abs: 'small' } } };
    const edited = path.join(dir, 'tolerance.ipynb');
    fs.writeFileSync(edited, JSON.stringify(nb));
    const r = await genesis(['reproduce', edited]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cell "mean" \(cell 4\) metadata\.genesis\.tolerance\.abs/);
  });

  it('genesis provenance export --prov, lineage of an output, impact of the dataset version', async () => {
    const prov = await genesis(['provenance', 'export', runId, '--prov']);
    expect(prov.code).toBe(0);
    const doc = JSON.parse(prov.stdout);
    expect(Object.keys(doc.activity ?? {}).length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(doc.entity)).toContain(recorded.sha256);

    const run = RunDetail.parse(await (await authedFetch(p, `/api/provenance/runs/${runId}`)).json());
    const out = run.executions[1]!.outputs[0]!.sha256;
    const lineage = await genesis(['provenance', 'lineage', '--output', out]);
    expect(lineage.code).toBe(0);
    expect(lineage.stdout).toMatch(/datasetVersion\s+test\/co2@/);

    const impact = await genesis(['provenance', 'impact', `test/co2@${recorded.version}`]);
    expect(impact.code).toBe(0);
    expect(impact.stdout).toContain(runId);

    const bad = await genesis(['provenance', 'lineage']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/give exactly one of "output"/);
  });
});

describe('genesis reproduce pins the models a run used and what its jobs staged in', () => {
  let file: string;
  let runId: string;
  let dir: string;
  let model: { version: string; sha256: string };
  let staged: { version: string; sha256: string };

  beforeAll(async () => {
    const trained = trainPlaneModel(tempDir('genesis-cli-plane-'), [], 7);
    await publishPlaneModel(p, trained, 'test/plane');
    file = notebookCopy('model-and-job.ipynb');
    dir = path.dirname(file);
    const r = await genesis(['run', file]);
    expect(r).toMatchObject({ code: 0 });
    const meta = NotebookProvenance.parse(readJson(file).metadata.genesis);
    runId = meta.runId!;
    model = meta.pins.models['test/plane']!;
    staged = meta.pins.datasets['test/co2']!;
  }, 180_000);
  afterAll(() => removeTempDirs());

  it("the job's stage-in without a version is recorded with the version staged at submit", async () => {
    expect(model).toBeDefined();
    const latest = (await (await authedFetch(p, '/api/datasets/test/co2/versions/latest')).json()) as {
      version: string;
      sha256: string;
    };
    expect(staged).toEqual({ version: latest.version, sha256: latest.sha256 });
    const run = RunDetail.parse(await (await authedFetch(p, `/api/provenance/runs/${runId}`)).json());
    const use = run.executions.flatMap((e) => e.lineage).find((l) => l.kind === 'job' && l.action === 'submitted');
    expect(use).toMatchObject({ stagedIn: [{ ref: 'test/co2', id: 'test/co2', version: latest.version }] });
    const job = (await (await authedFetch(p, `/api/jobs/${(use as { jobId: string }).jobId}`)).json()) as {
      spec: { stageIn: { dataset?: string }[] };
    };
    expect(job.spec.stageIn[0]!.dataset).toBe(`test/co2@${latest.version}`);
  });

  it('after newer model and dataset versions are published, reproduce uses the recorded ones and says so', async () => {
    const newerData = await ingestCsv(home, 'test/co2', CO2 + '2022,418.5\n2023,421.1\n2024,424.6\n');
    expect(newerData.version).not.toBe(staged.version);
    const newerModel = await publishPlaneModel(p, trainPlaneModel(tempDir('genesis-cli-plane-'), [], 8), 'test/plane');
    expect(newerModel.version).not.toBe(model.version);

    const json = path.join(dir, 'pinned.json');
    const md = path.join(dir, 'pinned.md');
    const out = path.join(dir, 'pinned');
    const r = await genesis(['reproduce', file, '--report-json', json, '--report-md', md, '--output-dir', out]);
    expect(r.stderr).toContain(`pinned model test/plane@${model.version}`);
    expect(r.stderr).toContain(`pinned test/co2@${staged.version}`);
    expect(r.code).toBe(0);
    const rep = report(json);
    expect(rep.pinnedModels).toEqual({ 'test/plane': model });
    expect(rep.pins).toEqual({ 'test/co2': staged });
    expect(rep.unpinned).toEqual([]);
    expect(rep.cells.map((c) => c.status)).toEqual(['reproduced', 'reproduced', 'reproduced']);
    expect(fs.readFileSync(md, 'utf8')).toContain(`- model \`test/plane@${model.version}\``);
    // The job carried a token of its own, revoked now, and its spec file (which held it) is gone.
    expect(fs.existsSync(path.join(out, 'reproduction.json'))).toBe(false);
    const tokens = (await (await authedFetch(p, '/api/access/tokens')).json()) as {
      tokens: { name: string; revokedAt?: string }[];
    };
    expect(tokens.tokens.find((t) => t.name === `reproduction ${rep.reproductionId}`)).toMatchObject({
      revokedAt: expect.any(String)
    });
    // The reproduction's own lineage: the recorded model version and stage-in, each pinned.
    const lineage = readJson(path.join(out, 'model-and-job.ipynb')).cells.flatMap(
      (c: { outputs?: { data?: Record<string, unknown> }[] }) =>
        (c.outputs ?? []).flatMap((o) => {
          const l = o.data?.['application/vnd.genesis.lineage+json'];
          return l ? [l] : [];
        })
    );
    expect(lineage).toContainEqual(expect.objectContaining({ kind: 'model', version: model.version, pinned: true }));
    expect(lineage).toContainEqual(
      expect.objectContaining({
        kind: 'job',
        stagedIn: [expect.objectContaining({ version: staged.version, pinned: true })]
      })
    );
  }, 240_000);
});

describe('genesis reproduce of a notebook never run with Genesis', () => {
  it('runs against latest and says so up front', async () => {
    const file = notebookCopy('co2.ipynb');
    const r = await genesis(['reproduce', file]);
    expect(r.stderr.split('\n')[0]).toBe(
      'This notebook was never run with Genesis: nothing is pinned, every dataset ref resolves to its latest version.'
    );
    expect(r.stdout).toContain('never run with Genesis');
    expect(r.code).toBe(1);
  }, 180_000);
});

describe('genesis reproduce of an exported crate, on a fresh platform', () => {
  let file: string;
  let runId: string;
  let crate: string;
  let used: string;
  beforeAll(async () => {
    file = notebookCopy('co2.ipynb');
    expect((await genesis(['run', file])).code).toBe(0);
    const meta = NotebookProvenance.parse(readJson(file).metadata.genesis);
    runId = meta.runId!;
    used = `test/co2@${meta.pins.datasets['test/co2']!.version}`;
    crate = path.join(path.dirname(file), 'co2.crate.zip');
    const r = await genesis(['provenance', 'export', runId, '--crate', '--notebook', file, '-o', crate]);
    expect(r.code).toBe(0);
  }, 120_000);

  it('imports its dataset versions into an empty home and reproduces every cell', async () => {
    const { p: fresh } = await platformWithFacilities(
      [{ name: 'local', kind: 'local' }],
      tempHome('genesis-cli-empty-')
    );
    try {
      const json = path.join(path.dirname(file), 'crate-report.json');
      const r = await genesis(
        ['reproduce', crate, '--report-json', json, '--output-dir', path.join(path.dirname(file), 'reproduction')],
        fresh
      );
      expect(r.stderr).toMatch(/imported .*co2\.crate\.zip: run .*, 1 dataset version\(s\) \(test\/co2@\S+ imported\)/);
      expect(r.code).toBe(0);
      const rep = report(json);
      expect(rep).toMatchObject({ originalRunId: runId, reproducible: true });
      expect(rep.cells.map((c) => c.status)).toEqual(['reproduced', 'reproduced', 'reproduced', 'reproduced']);
    } finally {
      await fresh.stop();
    }
  }, 240_000);

  it('a crate whose file digest does not match is refused, naming the file', async () => {
    const { unzipSync, zipSync } = await import('fflate');
    const files = unzipSync(new Uint8Array(fs.readFileSync(crate)));
    const data = Object.keys(files).find((n) => n.startsWith('datasets/'))!;
    expect(data).toBeDefined();
    files[data] = new Uint8Array([...files[data]!, 1]);
    const tampered = path.join(path.dirname(file), 'tampered.zip');
    fs.writeFileSync(tampered, zipSync(files));
    const fresh = await startPlatformProcess({ home: tempHome('genesis-cli-tampered-') });
    try {
      const r = await genesis(['provenance', 'import', tampered], fresh);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${data} in the crate does not match its digest`);
    } finally {
      await fresh.stop();
    }
  }, 120_000);

  it('a pinned version neither on the platform nor in the crate is refused, naming it and how to import it', async () => {
    const lean = path.join(path.dirname(file), 'lean.zip');
    expect((await genesis(['provenance', 'export', runId, '--max-data-bytes', '0', '-o', lean])).code).toBe(0);
    const { p: fresh } = await platformWithFacilities(
      [{ name: 'local', kind: 'local' }],
      tempHome('genesis-cli-lean-')
    );
    try {
      const r = await genesis(['reproduce', lean], fresh);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(used);
      expect(r.stderr).toMatch(/import/i);
    } finally {
      await fresh.stop();
    }
  }, 120_000);
});
