#!/usr/bin/env node
'use strict';
/**
 * npm run bench:access — what authorization costs per small call, against a real platform
 * process (`genesis serve`).
 *
 * A non-admin user (member of 8 projects, a scoped token) makes small calls (GET /api/access/me,
 * which does nothing but authenticate and authorize) over keep-alive HTTP. In the same run, in
 * alternating rounds, the authorization work of one such call is timed in-process on the same
 * database: token lookup (sha256 + the identity cache), the route's scope check, and the policy
 * decision for a record; warm (cached principal, as every call after a token's first) and cold
 * (cache cleared: SQLite lookups of token, user and memberships).
 *
 * authz_overhead_ratio = warm authorization time / small call time (medians of the rounds).
 * Ends with ONE JSON line with a `targets` object. GENESIS_BENCH_SMOKE=1: fewer calls.
 */
const path = require('node:path');
const { ROOT, logger, requireBuilt } = require('./support/run');
const { median, percentile, round } = require('./support/stats');

const SMOKE = process.env.GENESIS_BENCH_SMOKE === '1';
const ROUNDS = SMOKE ? 3 : 9;
const CALLS = SMOKE ? 100 : 500;
const AUTHZ = SMOKE ? 2000 : 20000;
requireBuilt('access', ['platform/dist/index.js', 'contract/dist/index.js', 'test-support/dist/index.js']);
const { startPlatformProcess } = require(path.join(ROOT, 'test-support/dist/index.js'));
const { routes } = require(path.join(ROOT, 'contract/dist/index.js'));
const { openDatabase } = require(path.join(ROOT, 'platform/dist/db/database.js'));
const { AuditLog } = require(path.join(ROOT, 'platform/dist/access/audit-log.js'));
const { IdentityStore } = require(path.join(ROOT, 'platform/dist/access/identity-store.js'));
const policy = require(path.join(ROOT, 'platform/dist/access/policy.js'));

const log = logger('access');

async function main() {
  const p = await startPlatformProcess();
  try {
    const admin = (method, url, body) =>
      fetch(p.url + url, {
        method,
        headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body)
      }).then(async (r) => {
        if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${await r.text()}`);
        return r.json();
      });
    await admin('PUT', '/api/access/users/bench', { name: 'bench', clearances: ['open', 'controlled'] });
    for (let i = 0; i < 8; i++) {
      await admin('POST', '/api/access/projects', { id: `p${i}`, title: `Project ${i}` });
      await admin('PUT', `/api/access/projects/p${i}/members`, {
        user: 'bench',
        role: i % 2 ? 'viewer' : 'contributor'
      });
    }
    const { token } = await admin('POST', '/api/access/tokens', {
      name: 'bench',
      user: 'bench',
      scopes: ['read', 'run']
    });

    // The same checks a request runs, on the same database, in this process.
    const db = openDatabase(path.join(p.home, 'genesis.db'), []);
    const identity = new IdentityStore(db, new AuditLog(db));
    const record = { accessLevel: 'controlled', project: 'p3' };
    const authorize = () => {
      const principal = identity.authenticate(token);
      policy.requireRouteScope(principal, routes.whoami);
      return policy.dataReadable(principal, record);
    };
    const timeAuthz = (cold) => {
      const t0 = process.hrtime.bigint();
      let ok = 0;
      for (let i = 0; i < AUTHZ; i++) {
        if (cold) identity['cache'].clear();
        if (authorize()) ok++;
      }
      if (ok !== AUTHZ) throw new Error('authorization refused the bench user');
      return Number(process.hrtime.bigint() - t0) / 1e6 / AUTHZ;
    };
    const timeCalls = async () => {
      const ms = [];
      for (let i = 0; i < CALLS; i++) {
        const t0 = process.hrtime.bigint();
        const r = await fetch(p.url + '/api/access/me', { headers: { authorization: `Bearer ${token}` } });
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`small call: ${r.status}`);
        ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return ms;
    };

    await timeCalls(); // warm-up: connections, JIT, the server's identity cache
    timeAuthz(false);
    const warm = [];
    const cold = [];
    const call = [];
    const allCalls = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which arm goes first, so drift on a shared machine hits both.
      const order = r % 2 ? ['authz', 'calls'] : ['calls', 'authz'];
      for (const arm of order)
        if (arm === 'authz') {
          warm.push(timeAuthz(false));
          cold.push(timeAuthz(true));
        } else {
          const ms = await timeCalls();
          allCalls.push(...ms);
          call.push(median(ms));
        }
      log(
        `round ${r + 1}/${ROUNDS}: call p50 ${call[call.length - 1].toFixed(3)} ms, authz warm ${(warm[warm.length - 1] * 1000).toFixed(2)} µs, cold ${(cold[cold.length - 1] * 1000).toFixed(1)} µs`
      );
    }
    db.close();
    const ratio = median(warm) / median(call);
    const spread = (xs) => ({ min: round(Math.min(...xs), 4), max: round(Math.max(...xs), 4) });
    const result = {
      bench: 'access',
      rounds: ROUNDS,
      small_call_p50_ms: round(median(call), 3),
      small_call_p95_ms: round(percentile(allCalls, 95), 3),
      small_call_spread_ms: spread(call),
      authz_warm_us: round(median(warm) * 1000, 2),
      authz_warm_spread_us: { min: round(Math.min(...warm) * 1000, 2), max: round(Math.max(...warm) * 1000, 2) },
      authz_cold_us: round(median(cold) * 1000, 1),
      authz_overhead_ratio: round(ratio, 4),
      authz_cold_overhead_ratio: round(median(cold) / median(call), 4),
      targets: {
        authz_overhead_ratio: { value: round(ratio, 4), target: '< 0.05', met: ratio < 0.05 }
      }
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await p.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
