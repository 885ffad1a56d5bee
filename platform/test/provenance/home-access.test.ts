import * as fs from 'node:fs';
import * as path from 'node:path';
import { unzipSync } from 'fflate';
import { Home } from '../../src/home';
import { exportCrateFile, importCrateFile } from '../../src/provenance/home-access';
import { startPlatformProcess, tempHome } from '../support/process';
import { provNodeId, type ProvGraph } from '@genesis-lab/contract';
import { Session, call, datasetUse, ingestCsv, jobUse, stdout } from '../support/provenance';

/** The functions the CLI calls: export a run from a home to a crate file, import it into another home. */
describe('provenance: crate export and import on homes (CLI functions)', () => {
  it('moves a run with its pinned data from one home to a fresh one', async () => {
    const from = tempHome('genesis-prov-from-');
    const co2 = await ingestCsv(from, 'test/co2', 'year,ppm\n2020,412.1\n');
    const trend = await ingestCsv(from, 'test/trend', 'year,slope\n2021,2.6\n');
    const p = await startPlatformProcess({ home: from });
    // Another run submitted a job that used test/co2 and generated test/trend.
    const fitter = new Session();
    await call(p, 'recordExecutions', {
      body: { executions: [fitter.cell('fit', 0, 'fit()', [], [jobUse('j-fit', 'awaited', 'COMPLETED')])] }
    });
    await call(p, 'recordGeneration', {
      body: { dataset: { id: 'test/trend', version: trend.version }, jobId: 'j-fit' }
    });
    const s = new Session();
    const load = s.cell('load', 0, 'load()', [], [datasetUse('test/co2', co2), datasetUse('test/trend', trend)]);
    const show = s.cell('show', 1, 'show()', [stdout('x\n')]);
    await call(p, 'recordExecutions', {
      body: {
        executions: [load, show]
      }
    });
    await p.stop();

    const file = path.join(tempHome('genesis-prov-crate-'), 'run.crate.zip');
    const bytes = exportCrateFile(new Home(from), s.runId, file, { maxDataBytes: 1 << 20 });
    expect(fs.statSync(file).size).toBe(bytes);
    expect(Object.keys(unzipSync(fs.readFileSync(file)))).toContain(`datasets/test/co2/${co2.version}.arrow`);

    const to = tempHome('genesis-prov-to-');
    const result = await importCrateFile(new Home(to), file);
    expect(result).toMatchObject({
      runId: s.runId,
      datasets: [
        { id: 'test/co2', status: 'imported' },
        { id: 'test/trend', status: 'imported' }
      ],
      executions: { created: 2 }
    });
    const q = await startPlatformProcess({ home: to });
    try {
      const run = await call(q, 'provenanceRun', { params: { runId: s.runId } });
      expect(run.json.executions.map((e: { cellId: string }) => e.cellId)).toEqual(['load', 'show']);
      expect(
        (await call(q, 'version', { params: { ns: 'test', name: 'co2', version: co2.version } })).json.sha256
      ).toBe(co2.sha256);
      // The job that generated test/trend came along, though this platform never ran it.
      const graph = (await call(q, 'lineage', { query: { output: show.outputs[0]!.sha256 } })).json as ProvGraph;
      expect(graph.nodes.find((n) => n.kind === 'job')).toMatchObject({ jobId: 'j-fit', state: 'COMPLETED' });
      expect(graph.edges).toContainEqual(
        expect.objectContaining({
          relation: 'wasGeneratedBy',
          from: provNodeId.datasetVersion('test/trend', trend.version),
          to: provNodeId.job('j-fit')
        })
      );
    } finally {
      await q.stop();
    }
  });
});
