import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { JobsClient } from '@genesis-lab/kernel';
import { provNodeId, type ProvGraph, type RunDetail } from '@genesis-lab/contract';
import { startPlatformProcess, tempHome, type PlatformProcess } from '../support/process';
import { untilFinal } from '../support/jobs';
import { Session, call, datasetUse, ingestCsv, jobUse, stdout } from '../support/provenance';

/** Capture, idempotency, durability and the graph queries, against a real platform process. */
describe('provenance: recording and queries', () => {
  let home: string;
  let p: PlatformProcess;
  let co2: { version: string; sha256: string };
  beforeAll(async () => {
    home = tempHome('genesis-prov-');
    co2 = await ingestCsv(home, 'test/co2', 'year,ppm\n2020,412.1\n2021,414.7\n');
    fs.writeFileSync(
      path.join(home, 'facilities.json'),
      JSON.stringify({ facilities: [{ name: 'local', kind: 'local' }] })
    );
    p = await startPlatformProcess({ home });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('records a batch once: a resend is a duplicate, the same id with other content is 409', async () => {
    const s = new Session();
    const batch = [s.cell('a', 0, 'const x = 1;'), s.cell('b', 1, 'console.log(x)', [stdout('1\n')])];
    const first = await call(p, 'recordExecutions', { body: { executions: batch } });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ created: 2, duplicates: 0 });
    const again = await call(p, 'recordExecutions', { body: { executions: batch } });
    expect(again.json).toMatchObject({ created: 0, duplicates: 2 });
    const run = (await call(p, 'provenanceRun', { params: { runId: s.runId } })).json as RunDetail;
    expect(run.executions.map((e) => e.cellId)).toEqual(['a', 'b']);
    expect(run.run).toMatchObject({ executions: 2, failed: 0, cells: 2, user: 'ada', recordedBy: 'runner' });

    const changed = { ...batch[1]!, success: false };
    const conflict = await call(p, 'recordExecutions', { body: { executions: [s.cell('c', 2, '1'), changed] } });
    expect(conflict.status).toBe(409);
    expect(conflict.json.error.message).toContain(batch[1]!.executionId);
    // All or nothing: the new cell of the refused batch was not stored either.
    expect((await call(p, 'provenanceRun', { params: { runId: s.runId } })).json.executions).toHaveLength(2);
  });

  it('refuses a malformed capture naming the field', async () => {
    const s = new Session();
    const bad = { ...s.cell('a', 0, 'x'), codeSha256: 'f'.repeat(64) };
    const r = await call(p, 'recordExecutions', { body: { executions: [bad] } });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toBe('Invalid body at body.executions[0].codeSha256: is not the sha256 of code');
  });

  it('keeps every acknowledged execution across a platform crash between batches', async () => {
    const crashHome = tempHome('genesis-prov-crash-');
    let q = await startPlatformProcess({ home: crashHome });
    const s = new Session();
    const acked: string[] = [];
    for (let i = 0; i < 5; i++) {
      const e = s.cell(`c${i}`, i, `cell ${i}`, [stdout(`${i}\n`)]);
      const r = await call(q, 'recordExecutions', { body: { executions: [e] } });
      expect(r.status).toBe(200);
      acked.push(e.executionId);
      if (i === 2) {
        await q.kill(); // SIGKILL: no shutdown hook runs
        q = await startPlatformProcess({ home: crashHome });
      }
    }
    await q.kill();
    q = await startPlatformProcess({ home: crashHome });
    const run = (await call(q, 'provenanceRun', { params: { runId: s.runId } })).json as RunDetail;
    expect(run.executions.map((e) => e.executionId)).toEqual(acked);
    expect(run.executions[4]!.outputs[0]!.stored).toBe(true);
    await q.stop();
  });

  it('answers runs, staleness, pins and the timeline', async () => {
    const notebookId = randomUUID();
    const older = new Session(notebookId);
    await call(p, 'recordExecutions', { body: { executions: [older.cell('a', 0, 'x')] } });
    const s = new Session(notebookId);
    const cells = [
      s.cell('load', 0, "const t = await genesis.dataset('test/co2').table()", [], [datasetUse('test/co2', co2)]),
      s.cell('plot', 2, 'plot(t)', [stdout('ok\n')]),
      s.cell('mid', 1, 'const y = 2'),
      s.cell('load', 0, "const t = await genesis.dataset('test/co2').table()", [], [datasetUse('test/co2', co2)])
    ];
    await call(p, 'recordExecutions', { body: { executions: cells } });
    const list = await call(p, 'notebookRuns', { params: { notebookId }, query: { limit: '1' } });
    expect(list.json.runs.map((r: { runId: string }) => r.runId)).toEqual([s.runId]);
    const next = await call(p, 'notebookRuns', {
      params: { notebookId },
      query: { limit: '1', cursor: list.json.nextCursor }
    });
    expect(next.json.runs.map((r: { runId: string }) => r.runId)).toEqual([older.runId]);
    expect(next.json.nextCursor).toBeUndefined();

    const run = (await call(p, 'provenanceRun', { params: { runId: s.runId } })).json as RunDetail;
    expect(Object.fromEntries(run.staleness.map((c) => [c.cellId, c.flags]))).toEqual({
      load: [],
      mid: [{ kind: 'upstream-rerun', cells: ['load'] }],
      plot: [
        { kind: 'out-of-order', cells: ['mid'] },
        { kind: 'upstream-rerun', cells: ['load'] }
      ]
    });
    expect(run.pins.datasets).toEqual({ 'test/co2': co2 });
    const tl = (await call(p, 'runTimeline', { params: { runId: s.runId } })).json;
    expect(tl.entries.map((e: { kind: string; cellId?: string }) => e.cellId)).toEqual(['load', 'plot', 'mid', 'load']);
    expect(tl.entries[0].datasets).toEqual([{ id: 'test/co2', ...co2 }]);
    expect(tl.entries[0].durationMs).toBe(250);
    expect((await call(p, 'provenanceRun', { params: { runId: randomUUID() } })).status).toBe(404);
  });

  it('answers what produced an output, through a job and the dataset version it generated, and the impact', async () => {
    // A job stages test/co2 in; its product is published as test/trend and recorded as generated by it.
    const jobs = new JobsClient(p);
    const { job } = await jobs.submit({
      name: 'fit',
      executable: '/bin/true',
      stageIn: [{ dataset: 'test/co2', target: 'in.arrow' }]
    });
    expect((await untilFinal(jobs, job.id)).state).toBe('COMPLETED');
    jobs.close();
    const submitter = new Session();
    const fit = submitter.cell(
      'fit',
      0,
      'await genesis.jobs.submit(...).wait()',
      [],
      [jobUse(job.id, 'submitted', 'NEW'), jobUse(job.id, 'awaited', 'COMPLETED')]
    );
    await call(p, 'recordExecutions', { body: { executions: [fit] } });
    const trend = await ingestCsv(home, 'test/trend', 'year,slope\n2021,2.6\n');
    const gen = await call(p, 'recordGeneration', {
      body: { dataset: { id: 'test/trend', version: trend.version }, jobId: job.id }
    });
    expect(gen.status).toBe(201);
    expect(
      (
        await call(p, 'recordGeneration', {
          body: { dataset: { id: 'test/trend', version: trend.version }, jobId: job.id }
        })
      ).status
    ).toBe(200);

    const s = new Session();
    const use = s.cell(
      'use',
      0,
      "const t = await genesis.dataset('test/trend').table()",
      [],
      [datasetUse('test/trend', trend)]
    );
    const show = s.cell('show', 1, 'console.log(t.numRows)', [stdout('1\n')]);
    await call(p, 'recordExecutions', { body: { executions: [use, show] } });

    const graph = (await call(p, 'lineage', { query: { output: show.outputs[0]!.sha256 } })).json as ProvGraph;
    const ids = new Set(graph.nodes.map((n) => n.id));
    for (const want of [
      provNodeId.output(show.outputs[0]!.sha256),
      provNodeId.execution(show.executionId),
      provNodeId.execution(use.executionId),
      provNodeId.datasetVersion('test/trend', trend.version),
      provNodeId.job(job.id),
      provNodeId.datasetVersion('test/co2', co2.version),
      provNodeId.execution(fit.executionId),
      provNodeId.user('ada'),
      provNodeId.kernel('tslab', '1.0.22')
    ])
      expect(ids).toContain(want);
    const has = (relation: string, from: string, to: string) =>
      graph.edges.some((e) => e.relation === relation && e.from === from && e.to === to);
    expect(
      has('wasGeneratedBy', provNodeId.output(show.outputs[0]!.sha256), provNodeId.execution(show.executionId))
    ).toBe(true);
    expect(has('wasInformedBy', provNodeId.execution(show.executionId), provNodeId.execution(use.executionId))).toBe(
      true
    );
    expect(
      has('used', provNodeId.execution(use.executionId), provNodeId.datasetVersion('test/trend', trend.version))
    ).toBe(true);
    expect(has('wasGeneratedBy', provNodeId.datasetVersion('test/trend', trend.version), provNodeId.job(job.id))).toBe(
      true
    );
    expect(has('used', provNodeId.job(job.id), provNodeId.datasetVersion('test/co2', co2.version))).toBe(true);
    expect(
      has(
        'wasDerivedFrom',
        provNodeId.datasetVersion('test/trend', trend.version),
        provNodeId.datasetVersion('test/co2', co2.version)
      )
    ).toBe(true);
    expect(graph.nodes.find((n) => n.kind === 'job')).toMatchObject({ state: 'COMPLETED', facility: 'local' });
    expect(graph.roots).toEqual([provNodeId.output(show.outputs[0]!.sha256)]);
    const small = (await call(p, 'lineage', { query: { output: show.outputs[0]!.sha256, maxNodes: '3' } }))
      .json as ProvGraph;
    expect(small).toMatchObject({ truncated: true });
    expect(small.nodes).toHaveLength(3);

    const reader = new Session();
    const load = reader.cell('load', 0, "await genesis.dataset('test/co2').table()", [], [datasetUse('test/co2', co2)]);
    await call(p, 'recordExecutions', { body: { executions: [load] } });
    const impact = (await call(p, 'impact', { params: { ns: 'test', name: 'co2', version: co2.version } })).json;
    expect(impact.jobs.map((j: { jobId: string }) => j.jobId)).toEqual([job.id]);
    expect(impact.derived).toEqual([{ id: 'test/trend', ...trend, jobId: job.id }]);
    const runIds = impact.runs.map((r: { runId: string }) => r.runId);
    expect(runIds).toEqual(expect.arrayContaining([s.runId, submitter.runId]));
    const showOut = impact.outputs.find((o: { executionId: string }) => o.executionId === show.executionId);
    expect(showOut).toMatchObject({ sha256: show.outputs[0]!.sha256, direct: false });
    const direct = impact.runs
      .flatMap((r: { executions: { direct: boolean; cellId: string }[] }) => r.executions)
      .filter((e: { direct: boolean }) => e.direct);
    expect(direct.map((e: { cellId: string }) => e.cellId)).toEqual(expect.arrayContaining(['load']));
    expect(direct.map((e: { cellId: string }) => e.cellId)).not.toContain('use');

    const byExecution = (await call(p, 'lineage', { query: { execution: use.executionId } })).json as ProvGraph;
    expect(byExecution.roots).toEqual([provNodeId.execution(use.executionId)]);
    expect(byExecution.nodes.map((n) => n.id)).toEqual(
      expect.arrayContaining([provNodeId.job(job.id), provNodeId.datasetVersion('test/co2', co2.version)])
    );
    expect(byExecution.nodes.map((n) => n.id)).not.toContain(provNodeId.execution(show.executionId));

    const unknown = await call(p, 'lineage', { query: { output: 'e'.repeat(64) } });
    expect(unknown.status).toBe(404);
    const both = await call(p, 'lineage', { query: { output: 'e'.repeat(64), execution: randomUUID() } });
    expect(both.status).toBe(400);
  });

  it('records a reproduction report while it runs and once it ends, then keeps it final', async () => {
    const original = new Session();
    await call(p, 'recordExecutions', { body: { executions: [original.cell('a', 0, 'x')] } });
    const rerun = new Session(original.notebookId);
    await call(p, 'recordExecutions', { body: { executions: [rerun.cell('a', 0, 'x')] } });
    const reproductionId = randomUUID();
    const base = {
      schemaVersion: 1,
      reproductionId,
      originalRunId: original.runId,
      runId: rerun.runId,
      notebook: { id: original.notebookId, path: 'analysis.ipynb' },
      facility: 'local',
      startedAt: '2026-12-01T11:00:00.000Z'
    };
    const running = {
      ...base,
      state: 'running',
      cells: [],
      summary: { total: 0, reproduced: 0, withinTolerance: 0, differs: 0, failed: 0, notRun: 0 },
      reproducible: false
    };
    expect((await call(p, 'recordReproduction', { params: { reproductionId }, body: running })).status).toBe(200);
    const done = {
      ...base,
      state: 'completed',
      endedAt: '2026-12-01T11:01:00.000Z',
      cells: [{ cellId: 'a', cellIndex: 0, status: 'reproduced' }],
      summary: { total: 1, reproduced: 1, withinTolerance: 0, differs: 0, failed: 0, notRun: 0 },
      reproducible: true
    };
    expect((await call(p, 'recordReproduction', { params: { reproductionId }, body: done })).status).toBe(200);
    expect((await call(p, 'recordReproduction', { params: { reproductionId }, body: done })).status).toBe(200);
    const replaced = await call(p, 'recordReproduction', { params: { reproductionId }, body: running });
    expect(replaced.status).toBe(409);
    expect((await call(p, 'reproduction', { params: { reproductionId } })).json.state).toBe('completed');
    const run = (await call(p, 'provenanceRun', { params: { runId: original.runId } })).json as RunDetail;
    expect(run.reproductions).toEqual([
      expect.objectContaining({ reproductionId, reproducible: true, runId: rerun.runId })
    ]);
    const again = (await call(p, 'provenanceRun', { params: { runId: rerun.runId } })).json as RunDetail;
    expect(again.run.reproductionOf).toBe(original.runId);
  });
});
