/* eslint-disable @typescript-eslint/no-explicit-any -- the matrix reads raw HTTP answers, including refusals, not typed client results */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { ARROW_STREAM_MEDIA_TYPE, ONNX_MEDIA_TYPE } from '@genesis-lab/contract';
import { REPO_ROOT, runCliOk, startPlatformProcess, tempHome, type PlatformProcess } from '@genesis-lab/test-support';

/**
 * The permission matrix for models: 3 users x 3 access levels x (search, record, card, versions,
 * weights, predict, OIP v2 metadata/ready/infer, publish) against a real platform process with the
 * real example ONNX model. "hidden" means 404 with nothing naming the model.
 */

const EXAMPLE = path.join(REPO_ROOT, 'platform/seed/models/co2-trend');
let p: PlatformProcess;
let home: string;
const tokens: Record<string, string> = {};

type User = 'alice' | 'bob' | 'carol';
type Level = 'open' | 'controlled' | 'export-controlled';
const ID: Record<Level, string> = {
  open: 'fusion/open-trend',
  controlled: 'fusion/controlled-trend',
  'export-controlled': 'fusion/secret-trend'
};
const WORD: Record<Level, string> = { open: 'tokamak', controlled: 'stellarator', 'export-controlled': 'zircaloy' };
/** alice: contributor of "fusion", cleared for all. bob: cleared for all, not a member. carol: viewer, open only. */
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
const WEIGHTS = fs.readFileSync(path.join(EXAMPLE, 'model.onnx'));
const WEIGHTS_SHA = createHash('sha256').update(WEIGHTS).digest('hex');

async function api(
  who: string,
  method: string,
  url: string,
  body?: unknown,
  type = 'application/json'
): Promise<{ status: number; json: any }> {
  const raw = body instanceof Uint8Array;
  const r = await fetch(p.url + url, {
    method,
    headers: { authorization: `Bearer ${tokens[who] ?? who}`, ...(body === undefined ? {} : { 'content-type': type }) },
    ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body) })
  });
  const buf = Buffer.from(await r.arrayBuffer());
  let json: any;
  try {
    json = JSON.parse(buf.toString('utf8'));
  } catch {
    json = buf;
  }
  return { status: r.status, json };
}

async function ok(who: string, method: string, url: string, body?: unknown): Promise<any> {
  const r = await api(who, method, url, body);
  if (r.status >= 300) throw new Error(`${method} ${url} as ${who}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** The example card, moved into project "fusion" at a level, with no dataset refs (the home has none). */
function cardFor(level: Level): Record<string, unknown> {
  const card = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'card.json'), 'utf8'));
  return {
    ...card,
    title: `CO2 trend ${WORD[level]}`,
    accessLevel: level,
    project: 'fusion',
    card: { ...card.card, trainingData: [], evaluationData: [], metrics: [] },
    origin: { ...card.origin, trainedOn: [] }
  };
}

beforeAll(async () => {
  home = tempHome('genesis-access-models-');
  for (const level of LEVELS) {
    const file = path.join(home, `${level}-card.json`);
    fs.writeFileSync(file, JSON.stringify(cardFor(level)));
    runCliOk(['models', 'register', EXAMPLE, '--id', ID[level], '--card', file, '--home', home]);
  }
  p = await startPlatformProcess({ home });
  tokens.owner = p.token;
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

const input = () =>
  tableToIPC(tableFromArrays({ decimal_year: Float64Array.of(2015.0417), month: Float64Array.of(1) }), 'stream');
const oipName = (id: string) => id.replace('/', '~');

describe('permission matrix: models', () => {
  const cells = USERS.flatMap((u) => LEVELS.map((l) => [u, l] as const));

  it.each(cells)('%s x %s: search, record, card, versions, weights, predict', async (u, level) => {
    const id = ID[level];
    const see = SEE[u][level];
    const read = READ[u][level];
    const search = await ok(u, 'GET', `/api/catalog/search?q=${WORD[level]}`);
    expect(search.hits.some((h: { id: string }) => h.id === id)).toBe(see);
    const list = await ok(u, 'GET', '/api/models');
    expect(list.models.some((m: { id: string }) => m.id === id)).toBe(see);
    for (const url of [
      `/api/models/${id}`,
      `/api/models/${id}/versions`,
      `/api/models/${id}/versions/latest/card.jsonld`
    ]) {
      const r = await api(u, 'GET', url);
      expect({ url, status: r.status }).toEqual({ url, status: see ? 200 : 404 });
      if (!see) expect(JSON.stringify(r.json)).not.toContain(WORD[level]);
    }
    const weights = await api(u, 'GET', `/api/models/${id}/versions/latest/weights`);
    expect(weights.status).toBe(read ? 200 : see ? 403 : 404);
    if (read) expect(Buffer.compare(weights.json as Buffer, WEIGHTS)).toBe(0);
    const predict = await api(u, 'POST', `/api/models/${id}/versions/latest/predict`, input(), ARROW_STREAM_MEDIA_TYPE);
    expect(predict.status).toBe(read ? 200 : see ? 403 : 404);
    if (!read && see) expect(predict.json.error.message).toMatch(/not cleared|not a member/);
  });

  it.each(cells)('%s x %s: OIP v2 metadata, ready and infer answer 404 unless readable', async (u, level) => {
    const name = oipName(ID[level]);
    const infer = {
      inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP64', data: [2015.0417, 1] }]
    };
    for (const [method, url, body] of [
      ['GET', `/v2/models/${name}`, undefined],
      ['GET', `/v2/models/${name}/ready`, undefined],
      ['POST', `/v2/models/${name}/infer`, infer]
    ] as const) {
      const r = await api(u, method, url, body);
      expect({ url, status: r.status }).toEqual({ url, status: READ[u][level] ? 200 : 404 });
      if (!READ[u][level]) expect(JSON.stringify(r.json)).not.toContain(WORD[level]);
    }
  });

  it.each(cells)(
    '%s x %s: publish a model version (contributors only; a hidden model is not found)',
    async (u, level) => {
      const staged = await api(u, 'PUT', '/api/models/uploads', new Uint8Array(WEIGHTS), ONNX_MEDIA_TYPE);
      expect(staged.status).toBeLessThan(300);
      expect(staged.json.sha256).toBe(WEIGHTS_SHA);
      const { origin: _o, ...card } = cardFor(level);
      const r = await api(u, 'POST', `/api/models/${ID[level]}/versions`, {
        ...card,
        version: `by-${u}`,
        weightsSha256: WEIGHTS_SHA,
        format: 'onnx'
      });
      const expected = u === 'alice' ? 201 : SEE[u][level] ? 403 : 404;
      expect([u, level, r.status]).toEqual([u, level, expected]);
      if (expected === 403)
        expect(r.json.error.message).toMatch(/Only contributors of project "fusion" publish versions of its records/);
      if (expected === 404) expect(JSON.stringify(r.json)).not.toContain(WORD[level]);
      // A refused publish wrote nothing: the versions alice (or the owner) sees are unchanged.
      const versions = await ok('owner', 'GET', `/api/models/${ID[level]}/versions`);
      expect(versions.versions.some((v: { version: string }) => v.version === `by-${u}`)).toBe(expected === 201);
    }
  );

  it('audit: every use of a controlled or export-controlled model is logged (model.use), refusals and open ones not', async () => {
    const entries: { action: string; actor: string; target: string }[] = [];
    let after = 0;
    for (;;) {
      const page = await ok('owner', 'GET', `/api/access/audit?after=${after}&limit=1000`);
      entries.push(...page.entries);
      if (page.next === undefined) break;
      after = page.next;
    }
    const has = (actor: string, target: RegExp) =>
      entries.some((e) => e.action === 'model.use' && e.actor === actor && target.test(e.target));
    expect(has('alice', /^fusion\/controlled-trend@/)).toBe(true);
    expect(has('alice', /^fusion\/secret-trend@/)).toBe(true);
    expect(has('alice', /^fusion\/open-trend@/)).toBe(false);
    expect(entries.some((e) => e.action === 'model.use' && e.actor !== 'alice')).toBe(false);
    expect(await ok('owner', 'GET', '/api/access/audit/verify')).toMatchObject({ ok: true });
  });
});
