import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Job, OWNER, type RunDetail } from '@genesis-lab/contract';
import {
  authedFetch,
  GENESIS_BIN,
  type PlatformProcess,
  prng,
  startPlatformProcess,
  tempHome
} from '@genesis-lab/test-support';
import { Home, SqliteCatalog } from '../../src';
import { Session, call, stdout } from '../support/provenance';

/**
 * kill -9 at seeded random moments while work is in flight: an ingest (the `genesis ingest`
 * process, the one writing), job submissions and provenance recording (the platform process).
 * After each crash the store opens cleanly (SQLite integrity_check), everything the client saw
 * acknowledged (2xx, exit 0) is there, and nothing half-written is visible: versions have their
 * object with the right sha256, every job record parses, every execution batch is all or nothing.
 * Audited operations (tokens created and revoked, jobs submitted, audit keys rotated): after each
 * crash the audit chain verifies, every acknowledged operation has its audit entry, and every
 * token and job in the database has one too (an entry commits with what it records).
 * GENESIS_CRASH_SEED replays a run; GENESIS_CRASH_TRIALS sets the total (default 68).
 */
const SEED = Number(process.env.GENESIS_CRASH_SEED ?? Date.now() % 2 ** 31);
const TOTAL = Number(process.env.GENESIS_CRASH_TRIALS ?? 68);
const PER_KIND = Math.ceil(TOTAL / 4);
const rand = prng(SEED);
const between = (lo: number, hi: number) => Math.floor(lo + rand() * (hi - lo));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(() =>
  console.log(`crash-safety: seed ${SEED} (GENESIS_CRASH_SEED=${SEED} to replay), ${PER_KIND} trials x 4 kinds`)
);

function integrityOk(dbPath: string): void {
  const db = new Database(dbPath, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
  }
}

describe('kill -9 during ingest', () => {
  it(`${PER_KIND} trials: acknowledged versions stay, no half-written version is visible`, async () => {
    const home = tempHome('genesis-crash-ingest-');
    const csv = path.join(home, 'rows.csv');
    const lines = ['t,v,label'];
    for (let i = 0; i < 60_000; i++)
      lines.push(`2020-01-01T00:00:${String(i % 60).padStart(2, '0')}Z,${i * 0.5},row ${i}`);
    fs.writeFileSync(csv, lines.join('\n') + '\n');
    fs.writeFileSync(path.join(home, 'meta.json'), JSON.stringify({ title: 'Crash trials', license: 'CC0-1.0' }));
    const acked: string[] = [];
    let typicalMs = 0;
    for (let t = 0; t < PER_KIND; t++) {
      const version = `t${t}`;
      const started = Date.now();
      const child = spawn(
        process.execPath,
        [
          GENESIS_BIN,
          'ingest',
          csv,
          '--id',
          'crash/rows',
          '--version',
          version,
          '--meta',
          path.join(home, 'meta.json'),
          '--home',
          home
        ],
        { stdio: 'ignore', env: { ...process.env, GENESIS_URL: '', GENESIS_TOKEN: '' } }
      );
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      // The first trial runs to the end and times an ingest; later ones are killed anywhere from
      // the first instant to half again as long, so some finish and most do not.
      const killAfter = t === 0 ? 120_000 : between(0, typicalMs * 1.5);
      const done = await Promise.race([exited, sleep(killAfter).then(() => 'kill' as const)]);
      if (done === 'kill') {
        child.kill('SIGKILL');
        await exited;
      } else if (done === 0) acked.push(version);
      if (t === 0) {
        expect(done).toBe(0);
        typicalMs = Date.now() - started;
      }

      // Killed before it created the database: nothing to check but that it opens.
      if (fs.existsSync(path.join(home, 'genesis.db'))) integrityOk(path.join(home, 'genesis.db'));
      const catalog = SqliteCatalog.open(new Home(home));
      try {
        let listed: string[] = [];
        try {
          listed = catalog.versions('crash/rows', OWNER).versions.map((v) => v.version);
        } catch {
          listed = []; // no version yet: the record does not exist
        }
        for (const v of acked) expect(listed).toContain(v);
        for (const v of listed) {
          const r = catalog.resolve('crash/rows', v, OWNER);
          const bytes = fs.readFileSync(r.objectPath);
          expect(createHash('sha256').update(bytes).digest('hex')).toBe(r.version.sha256);
        }
      } finally {
        catalog.close();
      }
    }
    console.log(`ingest: ${acked.length}/${PER_KIND} trials finished before the kill`);
  }, 300_000);
});

describe('kill -9 of the platform', () => {
  let home: string;
  let p: PlatformProcess | undefined;
  afterEach(async () => {
    await p?.stop();
    p = undefined;
  });

  /** Fire requests back to back until killed; answer what was acknowledged (2xx). */
  async function untilKilled<T>(send: (i: number) => Promise<T | undefined>, killAfter: number): Promise<T[]> {
    const acked: T[] = [];
    let stop = false;
    const loops = [0, 1, 2, 3].map(async (lane) => {
      for (let i = lane; !stop; i += 4) {
        try {
          const v = await send(i);
          if (v !== undefined && !stop) acked.push(v);
        } catch {
          return; // the connection died with the platform
        }
      }
    });
    await sleep(killAfter);
    await p!.kill();
    stop = true;
    await Promise.all(loops);
    return acked;
  }

  it(`${PER_KIND} trials during job submission: every acknowledged job is there, every record whole`, async () => {
    home = tempHome('genesis-crash-jobs-');
    fs.writeFileSync(
      path.join(home, 'facilities.json'),
      JSON.stringify({ facilities: [{ name: 'local', kind: 'local' }] })
    );
    const all: string[] = [];
    // The platform that comes back after one crash is the one the next trial kills.
    p = await startPlatformProcess({ home });
    for (let t = 0; t < PER_KIND; t++) {
      const q = p;
      const acked = await untilKilled(
        async (i) => {
          const r = await authedFetch(q, '/api/jobs', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: `t${t}-${i}`, executable: '/bin/true' })
          });
          const body = (await r.json()) as { id?: string };
          return r.status >= 200 && r.status < 300 ? body.id : undefined;
        },
        between(50, 1500)
      );
      all.push(...acked);
      p = await startPlatformProcess({ home });
      integrityOk(path.join(home, 'genesis.db'));
      const listed = new Set<string>();
      let cursor: string | undefined;
      do {
        const r = await authedFetch(p, `/api/jobs?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        const page = (await r.json()) as { jobs: unknown[]; nextCursor?: string };
        for (const j of page.jobs) listed.add(Job.parse(j).id);
        cursor = page.nextCursor;
      } while (cursor);
      for (const id of all) expect(listed).toContain(id);
    }
    console.log(`jobs: ${all.length} acknowledged submissions over ${PER_KIND} crashes, all found`);
  }, 400_000);

  it(`${PER_KIND} trials during provenance recording: acknowledged executions stay, batches are all or nothing`, async () => {
    home = tempHome('genesis-crash-prov-');
    const s = new Session();
    const batches: string[][] = [];
    const acked = new Set<string>();
    let index = 0;
    // The platform that comes back after one crash is the one the next trial kills.
    p = await startPlatformProcess({ home });
    for (let t = 0; t < PER_KIND; t++) {
      const q = p;
      const got = await untilKilled(
        async () => {
          const batch = [0, 1, 2].map(() => {
            const k = index++;
            return s.cell(`c${k}`, k, `cell ${k}`, [stdout(`${k}\n`)]);
          });
          batches.push(batch.map((e) => e.executionId));
          const r = await call(q, 'recordExecutions', { body: { executions: batch } });
          return r.status === 200 ? batch.map((e) => e.executionId) : undefined;
        },
        between(50, 1500)
      );
      for (const ids of got) for (const id of ids) acked.add(id);
      p = await startPlatformProcess({ home });
      integrityOk(path.join(home, 'genesis.db'));
      const r = await call(p, 'provenanceRun', { params: { runId: s.runId } });
      const stored = new Set(r.status === 200 ? (r.json as RunDetail).executions.map((e) => e.executionId) : []);
      for (const id of acked) expect(stored).toContain(id);
      for (const b of batches) {
        const present = b.filter((id) => stored.has(id)).length;
        expect([0, b.length]).toContain(present);
      }
    }
    console.log(`provenance: ${acked.size} acknowledged executions over ${PER_KIND} crashes, all found`);
  }, 400_000);

  it(`${PER_KIND} trials during audited operations: the chain verifies, nothing done goes unaudited`, async () => {
    home = tempHome('genesis-crash-audit-');
    fs.writeFileSync(
      path.join(home, 'facilities.json'),
      JSON.stringify({ facilities: [{ name: 'local', kind: 'local' }] })
    );
    /** Acknowledged operations as the audit log names them: "action target". */
    const acked: string[] = [];
    const tokens: string[] = [];
    p = await startPlatformProcess({ home });
    for (let t = 0; t < PER_KIND; t++) {
      const q = p;
      const got = await untilKilled(
        async (i): Promise<string | undefined> => {
          const op = i % 8;
          if (op === 7) {
            const r = await call(q, 'rotateAuditKey');
            return r.status === 200 ? `audit.key.rotate ${r.json.fromSeq as number}` : undefined;
          }
          if (op % 3 === 1) {
            const r = await authedFetch(q, '/api/jobs', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ name: `a${t}-${i}`, executable: '/bin/true' })
            });
            const body = (await r.json()) as { id?: string };
            return r.status === 201 ? `job.submit ${body.id}` : undefined;
          }
          const old = op % 3 === 2 ? tokens.shift() : undefined;
          if (old) {
            const r = await call(q, 'revokeToken', { params: { tokenId: old } });
            return r.status === 200 ? `token.revoke ${old}` : undefined;
          }
          const r = await call(q, 'createToken', { body: { name: `crash-${t}-${i}`, scopes: ['read'] } });
          if (r.status !== 201) return undefined;
          tokens.push(r.json.id as string);
          return `token.create ${r.json.id as string}`;
        },
        between(50, 1500)
      );
      acked.push(...got);
      p = await startPlatformProcess({ home });
      integrityOk(path.join(home, 'genesis.db'));
      const v = await call(p, 'verifyAudit');
      expect(v.json).toEqual({ ok: true, entries: expect.any(Number) });
      const db = new Database(path.join(home, 'genesis.db'), { readonly: true });
      try {
        const rows = db
          .prepare<[], { action: string; target: string; detail: string }>(
            'SELECT action, target, detail FROM audit_log'
          )
          .all();
        const named = new Set(
          rows.map((r) =>
            r.action === 'audit.key.rotate'
              ? `${r.action} ${(JSON.parse(r.detail) as { fromSeq: number }).fromSeq}`
              : `${r.action} ${r.target}`
          )
        );
        for (const op of acked) expect(named).toContain(op);
        for (const { id } of db
          .prepare<[], { id: string }>("SELECT id FROM access_tokens WHERE name LIKE 'crash-%'")
          .all())
          expect(named).toContain(`token.create ${id}`);
        for (const { id } of db.prepare<[], { id: string }>('SELECT id FROM jobs').all())
          expect(named).toContain(`job.submit ${id}`);
      } finally {
        db.close();
      }
    }
    console.log(`audit: ${acked.length} acknowledged audited operations over ${PER_KIND} crashes, all audited`);
  }, 400_000);
});
