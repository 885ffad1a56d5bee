/* eslint-disable @typescript-eslint/no-explicit-any -- the matrix reads raw HTTP answers, including refusals, not typed client results */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { SOCKET_PATH, routes, type JobUpdate } from '@genesis-lab/contract';
import { unzipSync } from 'fflate';
import { runCliOk, startPlatformProcess, tempHome, type PlatformProcess } from '@genesis-lab/test-support';
import { Session, call, datasetUse } from '../support/provenance';

/**
 * The permission matrix: users x access levels x operations against a real platform process,
 * each cell with its expected answer. "hidden" means the user must not be able to tell the
 * record exists: 404 with no suggestion naming it, never counted, never in a facet or event.
 */

let p: PlatformProcess;
let home: string;
const tokens: Record<string, string> = {};

type User = 'alice' | 'bob' | 'carol';
type Level = 'open' | 'controlled' | 'export-controlled';
const ID: Record<Level, string> = {
  open: 'fusion/open-plasma',
  controlled: 'fusion/controlled-plasma',
  'export-controlled': 'fusion/secret-plasma'
};
/** A word only that record has, and a domain only it has (facets must not leak it). */
const WORD: Record<Level, string> = { open: 'tokamak', controlled: 'stellarator', 'export-controlled': 'zircaloy' };
const DOMAIN: Record<Level, string> = {
  open: 'plasma',
  controlled: 'confinement',
  'export-controlled': 'weapons-design'
};

/**
 * alice: contributor of "fusion", cleared for everything. bob: cleared for everything but not a
 * member. carol: viewer of "fusion", cleared for open data only.
 */
const SEE: Record<User, Record<Level, boolean>> = {
  alice: { open: true, controlled: true, 'export-controlled': true },
  bob: { open: true, controlled: true, 'export-controlled': false },
  carol: { open: true, controlled: true, 'export-controlled': false }
};
const READ: Record<User, Record<Level, boolean>> = {
  alice: { open: true, controlled: true, 'export-controlled': true },
  bob: { open: true, controlled: false, 'export-controlled': false },
  carol: { open: true, controlled: false, 'export-controlled': false }
};
const USERS: User[] = ['alice', 'bob', 'carol'];
const LEVELS: Level[] = ['open', 'controlled', 'export-controlled'];

async function api(who: string, method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(p.url + url, {
    method,
    headers: {
      authorization: `Bearer ${tokens[who] ?? who}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' })
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  });
  const text = await r.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: r.status, json };
}

async function ok(who: string, method: string, url: string, body?: unknown): Promise<any> {
  const r = await api(who, method, url, body);
  if (r.status >= 300) throw new Error(`${method} ${url} as ${who}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

const recordUrl = (id: string) => `/api/catalog/records/${id}`;
const dataUrl = (id: string) => `/api/datasets/${id}/versions/latest/json?limit=5`;

beforeAll(async () => {
  home = tempHome('genesis-access-');
  // Two facilities: "local" cleared for open data only, "secure" for everything.
  fs.writeFileSync(
    path.join(home, 'facilities.json'),
    JSON.stringify({
      facilities: [
        { name: 'local', kind: 'local', clearance: 'open' },
        { name: 'secure', kind: 'local', clearance: 'export-controlled' }
      ]
    })
  );
  p = await startPlatformProcess({ home });
  tokens.owner = p.token;
  const csv = path.join(home, 'rows.csv');
  fs.writeFileSync(csv, 'shot,temperature\n1,1.5\n2,2.5\n');
  for (const level of LEVELS) {
    const meta = path.join(home, `${level}.json`);
    fs.writeFileSync(
      meta,
      JSON.stringify({
        title: `Plasma shots ${WORD[level]}`,
        license: 'CC-BY-4.0',
        accessLevel: level,
        project: 'fusion',
        domain: DOMAIN[level]
      })
    );
    runCliOk(['ingest', csv, '--id', ID[level], '--meta', meta, '--home', home]);
  }
  await ok('owner', 'POST', '/api/access/projects', { id: 'fusion', title: 'Fusion' });
  const clearances: Record<User, Level[]> = {
    alice: ['open', 'controlled', 'export-controlled'],
    bob: ['open', 'controlled', 'export-controlled'],
    carol: ['open']
  };
  for (const u of USERS) {
    await ok('owner', 'PUT', `/api/access/users/${u}`, { name: u, clearances: clearances[u] });
    const t = await ok('owner', 'POST', '/api/access/tokens', {
      name: 'matrix',
      user: u,
      scopes: ['read', 'write', 'run']
    });
    tokens[u] = t.token;
  }
  await ok('owner', 'PUT', '/api/access/projects/fusion/members', { user: 'alice', role: 'contributor' });
  await ok('owner', 'PUT', '/api/access/projects/fusion/members', { user: 'carol', role: 'viewer' });
}, 120000);

afterAll(async () => {
  await p?.stop();
});

describe('permission matrix', () => {
  const cells = USERS.flatMap((u) => LEVELS.map((l) => [u, l] as const));

  it.each(cells)('%s x %s: search, facets, suggestions, record, data (preview)', async (u, level) => {
    const id = ID[level];
    const search = await ok(u, 'GET', `/api/catalog/search?q=${WORD[level]}`);
    expect(search.hits.map((h: { id: string }) => h.id).includes(id)).toBe(SEE[u][level]);
    expect(search.total).toBe(SEE[u][level] ? 1 : 0);
    const browse = await ok(u, 'GET', '/api/catalog/search?limit=100');
    const domains = browse.facets.domain.map((c: { value: string }) => c.value);
    expect(domains.includes(DOMAIN[level])).toBe(SEE[u][level]);
    expect(browse.total).toBe(LEVELS.filter((l) => SEE[u][l]).length);
    const filtered = await ok(u, 'GET', `/api/catalog/search?filter=domain:${DOMAIN[level]}`);
    expect(filtered.total).toBe(SEE[u][level] ? 1 : 0);

    const record = await api(u, 'GET', recordUrl(id));
    expect(record.status).toBe(SEE[u][level] ? 200 : 404);
    // A typo's suggestions name only what the user may see.
    const typo = await api(u, 'GET', recordUrl(id.slice(0, -1)));
    expect(typo.status).toBe(404);
    expect(JSON.stringify(typo.json).includes(id)).toBe(SEE[u][level]);

    const data = await api(u, 'GET', dataUrl(id));
    expect(data.status).toBe(READ[u][level] ? 200 : SEE[u][level] ? 403 : 404);
    if (!SEE[u][level]) {
      // Hidden: the same answer as an id that never existed (but the id, and suggestions, which
      // are the visible ids closest to what was asked), and nothing in it names the record.
      const never = await api(u, 'GET', dataUrl('fusion/never-was'));
      const shape = (j: any, asked: string) => {
        const { requestId: _r, suggestions, ...rest } = j.error;
        expect(suggestions ?? []).not.toContain(id);
        return JSON.stringify(rest).replace(asked, 'X');
      };
      expect(shape(data.json, id)).toBe(shape(never.json, 'fusion/never-was'));
    } else if (!READ[u][level]) expect(data.json.error.message).toMatch(/not cleared|not a member/);
  });

  it.each(cells)('%s x %s: submit a job staging it to "local" (open only) and "secure"', async (u, level) => {
    for (const facility of ['local', 'secure']) {
      const r = await api(u, 'POST', '/api/jobs', {
        name: `stage-${level}`,
        facility,
        executable: '/bin/true',
        stageIn: [{ dataset: `${ID[level]}@latest`, target: 'in.arrow' }]
      });
      const facilityOk = facility === 'secure' || level === 'open';
      expect({ facility, status: r.status }).toEqual({ facility, status: READ[u][level] && facilityOk ? 201 : 422 });
      if (r.status === 422) {
        const msg = r.json.error.message as string;
        if (!SEE[u][level]) expect(msg).toMatch(/No record/);
        else if (!READ[u][level]) expect(msg).toMatch(/not cleared|not a member/);
        else expect(msg).toMatch(/cleared only up to "open"/);
      }
    }
  });

  it.each(cells)('%s x %s: publish a version (contributors only; a hidden record is not found)', async (u, level) => {
    const r = await fetch(`${p.url}/api/datasets/${ID[level]}/versions?version=by-${u}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[u]}`, 'content-type': 'text/csv' },
      body: `shot,temperature\n3,${u.length}.5\n`
    });
    const expected = u === 'alice' ? 201 : SEE[u][level] ? 403 : 404;
    expect([u, level, r.status]).toEqual([u, level, expected]);
    const body = (await r.json()) as any;
    if (expected === 403)
      expect(body.error.message).toMatch(/Only contributors of project "fusion" publish versions of its records/);
    if (expected === 404) expect(JSON.stringify(body)).not.toContain(WORD[level]);
  });

  it('jobs: lists, reads and socket events only for the owner and the members of its project', async () => {
    const sockets: Record<User, { socket: Socket; seen: string[] }> = {} as never;
    for (const u of USERS) {
      const socket = io(p.url, { path: SOCKET_PATH, auth: { token: tokens[u] }, transports: ['websocket'] });
      const seen: string[] = [];
      socket.on('job:update', (e: JobUpdate) => seen.push(e.job.id));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      await socket.emitWithAck('jobs:subscribe', {});
      sockets[u] = { socket, seen };
    }
    try {
      const job = await ok('alice', 'POST', '/api/jobs', {
        name: 'fusion-run',
        facility: 'secure',
        project: 'fusion',
        executable: '/bin/true'
      });
      const own = await ok('bob', 'POST', '/api/jobs', { name: 'bob-run', facility: 'local', executable: '/bin/true' });
      const deadline = Date.now() + 30000;
      while (Date.now() < deadline && !(sockets.alice.seen.includes(job.id) && sockets.bob.seen.includes(own.id)))
        await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 500));
      const expectJob: Record<User, boolean> = { alice: true, bob: false, carol: true };
      for (const u of USERS) {
        expect({ u, event: sockets[u].seen.includes(job.id) }).toEqual({ u, event: expectJob[u] });
        expect({ u, bobs: sockets[u].seen.includes(own.id) }).toEqual({ u, bobs: u === 'bob' });
        const list = await ok(u, 'GET', '/api/jobs?limit=100');
        expect({ u, listed: list.jobs.some((j: { id: string }) => j.id === job.id) }).toEqual({
          u,
          listed: expectJob[u]
        });
        expect((await api(u, 'GET', `/api/jobs/${job.id}`)).status).toBe(expectJob[u] ? 200 : 404);
      }
      // A viewer sees the job but may not cancel it; a non-member cannot tell it exists.
      expect((await api('carol', 'DELETE', `/api/jobs/${job.id}`)).status).toBe(403);
      expect((await api('bob', 'DELETE', `/api/jobs/${job.id}`)).status).toBe(404);
      // A subscription to a job one may not see is refused as "not found".
      const r = await sockets.bob.socket.emitWithAck('jobs:subscribe', { jobId: job.id });
      expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/No job/) });
      // Submitting into a project: contributors yes, viewers no, non-members "not found".
      const spec = { name: 'x', facility: 'local', project: 'fusion', executable: '/bin/true' };
      expect((await api('carol', 'POST', '/api/jobs', spec)).status).toBe(403);
      expect((await api('bob', 'POST', '/api/jobs', spec)).status).toBe(404);
    } finally {
      for (const u of USERS) sockets[u].socket.close();
    }
  }, 60000);

  it('a record whose level changes while results are cached vanishes at once (search, facets, suggestions, record)', async () => {
    const id = ID.open;
    // Warm bob's caches.
    for (let i = 0; i < 2; i++) {
      expect((await ok('bob', 'GET', `/api/catalog/search?q=${WORD.open}`)).total).toBe(1);
      expect((await ok('bob', 'GET', '/api/catalog/search?filter=domain:plasma')).total).toBe(1);
    }
    // Carol, a viewer, may not change it; the owner (admin) may.
    expect((await api('carol', 'PUT', `${recordUrl(id)}/access`, { accessLevel: 'export-controlled' })).status).toBe(
      403
    );
    await ok('owner', 'PUT', `${recordUrl(id)}/access`, { accessLevel: 'export-controlled' });
    try {
      expect((await ok('bob', 'GET', `/api/catalog/search?q=${WORD.open}`)).total).toBe(0);
      expect((await ok('bob', 'GET', '/api/catalog/search?filter=domain:plasma')).total).toBe(0);
      const browse = await ok('bob', 'GET', '/api/catalog/search?limit=100');
      expect(browse.facets.domain.map((c: { value: string }) => c.value)).not.toContain('plasma');
      expect((await api('bob', 'GET', recordUrl(id))).status).toBe(404);
      expect(JSON.stringify((await api('bob', 'GET', recordUrl(id.slice(0, -1)))).json)).not.toContain(id);
      // Alice, a member cleared for it, still finds it.
      expect((await ok('alice', 'GET', `/api/catalog/search?q=${WORD.open}`)).total).toBe(1);
    } finally {
      await ok('owner', 'PUT', `${recordUrl(id)}/access`, { accessLevel: 'open' });
    }
    expect((await ok('bob', 'GET', `/api/catalog/search?q=${WORD.open}`)).total).toBe(1);
  });

  it('scopes, revocation, expiry of a token; secrets stored hashed', async () => {
    const readOnly = await ok('alice', 'POST', '/api/access/tokens', { name: 'ro', scopes: ['read'] });
    tokens.aliceRo = readOnly.token;
    expect((await api('aliceRo', 'GET', '/api/catalog/search')).status).toBe(200);
    const submit = await api('aliceRo', 'POST', '/api/jobs', { name: 'x', executable: '/bin/true' });
    expect(submit.status).toBe(403);
    expect(submit.json.error.message).toMatch(/"run" scope/);
    // A token cannot mint a token with more than it has; nor can a non-admin mint for others.
    expect((await api('aliceRo', 'POST', '/api/access/tokens', { name: 'up', scopes: ['run'] })).status).toBe(403);
    expect((await api('alice', 'POST', '/api/access/tokens', { name: 'b', user: 'bob' })).status).toBe(403);
    // Bob cannot revoke (or learn of) alice's token.
    expect((await api('bob', 'DELETE', `/api/access/tokens/${readOnly.id}`)).status).toBe(404);
    await ok('alice', 'DELETE', `/api/access/tokens/${readOnly.id}`);
    expect((await api('aliceRo', 'GET', '/api/catalog/search')).status).toBe(401);
    const listed = await ok('alice', 'GET', '/api/access/tokens');
    expect(JSON.stringify(listed)).not.toContain(readOnly.token);
    // At rest: only the sha256.
    const db = fs.readFileSync(path.join(home, 'genesis.db'));
    expect(db.includes(Buffer.from(readOnly.token))).toBe(false);
    // Users and policy are admin routes.
    expect((await api('alice', 'GET', '/api/access/users')).status).toBe(403);
    expect((await api('alice', 'GET', '/api/access/me')).json).toMatchObject({
      user: 'alice',
      projects: { fusion: 'contributor' }
    });
  });

  it('audit: controlled reads, job submits, token and membership changes are logged; maintainers only', async () => {
    expect((await api('bob', 'GET', '/api/access/audit')).status).toBe(403);
    const entries: { action: string; actor: string; target: string }[] = [];
    let after = 0;
    for (;;) {
      const page = await ok('owner', 'GET', `/api/access/audit?after=${after}&limit=1000`);
      entries.push(...page.entries);
      if (page.next === undefined) break;
      after = page.next;
    }
    const has = (action: string, actor?: string, target?: RegExp) =>
      entries.some((e) => e.action === action && (!actor || e.actor === actor) && (!target || target.test(e.target)));
    expect(has('data.read', 'alice', /fusion\/controlled-plasma/)).toBe(true);
    expect(has('data.read', 'alice', /fusion\/secret-plasma/)).toBe(true);
    expect(has('data.read', 'bob')).toBe(false);
    expect(has('job.submit', 'alice')).toBe(true);
    expect(has('token.create', 'owner')).toBe(true);
    expect(has('token.revoke', 'alice')).toBe(true);
    expect(has('membership.change', 'owner', /fusion/)).toBe(true);
    expect(has('policy.access-level', 'owner', /open-plasma/)).toBe(true);
    expect(await ok('owner', 'GET', '/api/access/audit/verify')).toMatchObject({ ok: true });
  });
});

describe('provenance: lineage and crates as each user may see them', () => {
  const session = new Session(undefined, 'fusion.ipynb', 'alice');
  let execution: string;
  beforeAll(async () => {
    const uses = [];
    for (const level of LEVELS) {
      const v = await ok('owner', 'GET', `/api/datasets/${ID[level]}/versions/latest`);
      uses.push(datasetUse(ID[level], { version: v.version, sha256: v.sha256 }));
    }
    const cell = session.cell('load', 0, 'const t = await genesis.dataset("fusion/x").table()', [], uses);
    execution = cell.executionId;
    expect(
      (await call({ url: p.url, token: tokens.alice! }, 'recordExecutions', { body: { executions: [cell] } })).status
    ).toBe(200);
  });

  it.each(USERS)(
    '%s: lineage names only the datasets they may see; a crate carries only data they may read and never export-controlled data',
    async (u) => {
      const as = { url: p.url, token: tokens[u]! };
      const lineage = await call(as, 'lineage', { query: { execution } });
      expect(lineage.status).toBe(200);
      const text = JSON.stringify(lineage.json);
      for (const level of LEVELS)
        expect({ level, named: text.includes(ID[level]) }).toEqual({ level, named: SEE[u][level] });
      const crate = await call(as, 'exportCrate', { params: { runId: session.runId } });
      expect(crate.status).toBe(200);
      const files = Object.keys(unzipSync(new Uint8Array(crate.bytes)));
      for (const level of LEVELS) {
        const carried = files.some((f) => f.startsWith(`datasets/${ID[level]}/`));
        expect({ level, carried }).toEqual({ level, carried: READ[u][level] && level !== 'export-controlled' });
      }
    }
  );
});

describe('provenance: runs belong to a project', () => {
  const inDefault = new Session(undefined, 'fusion-default.ipynb', 'alice');
  const inFusion = new Session(undefined, 'fusion-project.ipynb', 'alice');
  let fusionExecution: string;
  const as = (u: string) => ({ url: p.url, token: tokens[u]! });
  beforeAll(async () => {
    const uses = [];
    for (const level of LEVELS) {
      const v = await ok('owner', 'GET', `/api/datasets/${ID[level]}/versions/latest`);
      uses.push(datasetUse(ID[level], { version: v.version, sha256: v.sha256 }));
    }
    const code = 'const t = await genesis.dataset("fusion/x").table()';
    const d = inDefault.cell('load', 0, code, [], uses);
    expect((await call(as('alice'), 'recordExecutions', { body: { executions: [d] } })).status).toBe(200);
    const f = inFusion.cell('load', 0, code, [], uses);
    fusionExecution = f.executionId;
    const r = await call(as('alice'), 'recordExecutions', { body: { executions: [f], project: 'fusion' } });
    expect(r.status).toBe(200);
  });

  const RUN_ROUTES = ['provenanceRun', 'runTimeline', 'provJson'] as const;
  /** Who may read a run of project "fusion": its members (alice contributes, carol views); bob is no member. */
  const MEMBER: Record<User, boolean> = { alice: true, bob: false, carol: true };

  it.each(USERS)(
    '%s: run detail, timeline, PROV-JSON, crate and lineage of a project run: members read them, anyone else gets "not found"',
    async (u) => {
      const status = MEMBER[u] ? 200 : 404;
      for (const route of RUN_ROUTES) {
        const r = await call(as(u), route, { params: { runId: inFusion.runId } });
        expect({ route, status: r.status }).toEqual({ route, status });
        if (!MEMBER[u]) expect(JSON.stringify(r.json)).not.toMatch(/plasma/);
      }
      const crate = await call(as(u), 'exportCrate', { params: { runId: inFusion.runId } });
      expect(crate.status).toBe(status);
      const lineage = await call(as(u), 'lineage', { query: { execution: fusionExecution } });
      expect(lineage.status).toBe(status);
      const runs = await call(as(u), 'notebookRuns', { params: { notebookId: inFusion.notebookId } });
      expect(runs.status).toBe(200);
      expect(runs.json.runs.map((r: { runId: string; project: string }) => [r.runId, r.project])).toEqual(
        MEMBER[u] ? [[inFusion.runId, 'fusion']] : []
      );
    }
  );

  it.each(USERS)(
    '%s: run detail, timeline, PROV-JSON and crate of a default-project run name only the datasets they may see',
    async (u) => {
      for (const route of RUN_ROUTES) {
        const r = await call(as(u), route, { params: { runId: inDefault.runId } });
        expect({ route, status: r.status }).toEqual({ route, status: 200 });
        const text = JSON.stringify(r.json);
        for (const level of LEVELS)
          expect({ route, level, named: text.includes(ID[level]) }).toEqual({ route, level, named: SEE[u][level] });
      }
      // The crate too: its metadata, run.json, PROV-JSON, notebook and output files.
      const crate = await call(as(u), 'exportCrate', { params: { runId: inDefault.runId } });
      expect(crate.status).toBe(200);
      const text = Object.entries(unzipSync(new Uint8Array(crate.bytes)))
        .filter(([name]) => !name.startsWith('datasets/'))
        .map(([, bytes]) => new TextDecoder().decode(bytes))
        .join('\n');
      for (const level of LEVELS)
        expect({ crate: true, level, named: text.includes(ID[level]) }).toEqual({
          crate: true,
          level,
          named: SEE[u][level]
        });
    }
  );

  it('recording a run in a project needs a contributor: a viewer is refused, a stranger is told there is no project', async () => {
    const stranger = new Session(undefined, 'bob.ipynb', 'bob').cell('a', 0, '1');
    const bob = await call(as('bob'), 'recordExecutions', { body: { executions: [stranger], project: 'fusion' } });
    expect(bob.status).toBe(404);
    const viewer = new Session(undefined, 'carol.ipynb', 'carol').cell('a', 0, '1');
    const carol = await call(as('carol'), 'recordExecutions', { body: { executions: [viewer], project: 'fusion' } });
    expect(carol.status).toBe(403);
    // Adding to a run one may not read is refused as if the run did not exist.
    const intrude = { ...inFusion.cell('b', 1, '2'), user: 'bob' };
    expect((await call(as('bob'), 'recordExecutions', { body: { executions: [intrude] } })).status).toBe(404);
  });
});

describe('the route table', () => {
  it('every route declares the scope it needs; only health checks are public (ours and OIP v2 live/ready)', () => {
    for (const [name, r] of Object.entries(routes)) {
      expect({ name, scope: ['public', 'read', 'write', 'run', 'admin'].includes(r.scope) }).toEqual({
        name,
        scope: true
      });
      expect({ name, public: r.scope === 'public' }).toEqual({
        name,
        public: ['health', 'oipServerLive', 'oipServerReady'].includes(name)
      });
    }
  });
});
