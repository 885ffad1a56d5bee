import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { JobsClient } from '@genesis-lab/client';
import { JobSpec } from '@genesis-lab/contract';
import { hostileString, tempHome, untilFinal } from '@genesis-lab/test-support';
import { buildBatchSubmission, SLURM_CUSTOM_OPTIONS } from '../../src/facilities/slurm/script';
import { startPlatform, type Platform } from '../../src';

const SEED = Number(process.env.GENESIS_FUZZ_SEED ?? Date.now() % 2 ** 31);
const noNul = hostileString.map((s) => s.replace(/\0/g, '')).filter((s) => s.length > 0);

/**
 * No shell or #SBATCH injection through the facility options (queue, account, reservation and
 * every custom Slurm option): each stays one sbatch argv word holding exactly the value given,
 * and the script never gains a line. (Name, arguments, environment and directory are covered by
 * platform/test/jobs/slurm-script.test.ts, which runs the rendered script.)
 */
describe('Slurm facility options', () => {
  it('stay single argv words with their exact value; the script is unchanged by them', () => {
    console.log(`injection: seed ${SEED}`);
    const valueKeys = Object.keys(SLURM_CUSTOM_OPTIONS).filter((k) => !['slurm.hold', 'slurm.exclusive'].includes(k));
    fc.assert(
      fc.property(
        noNul,
        noNul,
        noNul,
        fc.constantFrom(...valueKeys),
        noNul,
        (queue, account, reservation, key, value) => {
          const spec = JobSpec.parse({
            name: 'x',
            executable: '/bin/true',
            attributes: { queue, account, reservation, custom: { [key]: value } }
          });
          const plain = buildBatchSubmission('j1', '/tmp/j1', JobSpec.parse({ name: 'x', executable: '/bin/true' }));
          const { script, options } = buildBatchSubmission('j1', '/tmp/j1', spec);
          expect(script).toBe(plain.script);
          expect(script.split('\n').filter((l) => /^\s*#\s*SBATCH/i.test(l))).toEqual([]);
          expect(options).toContain(`--partition=${queue}`);
          expect(options).toContain(`--account=${account}`);
          expect(options).toContain(`--reservation=${reservation}`);
          expect(options).toContain(`${SLURM_CUSTOM_OPTIONS[key]}=${value}`);
          expect(options.every((o) => o.startsWith('--'))).toBe(true);
        }
      ),
      { numRuns: 300, seed: SEED }
    );
  });

  it('refuses a custom option it does not know (no way to pass --uid, --wrap or --output)', () => {
    for (const key of ['slurm.uid', 'slurm.wrap', 'slurm.output', 'slurm.export'])
      expect(() =>
        buildBatchSubmission(
          'j1',
          '/tmp/j1',
          JobSpec.parse({ name: 'x', executable: '/bin/true', attributes: { custom: { [key]: '0' } } })
        )
      ).toThrow(/unknown Slurm attribute/);
  });
});

/**
 * The local facility runs the program with exactly its arguments, environment and directory,
 * through a real platform: hostile values reach the program as data, never as shell.
 */
describe('local facility', () => {
  let p: Platform;
  let client: JobsClient;
  let scratch: string;
  const TOKEN = 'injection-token-0123456789abcdef';
  beforeAll(async () => {
    process.env.GENESIS_SLURM = '0';
    scratch = tempHome('genesis-inject-');
    p = await startPlatform({
      home: tempHome('genesis-inject-home-'),
      logLevel: 'silent',
      writeDiscovery: false,
      token: TOKEN
    });
    client = new JobsClient({ url: p.url, token: TOKEN });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('name, arguments, environment and directory arrive verbatim; nothing else runs', async () => {
    const prog = path.join(scratch, 'prog.sh');
    fs.writeFileSync(prog, `#!/bin/sh\nprintf '%s\\0' "$@"\nprintf '%s\\0' "$EVIL"\npwd\n`, { mode: 0o755 });
    const hostileArgs = [
      '$(touch pwned)',
      '`touch pwned`',
      '; touch pwned',
      "' ; touch pwned '",
      '"\n#SBATCH --uid=0',
      '|| touch pwned &'
    ];
    const dir = path.join(scratch, "d $(touch pwned) '");
    fs.mkdirSync(dir);
    const { job } = await client.submit({
      name: '$(touch pwned)\u202e',
      executable: prog,
      arguments: hostileArgs,
      environment: { EVIL: '$(touch pwned);\n#SBATCH --uid=0' },
      directory: dir
    });
    const final = await untilFinal(client, job.id);
    expect(final.state).toBe('COMPLETED');
    const out = (await client.logs(job.id, { stream: 'stdout' })).data;
    expect(out.split('\0')).toEqual([...hostileArgs, '$(touch pwned);\n#SBATCH --uid=0', `${dir}\n`]);
    for (const d of [scratch, dir, process.cwd()]) expect(fs.existsSync(path.join(d, 'pwned'))).toBe(false);
  });
});
