import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  LINEAGE_MIME_TYPE,
  captureOutputs,
  routePath,
  routes,
  sha256Hex,
  type CellExecutionInput,
  type LineageRecord,
  type NotebookOutputInput,
  type RouteName
} from '@genesis-lab/contract';
import { GENESIS_BIN, REPO_ROOT, authedFetch } from './process';

const PYTHON = path.join(process.env.GENESIS_VENV || path.join(REPO_ROOT, '.venv'), 'bin', 'python');
const TOOLS = path.join(__dirname, 'provenance_tools.py');

/** Publish a CSV into a home with the real CLI; answers the version and its sha256. */
export async function ingestCsv(
  home: string,
  id: string,
  csv: string,
  version?: string
): Promise<{ version: string; sha256: string }> {
  const dir = fs.mkdtempSync(path.join(home, 'in-'));
  const file = path.join(dir, 'data.csv');
  fs.writeFileSync(file, csv);
  const meta = path.join(dir, 'meta.json');
  fs.writeFileSync(
    meta,
    JSON.stringify({ title: `Test ${id}`, description: 'Rows for a provenance test', license: 'CC0-1.0' })
  );
  const args = [
    GENESIS_BIN,
    'ingest',
    file,
    '--id',
    id,
    '--meta',
    meta,
    '--home',
    home,
    '--json',
    ...(version ? ['--version', version] : [])
  ];
  const out = await promisify(execFile)(process.execPath, args, {
    env: { ...process.env, GENESIS_URL: '', GENESIS_TOKEN: '' }
  });
  const { version: v } = JSON.parse(out.stdout) as { version: { version: string; sha256: string } };
  return { version: v.version, sha256: v.sha256 };
}

export function datasetUse(id: string, v: { version: string; sha256: string }, ref = id): LineageRecord {
  return {
    schemaVersion: 1,
    at: new Date().toISOString(),
    kind: 'dataset',
    ref,
    id,
    version: v.version,
    sha256: v.sha256,
    rowCount: 2,
    mode: 'table'
  };
}

export function jobUse(jobId: string, action: 'submitted' | 'awaited', state: string): LineageRecord {
  return {
    schemaVersion: 1,
    at: new Date().toISOString(),
    kind: 'job',
    jobId,
    facility: 'local',
    name: 'sim',
    action,
    state
  };
}

/** One clock for every session, so a later session's cells start later (runs list newest first). */
let clock = Date.parse('2026-12-01T10:00:00.000Z');

/** A notebook session that captures cells as the extension and the runner do (real hashing). */
export class Session {
  readonly runId = randomUUID();
  private count = 0;

  constructor(
    readonly notebookId: string = randomUUID(),
    readonly notebookPath = 'analysis.ipynb',
    readonly user = 'ada'
  ) {}

  cell(
    cellId: string,
    cellIndex: number,
    code: string,
    outputs: NotebookOutputInput[] = [],
    lineage: LineageRecord[] = [],
    success = true
  ): CellExecutionInput {
    const start = new Date((clock += 1000)).toISOString();
    const end = new Date((clock += 250)).toISOString();
    const withLineage: NotebookOutputInput[] = [
      ...outputs,
      ...lineage.map((r) => ({
        output_type: 'display_data' as const,
        data: { [LINEAGE_MIME_TYPE]: r, 'text/plain': 'lineage' },
        metadata: {}
      }))
    ];
    return {
      schemaVersion: 1,
      executionId: randomUUID(),
      runId: this.runId,
      notebook: { id: this.notebookId, path: this.notebookPath },
      cellId,
      cellIndex,
      code,
      codeSha256: sha256Hex(code),
      executionCount: ++this.count,
      startedAt: start,
      endedAt: end,
      success,
      ...(success ? {} : { error: 'Error: boom' }),
      outputs: captureOutputs(withLineage),
      environment: {
        kernel: { name: 'tslab', displayName: 'TypeScript', language: 'typescript', version: '1.0.22' },
        helperVersion: '0.1.0',
        client: { name: 'runner', version: '0.1.0' }
      },
      user: this.user,
      lineage
    };
  }
}

export const stdout = (text: string): NotebookOutputInput => ({ output_type: 'stream', name: 'stdout', text });

/** Call a contract route on a platform process; answers status and parsed JSON (or bytes). */
export async function call(
  p: { url: string; token: string },
  name: RouteName,
  opts: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown; raw?: Uint8Array } = {}
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a success or an ErrorBody: each test asserts which
): Promise<{ status: number; json: any; bytes: Buffer; headers: Headers }> {
  const def = routes[name];
  const qs = opts.query ? `?${new URLSearchParams(opts.query).toString()}` : '';
  const init: RequestInit = { method: def.method };
  if (opts.raw) {
    init.body = opts.raw;
    init.headers = { 'content-type': 'application/zip' };
  } else if (opts.body !== undefined) {
    init.body = JSON.stringify(opts.body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await authedFetch(p, routePath(name, opts.params) + qs, init);
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: unknown;
  if ((res.headers.get('content-type') ?? '').includes('json')) json = JSON.parse(bytes.toString('utf8'));
  return { status: res.status, json, bytes, headers: res.headers };
}

/** Are the Python reference tools (prov, roc-validator, rocrate's context file) installed? */
export function provenanceToolsAvailable(): { ok: boolean; why: string } {
  try {
    const v = execFileSync(
      PYTHON,
      [
        '-c',
        'import importlib.metadata as m, importlib.util as u; assert u.find_spec("rocrate"); print(m.version("prov"), m.version("roc-validator"))'
      ],
      { encoding: 'utf8', timeout: 30000, stdio: ['ignore', 'pipe', 'pipe'] }
    ).trim();
    return { ok: true, why: `prov, roc-validator ${v}` };
  } catch (err) {
    return {
      ok: false,
      why: `${PYTHON} lacks prov/roc-validator/rocrate (${(err as Error).message.split('\n')[0]}); run \`bash scripts/setup --test\``
    };
  }
}

export async function readWithProv(file: string): Promise<{
  records: Record<string, number>;
  relations: Record<string, number>;
  entities: string[];
  activities: string[];
  agents: string[];
  provn: string;
}> {
  const { stdout: out } = await promisify(execFile)(PYTHON, [TOOLS, 'prov', file], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out);
}

/** rocrate-validator --offline with the 1.1 context cached: its exit code and its report. */
export async function validateCrate(
  crate: string,
  cacheHome: string,
  opts: { seedCache?: boolean; level?: 'required' | 'recommended' } = {}
): Promise<{ status: number; output: string }> {
  if (opts.seedCache !== false) await promisify(execFile)(PYTHON, [TOOLS, 'seed-cache', cacheHome]);
  const bin = path.join(path.dirname(PYTHON), 'rocrate-validator');
  try {
    const { stdout: out } = await promisify(execFile)(
      bin,
      [
        'validate',
        '--offline',
        '-p',
        'process-run-crate-0.5',
        '-l',
        opts.level ?? 'required',
        '--verbose',
        '--no-paging',
        '--show-skipped-checks',
        crate
      ],
      {
        env: { ...process.env, XDG_CACHE_HOME: cacheHome, COLUMNS: '200' },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 300000
      }
    );
    return { status: 0, output: out };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { status: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
