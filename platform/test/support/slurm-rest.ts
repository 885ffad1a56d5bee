import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** slurmrestd as scripts/slurm-up starts it. */
export const SLURMRESTD_URL = process.env.GENESIS_SLURMRESTD_URL ?? 'http://127.0.0.1:6820';

/** A JWT for `user` from slurmctld (`scontrol token`), as a string. */
export function mintSlurmToken(user = 'root', lifespan = 3600): string {
  const out = execFileSync('scontrol', ['token', `username=${user}`, `lifespan=${lifespan}`], {
    encoding: 'utf8',
    timeout: 10000,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  const m = /SLURM_JWT=(\S+)/.exec(out);
  if (!m) throw new Error(`scontrol token printed no SLURM_JWT: ${out.trim()}`);
  return m[1]!;
}

const tokenDirs: string[] = [];

/** Write a token into a fresh private file (mode 600) and answer its path; `removeTokenFiles` deletes them. */
export function tokenFile(token: string, mode = 0o600): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-jwt-'));
  tokenDirs.push(dir);
  const file = path.join(dir, 'token');
  fs.writeFileSync(file, token + '\n', { mode });
  fs.chmodSync(file, mode);
  return file;
}

/** Tokens are credentials: leave none behind. */
export function removeTokenFiles(): void {
  for (const dir of tokenDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Does slurmrestd answer a real token (GET /ping = 200)? */
export function slurmRestUp(): { ok: boolean; why: string } {
  let token: string;
  try {
    token = mintSlurmToken('root', 60);
  } catch (err) {
    return {
      ok: false,
      why: `no JWT from scontrol token (${(err as Error).message.split('\n')[0]}); run scripts/slurm-up`
    };
  }
  // Headers from stdin, so the token never shows on a command line or in this error.
  const r = spawnSync(
    'curl',
    ['-s', '-o', '/dev/null', '-m', '10', '-w', '%{http_code}', '-H', '@-', `${SLURMRESTD_URL}/slurm/v0.0.38/ping`],
    { encoding: 'utf8', timeout: 15000, input: `X-SLURM-USER-NAME: root\nX-SLURM-USER-TOKEN: ${token}\n` }
  );
  const code = (r.stdout ?? '').trim();
  if (code === '200') return { ok: true, why: 'slurmrestd answers' };
  return {
    ok: false,
    why: `slurmrestd at ${SLURMRESTD_URL} ${code && code !== '000' ? `answered HTTP ${code}` : `does not answer (curl exit ${r.status ?? r.error?.message})`}; run scripts/slurm-up`
  };
}

/**
 * A plain HTTP proxy in front of slurmrestd that counts the requests really sent (by method
 * and path, without the /slurm/vX prefix) and can fail them (502) to act out an outage.
 */
export interface CountingProxy {
  url: string;
  counts: Map<string, number>;
  failing: boolean;
  close(): Promise<void>;
}

export async function countingProxy(target = SLURMRESTD_URL): Promise<CountingProxy> {
  const to = new URL(target);
  const proxy: CountingProxy = { url: '', counts: new Map(), failing: false, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const key = `${req.method} ${(req.url ?? '').replace(/^\/slurm\/v[\d.]+/, '')}`;
    proxy.counts.set(key, (proxy.counts.get(key) ?? 0) + 1);
    if (proxy.failing) {
      req.resume();
      res.writeHead(502, { 'content-type': 'text/plain' }).end('proxy: slurmrestd unreachable (test outage)');
      return;
    }
    const up = http.request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      }
    );
    up.on('error', (e) => res.writeHead(502).end(String(e)));
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  return proxy;
}
