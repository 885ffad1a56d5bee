import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import {
  CRATE_RUN_FILE,
  CrateRunRecord,
  Notebook,
  outputDigest,
  readNotebookProvenance,
  type RunDetail
} from '@genesis-lab/contract';
import { describeWithService } from '../support/services';
import { startPlatformProcess, tempHome, type PlatformProcess } from '../support/process';
import {
  Session,
  call,
  datasetUse,
  ingestCsv,
  provenanceToolsAvailable,
  readWithProv,
  stdout,
  validateCrate
} from '../support/provenance';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Entity {
  '@id': string;
  '@type': string | string[];
  sha256?: string;
  [k: string]: unknown;
}

/** A recorded run exported as PROV-JSON and as an RO-Crate, checked by the reference tools, then imported elsewhere. */
describeWithService(
  'prov + roc-validator (requirements-test.txt)',
  provenanceToolsAvailable,
  'provenance: export and import',
  () => {
    let home: string;
    let p: PlatformProcess;
    let s: Session;
    let co2: { version: string; sha256: string };
    let crate: Buffer;
    let work: string;
    beforeAll(async () => {
      home = tempHome('genesis-prov-export-');
      work = tempHome('genesis-prov-export-work-');
      co2 = await ingestCsv(home, 'test/co2', 'year,ppm\n2020,412.1\n2021,414.7\n');
      p = await startPlatformProcess({ home });
      s = new Session(randomUUID(), 'papers/keeling.ipynb');
      const cells = [
        s.cell('load', 0, "const t = await genesis.dataset('test/co2').table()", [], [datasetUse('test/co2', co2)]),
        s.cell('show', 1, 'console.log(t.numRows)', [stdout('2\n')]),
        s.cell(
          'fail',
          2,
          'throw new Error("boom")',
          [{ output_type: 'stream', name: 'stderr', text: 'Error: boom\n' }],
          [],
          false
        )
      ];
      expect((await call(p, 'recordExecutions', { body: { executions: cells } })).status).toBe(200);
      // A newer version published after the run: the crate must carry the pinned one.
      await ingestCsv(home, 'test/co2', 'year,ppm\n2020,412.1\n2021,414.7\n2022,417.1\n');
      const r = await call(p, 'exportCrate', { params: { runId: s.runId } });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/zip');
      crate = r.bytes;
    });
    afterAll(async () => {
      await p?.stop();
    });

    it('PROV-JSON reads back with W3C prov with the expected entities, activities, agents and relations', async () => {
      const r = await call(p, 'provJson', { params: { runId: s.runId } });
      const file = path.join(work, 'run.prov.json');
      fs.writeFileSync(file, r.bytes);
      const doc = await readWithProv(file);
      const run = (await call(p, 'provenanceRun', { params: { runId: s.runId } })).json as RunDetail;
      expect(doc.activities).toEqual(
        expect.arrayContaining([...run.executions.map((e) => `execution:${e.executionId}`), `run:${s.runId}`])
      );
      expect(doc.activities).toHaveLength(4);
      const outputs = run.executions.flatMap((e) => e.outputs.map((o) => `output:${o.sha256}`));
      expect(doc.entities).toEqual(
        expect.arrayContaining([
          ...outputs,
          ...run.executions.map((e) => `source:${e.codeSha256}`),
          `dataset:test%2Fco2%40${co2.version}`,
          `notebook:${s.notebookId}`
        ])
      );
      expect(doc.agents).toEqual(['kernel:tslab%401.0.22', 'user:ada']);
      // prov names relations by their PROV-DM record types.
      expect(doc.relations).toEqual({
        Usage: 3 + 1 + 1, // the code of each cell, the dataset version, the notebook (by the run)
        Generation: outputs.length,
        Communication: 2, // kernel order: show informed by load, fail by show
        Start: 3, // each execution started by the run
        Association: 3 * 2 + 2, // executions and the run with the user and the kernel
        Delegation: 1 // the kernel on behalf of the user
      });
      expect(doc.provn).toContain(
        `wasGeneratedBy(output:${run.executions[1]!.outputs[0]!.sha256}, execution:${run.executions[1]!.executionId}`
      );
    });

    it('the crate passes rocrate-validator (Process Run Crate 0.5, offline, context checks run) with no REQUIRED failure', async () => {
      const file = path.join(work, 'run.crate.zip');
      fs.writeFileSync(file, crate);
      const v = await validateCrate(file, path.join(work, 'cache'));
      expect(v.output).not.toMatch(/Unable to retrieve the JSON-LD context/);
      expect(v.output).toMatch(/\[OK\] RO-Crate is a valid process-run-crate-0\.5/);
      expect(v.status).toBe(0);
      // The control: without the context in its cache the same crate fails, so the checks above really ran.
      const blind = await validateCrate(file, path.join(work, 'empty-cache'), { seedCache: false });
      expect(blind.output).toMatch(/Unable to retrieve the JSON-LD context/);
      expect(blind.status).not.toBe(0);
    });

    it('the crate holds one CreateAction per execution and every file with its true sha256', () => {
      const files = unzipSync(crate);
      const meta = JSON.parse(Buffer.from(files['ro-crate-metadata.json']!).toString()) as { '@graph': Entity[] };
      const byId = new Map(meta['@graph'].map((e) => [e['@id'], e]));
      const fileEntities = meta['@graph'].filter((e) => [e['@type']].flat().includes('File'));
      expect(fileEntities.length).toBeGreaterThan(5);
      for (const f of fileEntities) {
        expect(files[f['@id']]).toBeDefined();
        expect(sha256(files[f['@id']]!)).toBe(f.sha256);
        expect(f.contentSize).toBe(files[f['@id']]!.byteLength);
      }
      const actions = meta['@graph'].filter((e) => e['@type'] === 'CreateAction');
      expect(actions).toHaveLength(3);
      const fail = actions.find((a) => String(a.name).includes('fail'))!;
      expect(fail.actionStatus).toBe('http://schema.org/FailedActionStatus');
      const load = actions.find((a) => String(a.name).includes('load'))!;
      for (const k of ['instrument', 'object', 'result', 'agent', 'startTime', 'endTime', 'actionStatus'])
        expect(load).toHaveProperty(k);
      expect(load.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      // The pinned version's data, byte for byte (not the newer one published after the run).
      const data = [load.object as { '@id': string }[]]
        .flat()
        .map((o) => byId.get(o['@id'])!)
        .find((e) => e['@id'].endsWith('.arrow'))!;
      expect(data.sha256).toBe(co2.sha256);
      expect(sha256(files[data['@id']]!)).toBe(co2.sha256);
      const show = actions.find((a) => String(a.name).includes('show'))!;
      const [result] = [show.result as { '@id': string }].flat();
      expect(outputDigest(JSON.parse(Buffer.from(files[result!['@id']]!).toString()))).toBe(
        result!['@id'].slice(8, 72)
      );
      const nb = Notebook.parse(JSON.parse(Buffer.from(files['keeling.ipynb']!).toString()));
      expect(readNotebookProvenance(nb.metadata)).toMatchObject({
        runId: s.runId,
        notebookId: s.notebookId,
        pins: { datasets: { 'test/co2': co2 } }
      });
      expect(nb.cells.map((c) => c.id)).toEqual(['load', 'show', 'fail']);
    });

    it('keeps the data out over maxDataBytes, naming the version instead', async () => {
      const r = await call(p, 'exportCrate', { params: { runId: s.runId }, query: { maxDataBytes: '0' } });
      const files = unzipSync(r.bytes);
      expect(Object.keys(files).some((f) => f.endsWith('.arrow'))).toBe(false);
      const run = CrateRunRecord.parse(JSON.parse(Buffer.from(files[CRATE_RUN_FILE]!).toString()));
      expect(run.datasets).toEqual([
        expect.objectContaining({ id: 'test/co2', version: co2.version, sha256: co2.sha256 })
      ]);
      expect(run.datasets[0]!.file).toBeUndefined();
    });

    it('imports on a fresh platform: the pinned version with its digest, the run and its executions, idempotently', async () => {
      const fresh = await startPlatformProcess({ home: tempHome('genesis-prov-import-') });
      try {
        const r = await call(fresh, 'importCrate', { raw: crate });
        expect(r.status).toBe(201);
        expect(r.json).toMatchObject({
          runId: s.runId,
          notebookId: s.notebookId,
          notebook: 'keeling.ipynb',
          datasets: [{ id: 'test/co2', version: co2.version, sha256: co2.sha256, status: 'imported' }],
          executions: { created: 3, duplicates: 0 }
        });
        const v = await call(fresh, 'version', { params: { ns: 'test', name: 'co2', version: co2.version } });
        expect(v.json.sha256).toBe(co2.sha256);
        const run = (await call(fresh, 'provenanceRun', { params: { runId: s.runId } })).json as RunDetail;
        expect(run.executions.map((e) => e.cellId)).toEqual(['load', 'show', 'fail']);
        const again = await call(fresh, 'importCrate', { raw: crate });
        expect(again.json).toMatchObject({
          datasets: [{ status: 'present' }],
          executions: { created: 0, duplicates: 3 }
        });
      } finally {
        await fresh.stop();
      }
    });

    it('refuses a damaged crate naming the file, a missing pinned version naming it, and entry names outside the crate', async () => {
      const fresh = await startPlatformProcess({ home: tempHome('genesis-prov-import-bad-') });
      try {
        const files = unzipSync(crate);
        const arrow = Object.keys(files).find((f) => f.endsWith('.arrow'))!;
        const damaged = { ...files, [arrow]: Uint8Array.from(files[arrow]!, (b, i) => (i === 100 ? b ^ 1 : b)) };
        const r1 = await call(fresh, 'importCrate', { raw: zipSync(damaged) });
        expect(r1.status).toBe(422);
        expect(r1.json.error.message).toContain(`${arrow} in the crate does not match its digest`);

        const noData = (await call(p, 'exportCrate', { params: { runId: s.runId }, query: { maxDataBytes: '0' } }))
          .bytes;
        const r2 = await call(fresh, 'importCrate', { raw: noData });
        expect(r2.status).toBe(422);
        expect(r2.json.error.message).toBe(
          `test/co2@${co2.version} (sha256 ${co2.sha256}) is pinned by the run but is neither on this platform nor in the crate`
        );
        expect(r2.json.error.hint).toContain(`genesis ingest FILE --id test/co2 --version ${co2.version}`);

        const evil = zipSync({ ...files, '../../etc/evil': strToU8('x') });
        const r3 = await call(fresh, 'importCrate', { raw: evil });
        expect(r3.status).toBe(422);
        expect(r3.json.error.message).toContain('"../../etc/evil", which points outside it');

        const r4 = await call(fresh, 'importCrate', { raw: strToU8('not a zip') });
        expect(r4.status).toBe(422);
        // Nothing of the refused crates was recorded.
        expect((await call(fresh, 'provenanceRun', { params: { runId: s.runId } })).status).toBe(404);
        expect(
          (await call(fresh, 'version', { params: { ns: 'test', name: 'co2', version: co2.version } })).status
        ).toBe(404);
      } finally {
        await fresh.stop();
      }
    });
  }
);
