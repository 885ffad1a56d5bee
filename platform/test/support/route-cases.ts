import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { routePath, routes, type RouteName } from '@genesis-lab/contract';
import { GENESIS_BIN, type PlatformProcess } from '@genesis-lab/test-support';

/** One concrete request for a route of the contract's table. */
export interface RouteCase {
  path: string;
  method: string;
  body?: string;
  headers?: Record<string, string>;
}

const UUID = '00000000-0000-4000-8000-000000000000';
const SHA = 'a'.repeat(64);

/** A home with one small published dataset (`test/tiny`, version 1) and a local facility. */
export function routeSweepHome(home: string): void {
  const csv = path.join(home, 'tiny.csv');
  fs.writeFileSync(csv, 'x,y\n1,2\n3,4\n');
  const meta = path.join(home, 'meta.json');
  fs.writeFileSync(meta, JSON.stringify({ title: 'Tiny', description: 'Two rows', license: 'CC0-1.0' }));
  execFileSync(process.execPath, [GENESIS_BIN, 'ingest', csv, '--id', 'test/tiny', '--meta', meta, '--home', home]);
  fs.writeFileSync(
    path.join(home, 'facilities.json'),
    JSON.stringify({ facilities: [{ name: 'local', kind: 'local' }] })
  );
}

/**
 * A request for EVERY route of the table (the test fails when a route has none, so a new
 * route gets one): the real data of `routeSweepHome` where a success is cheap to reach, the
 * route's own error otherwise (an unknown run, a job that is not HELD). `jobId` is a job of
 * the platform.
 */
export function routeCases(jobId: string): Record<RouteName, RouteCase> {
  const ds = { ns: 'test', name: 'tiny' };
  const v = { ...ds, version: '1' };
  const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const at = (name: RouteName, params: Record<string, string> = {}, query = '', extra: Partial<RouteCase> = {}) => ({
    method: routes[name].method,
    path: routePath(name, params) + query,
    ...extra
  });
  return {
    health: at('health'),
    openapi: at('openapi'),
    search: at('search', {}, '?q=tiny'),
    record: at('record', ds),
    croissant: at('croissant', ds),
    versions: at('versions', ds),
    version: at('version', v),
    object: at('object', v),
    arrow: at('arrow', v),
    csv: at('csv', v),
    parquet: at('parquet', v),
    json: at('json', v),
    facilities: at('facilities'),
    refreshFacilities: at('refreshFacilities'),
    submitJob: at('submitJob', {}, '', json({ name: 'sweep', executable: '/bin/true' })),
    listJobs: at('listJobs', {}, '?limit=5'),
    getJob: at('getJob', { id: jobId }),
    jobLogs: at('jobLogs', { id: jobId }),
    cancelJob: at('cancelJob', { id: jobId }),
    releaseJob: at('releaseJob', { id: jobId }),
    recordExecutions: at('recordExecutions', {}, '', json({ executions: 'not a list' })),
    notebookRuns: at('notebookRuns', { notebookId: UUID }),
    provenanceRun: at('provenanceRun', { runId: UUID }),
    runTimeline: at('runTimeline', { runId: UUID }),
    lineage: at('lineage', {}, `?output=${SHA}`),
    impact: at('impact', v),
    recordGeneration: at('recordGeneration', {}, '', json({})),
    recordReproduction: at('recordReproduction', { reproductionId: UUID }, '', json({})),
    reproduction: at('reproduction', { reproductionId: UUID }),
    cellSource: at('cellSource', { sha256: SHA }),
    storedOutput: at('storedOutput', { sha256: SHA }),
    provJson: at('provJson', { runId: UUID }),
    exportCrate: at('exportCrate', { runId: UUID }),
    exportCrateWithNotebook: at('exportCrateWithNotebook', { runId: UUID }, '', json({})),
    importCrate: at('importCrate', {}, '', {
      body: 'not a zip',
      headers: { 'content-type': routes.importCrate.consumes[0] }
    }),
    // New rows: version 2 (the other cases name version 1).
    publishVersion: at('publishVersion', ds, '', { body: 'x,y\n5,6\n', headers: { 'content-type': 'text/csv' } }),
    publishJobOutput: at('publishJobOutput', { id: jobId }, '', json({ file: 'nothing.csv', dataset: 'test/out' })),
    startReproduction: at('startReproduction', { runId: UUID }, '', json({})),
    whoami: at('whoami'),
    listTokens: at('listTokens'),
    createToken: at('createToken', {}, '', json({})),
    revokeToken: at('revokeToken', { tokenId: 'tok_000000000000' }),
    listUsers: at('listUsers'),
    upsertUser: at('upsertUser', { user: 'sweep' }, '', json({ clearances: 'all' })),
    listProjects: at('listProjects'),
    createProject: at('createProject', {}, '', json({})),
    setMember: at('setMember', { project: 'nowhere' }, '', json({})),
    setRecordAccess: at('setRecordAccess', ds, '', json({})),
    audit: at('audit', {}, '?limit=5'),
    verifyAudit: at('verifyAudit'),
    rotateAuditKey: at('rotateAuditKey'),
    // No model in this home: the model routes answer their own 404 (or a refusal of the body).
    listModels: at('listModels'),
    model: at('model', { ns: 'test', name: 'nomodel' }),
    modelVersions: at('modelVersions', { ns: 'test', name: 'nomodel' }),
    modelVersion: at('modelVersion', { ns: 'test', name: 'nomodel', version: '1' }),
    modelWeights: at('modelWeights', { ns: 'test', name: 'nomodel', version: '1' }),
    modelCardJsonLd: at('modelCardJsonLd', { ns: 'test', name: 'nomodel', version: '1' }),
    modelCardReadme: at('modelCardReadme', { ns: 'test', name: 'nomodel', version: '1' }),
    uploadModelWeights: at('uploadModelWeights', {}, '', {
      body: 'not an onnx file',
      headers: { 'content-type': 'application/octet-stream' }
    }),
    publishModelVersion: at('publishModelVersion', { ns: 'test', name: 'nomodel' }, '', json({})),
    publishJobModel: at('publishJobModel', { id: jobId }, '', json({ file: 'model.onnx', model: 'test/nomodel' })),
    predict: at('predict', { ns: 'test', name: 'nomodel', version: '1' }, '', {
      body: 'not arrow',
      headers: { 'content-type': 'application/vnd.apache.arrow.stream' }
    }),
    oipServerLive: at('oipServerLive'),
    oipServerReady: at('oipServerReady'),
    oipServerMetadata: at('oipServerMetadata'),
    oipModelMetadata: at('oipModelMetadata', { name: 'test~nomodel' }),
    oipModelVersionMetadata: at('oipModelVersionMetadata', { name: 'test~nomodel', version: '1' }),
    oipModelReady: at('oipModelReady', { name: 'test~nomodel' }),
    oipModelVersionReady: at('oipModelVersionReady', { name: 'test~nomodel', version: '1' }),
    oipInfer: at('oipInfer', { name: 'test~nomodel' }, '', json({ inputs: [] })),
    oipVersionInfer: at('oipVersionInfer', { name: 'test~nomodel', version: '1' }, '', json({ inputs: [] }))
  };
}

/** Send one case, with the platform's token or without (`token: null`) or a wrong one. */
export function sendCase(p: PlatformProcess, c: RouteCase, token: string | null = p.token): Promise<Response> {
  return fetch(p.url + c.path, {
    method: c.method,
    headers: { ...(c.headers ?? {}), ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: c.body
  });
}
