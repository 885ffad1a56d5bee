import * as fs from 'node:fs';
import * as path from 'node:path';
import { unzipSync } from 'fflate';
import { Home } from '../../src/home';
import { exportCrateFile, importCrateFile } from '../../src/provenance/home-access';
import { startPlatformProcess, tempHome } from '../support/process';
import { Session, call, datasetUse, ingestCsv, stdout } from '../support/provenance';

/** The functions the CLI calls: export a run from a home to a crate file, import it into another home. */
describe('provenance: crate export and import on homes (CLI functions)', () => {
  it('moves a run with its pinned data from one home to a fresh one', async () => {
    const from = tempHome('genesis-prov-from-');
    const co2 = await ingestCsv(from, 'test/co2', 'year,ppm\n2020,412.1\n');
    const p = await startPlatformProcess({ home: from });
    const s = new Session();
    await call(p, 'recordExecutions', {
      body: {
        executions: [
          s.cell('load', 0, 'load()', [], [datasetUse('test/co2', co2)]),
          s.cell('show', 1, 'show()', [stdout('x\n')])
        ]
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
      datasets: [{ id: 'test/co2', status: 'imported' }],
      executions: { created: 2 }
    });
    const q = await startPlatformProcess({ home: to });
    try {
      const run = await call(q, 'provenanceRun', { params: { runId: s.runId } });
      expect(run.json.executions.map((e: { cellId: string }) => e.cellId)).toEqual(['load', 'show']);
      expect(
        (await call(q, 'version', { params: { ns: 'test', name: 'co2', version: co2.version } })).json.sha256
      ).toBe(co2.sha256);
    } finally {
      await q.stop();
    }
  });
});
