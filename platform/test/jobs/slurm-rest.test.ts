import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ErrorBody, JobSpec, SlurmRestTransportConfig } from '@genesis-lab/contract';
import type { JobsClient } from '@genesis-lab/client';
import { SlurmCliTransport } from '../../src/facilities/slurm/cli-transport';
import { SlurmRestTransport } from '../../src/facilities/slurm/rest-transport';
import { buildBatchSubmission } from '../../src/facilities/slurm/script';
import type { NativeStatus } from '../../src/facilities/slurm/status';
import { restJobSubmission } from '../../src/facilities/slurm/rest-job';
import { SlurmAuthError, readRestToken } from '../../src/facilities/slurm/rest-token';
import { SLURMRESTD_URL, mintSlurmToken, removeTokenFiles, slurmRestUp, tokenFile } from '../support/slurm-rest';
import {
  authedFetch,
  describeWithService,
  type PlatformProcess,
  platformWithFacilities,
  runCliOk,
  until
} from '@genesis-lab/test-support';

/** An HS256 JWT shaped like slurmctld's, signed with a key slurmctld does not have. */
function foreignJwt(user: string): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ exp: Math.floor(Date.now() / 1000) + 3600, iat: Math.floor(Date.now() / 1000), sun: user })}`;
  return `${body}.${crypto.createHmac('sha256', crypto.randomBytes(32)).update(body).digest('base64url')}`;
}

const rest = (extra: object) =>
  SlurmRestTransportConfig.parse({ kind: 'rest', url: 'http://127.0.0.1:6820', user: 'root', ...extra });

describe('slurmrestd token', () => {
  afterAll(removeTokenFiles);
  it('reads a token file as scontrol prints it, and refuses one others can read', () => {
    const jwt = foreignJwt('root');
    expect(readRestToken(rest({ tokenFile: tokenFile(`SLURM_JWT=${jwt}`) }))).toBe(jwt);
    const open = tokenFile(jwt, 0o644);
    expect(() => readRestToken(rest({ tokenFile: open }))).toThrow(/mode 644 lets group or others read it; chmod 600/);
  });

  it('names the source of a missing, malformed or expired token', () => {
    expect(() => readRestToken(rest({ tokenEnv: 'NO_SUCH_JWT' }), {})).toThrow(
      /environment variable NO_SUCH_JWT is not set/
    );
    expect(() => readRestToken(rest({ tokenEnv: 'T' }), { T: 'not-a-token' })).toThrow(
      /in environment variable T is not a JWT/
    );
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const expired = `${b64({ alg: 'HS256' })}.${b64({ exp: 1_000_000_000, sun: 'root' })}.sig`;
    expect(() => readRestToken(rest({ tokenEnv: 'T' }), { T: expired })).toThrow(
      /expired at 2001-09-09T01:46:40.000Z; mint a new one \(scontrol token username=root\)/
    );
    expect(() => readRestToken(rest({ tokenFile: '/nonexistent/jwt' }))).toThrow(SlurmAuthError);
  });

  it('validates the transport configuration with errors naming the field', () => {
    const issues = (t: object) =>
      SlurmRestTransportConfig.safeParse({ kind: 'rest', ...t }).error?.issues.map(
        (i) => `${i.path.join('.')}: ${i.message}`
      );
    expect(issues({ url: 'ftp://x', user: 'root', tokenEnv: 'A' })).toEqual([
      'url: must be the http(s) URL of slurmrestd, e.g. http://127.0.0.1:6820'
    ]);
    expect(issues({ url: 'http://x', user: 'root' })).toEqual([
      'tokenEnv: give exactly one of tokenEnv (an environment variable name) or tokenFile (a file path) for the JWT'
    ]);
    expect(issues({ url: 'http://x', user: 'root', tokenFile: 'rel', apiVersion: 'v0.0.40' })).toEqual([
      'tokenFile: must be an absolute path',
      'apiVersion: must be "v0.0.38": the openapi version of slurmrestd this connector speaks'
    ]);
  });
});

describe('REST job submission', () => {
  it('carries the same script and every sbatch option as job_properties fields', () => {
    const spec = JobSpec.parse({
      name: 'sim run',
      executable: '/bin/echo',
      arguments: ["it's"],
      resources: { nodeCount: 1, processCount: 2, cpuCoresPerProcess: 1, memory: '1G', exclusiveNodeUse: true },
      attributes: {
        duration: '90s',
        queue: 'short',
        account: 'proj',
        custom: { 'slurm.hold': 'true', 'slurm.qos': 'low', 'slurm.begin': 'now+60', 'slurm.nice': '5' }
      }
    });
    const sub = buildBatchSubmission('j1', '/work/j1', spec);
    const body = restJobSubmission(sub, { GENESIS_JOB_ID: 'j1' });
    expect(body.script).toBe(sub.script);
    expect(body.job).toEqual({
      name: 'sim_run',
      current_working_directory: '/work/j1',
      standard_output: '/work/j1/stdout',
      standard_error: '/work/j1/stderr',
      nodes: [1, 1],
      tasks: 2,
      cpus_per_task: 1,
      memory_per_node: 1024,
      exclusive: 'exclusive',
      time_limit: 2,
      partition: 'short',
      account: 'proj',
      hold: true,
      qos: 'low',
      begin_time: 'now+60',
      nice: 5,
      environment: { GENESIS_JOB_ID: 'j1' }
    });
    expect(() => restJobSubmission({ script: '', options: ['--wrap=rm -rf /'] }, {})).toThrow(
      /cannot pass the sbatch option --wrap/
    );
  });
});

/** Bad credentials against the real slurmrestd: a clear facility error, never a failed job. */
describeWithService('slurmrestd', slurmRestUp, 'slurm REST transport with bad credentials (real slurmrestd)', () => {
  let p: PlatformProcess;
  let client: JobsClient;
  const base = { kind: 'slurm', pollIntervalMs: 500, commandTimeoutMs: 3000 } as const;
  const transport = (extra: object) => ({ kind: 'rest', url: SLURMRESTD_URL, user: 'root', ...extra });
  beforeAll(async () => {
    ({ p, client } = await platformWithFacilities([
      { name: 'local', kind: 'local' },
      { ...base, name: 'wrongkey', transport: transport({ tokenFile: tokenFile(foreignJwt('root')) }) },
      { ...base, name: 'openfile', transport: transport({ tokenFile: tokenFile(mintSlurmToken(), 0o644) }) },
      { ...base, name: 'noenv', transport: transport({ tokenEnv: 'GENESIS_TEST_NO_SUCH_JWT' }) }
    ]));
  });
  afterAll(async () => {
    client?.close();
    await p?.stop();
    removeTokenFiles();
  });

  it.each([
    ['wrongkey', /slurmctld did not accept the request: with JWT this is a token signed with another key/],
    ['openfile', /mode 644 lets group or others read it; chmod 600/],
    ['noenv', /environment variable GENESIS_TEST_NO_SUCH_JWT is not set/]
  ])(
    '%s: the facility is unhealthy and says why; a submit is refused with that reason, no job made',
    async (name, why) => {
      const f = await until(name, async () => (await client.facilities()).find((x) => x.name === name && x.checkedAt));
      expect(f.healthy).toBe(false);
      expect(f.message).toMatch(why);
      expect(f.capabilities.transport).toBe(`rest ${SLURMRESTD_URL} v0.0.38`);
      const r = await authedFetch(p, '/api/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x', facility: name, executable: '/bin/true' })
      });
      expect(r.status).toBe(503);
      const e = ErrorBody.parse(await r.json()).error;
      expect(e.code).toBe('unavailable');
      expect(e.message).toMatch(why);
      expect(e.hint).toMatch(/token/);
      expect((await client.list({ facility: name })).jobs).toEqual([]);
    }
  );

  it('`genesis facilities` shows the transport and the reason', () => {
    const out = runCliOk(['facilities', '--home', p.home]).stdout;
    expect(out).toMatch(/^wrongkey \(slurm\) UNHEALTHY: .*slurmctld did not accept the request/m);
    expect(out).toContain(`transport rest ${SLURMRESTD_URL} v0.0.38`);
  });
});

/** The two transports side by side against the same real cluster: the same facts from both. */
describeWithService('slurmrestd', slurmRestUp, 'slurm REST transport calls (real slurmrestd)', () => {
  let restT: SlurmRestTransport;
  const cliT = new SlurmCliTransport(undefined, 10000, undefined);
  beforeAll(() => {
    restT = new SlurmRestTransport(rest({ url: SLURMRESTD_URL, tokenFile: tokenFile(mintSlurmToken()) }), 10000);
  });
  afterAll(removeTokenFiles);
  const facts = (s: NativeStatus) => ({ ...s, source: undefined });

  it('discovers the same partitions and nodes as scontrol', async () => {
    const [r, c] = await Promise.all([restT.cluster(), cliT.cluster()]);
    expect(r.partitions).toEqual(c.partitions);
    // A node's state may change between the two calls (other jobs); the rest must agree.
    expect(r.nodes.map((n) => ({ ...n, state: undefined }))).toEqual(c.nodes.map((n) => ({ ...n, state: undefined })));
    expect(r.partitions.map((p) => p.name)).toEqual(expect.arrayContaining(['debug', 'short']));
  });

  it('submits, reports the job as squeue does, finds it by GET /job/N, and cancels a finished job quietly', async () => {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-rest-job-'));
    const spec = JobSpec.parse({ name: 'rest-direct', executable: '/bin/sh', arguments: ['-c', 'exit 3'] });
    const sub = buildBatchSubmission('jrest', workDir, spec);
    const scriptPath = path.join(workDir, 'job.sh');
    fs.writeFileSync(scriptPath, sub.script, { mode: 0o700 });
    const id = await restT.submit(sub, scriptPath, { GENESIS_JOB_ID: 'jrest', GENESIS_JOB_DIR: workDir });
    expect(id).toMatch(/^\d+$/);
    const final = await until(
      'FAILED',
      async () => restT.parseQueue(await restT.fetchQueue(), [id]).find((s) => s.state === 'FAILED'),
      60000
    );
    expect(final).toMatchObject({ nativeId: id, exitCode: 3, reason: 'NonZeroExitCode', workDir, source: 'rest' });
    const viaSqueue = cliT.parseQueue(await cliT.fetchQueue([id]), [id]);
    expect(viaSqueue.map(facts)).toEqual([facts(final)]);
    expect((await restT.completed([id])).map(facts)).toEqual([facts(final)]);
    expect(await restT.completed(['999999999'])).toEqual([]);
    await expect(restT.cancel(id)).resolves.toBeUndefined();
    expect(fs.readFileSync(path.join(workDir, 'exit'), 'utf8')).toBe('3\n');
    expect(restT.calls['rest.submit']).toBe(1);
  }, 90000);
});
