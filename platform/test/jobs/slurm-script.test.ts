import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { JobSpec } from '@genesis-lab/contract';
import { buildBatchSubmission, slurmTime } from '../../src/facilities/slurm/script';
import { newlineDefinition, shQuote } from '../../src/facilities/shell-quote';

/** Any text a user could put in a field: control characters, quotes, `$()`, newlines, "#SBATCH". */
const nasty = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      '#SBATCH --wrap=rm',
      "'; rm -rf / #",
      '$(touch pwned)',
      '`touch pwned`',
      '\n#SBATCH --partition=x\n',
      'a\r\nb',
      '\\',
      '"',
      "'"
    ),
    fc
      .array(
        fc.constantFrom('#', 'SBATCH', ' ', '\n', '\r', "'", '"', '$', '(', ')', '`', ';', '&', '|', '\\', 'é', '🚀'),
        { maxLength: 30 }
      )
      .map((a) => a.join(''))
  )
  .map((s) => s.replace(/\0/g, ''));

const envName = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/)
  .filter(
    (k) =>
      !k.startsWith('GENESIS_') &&
      !k.startsWith('SLURM_') &&
      !['PATH', 'HOME', 'IFS', 'PWD', 'OLDPWD', 'PS1', 'PS2', 'PS4', 'OPTIND', 'ENV'].includes(k)
  );

describe('Slurm batch script', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'slurm-script-'));
  });

  it('shQuote round-trips any string through sh', () => {
    fc.assert(
      fc.property(nasty, (s) => {
        const expected = Buffer.from(s, 'utf8').toString('utf8');
        const out = execFileSync('/bin/sh', ['-c', `printf '%s' ${shQuote(s)}`]);
        expect(out.toString('utf8')).toBe(expected);
        const viaVar = shQuote(s, 'nl');
        expect(viaVar).not.toMatch(/[\n\r]/);
        const out2 = execFileSync('/bin/sh', ['-c', `${newlineDefinition('nl')}; printf '%s' ${viaVar}`]);
        expect(out2.toString('utf8')).toBe(expected);
      }),
      { numRuns: 150 }
    );
  });

  it('no spec field can inject shell or #SBATCH directives: the program gets exactly its arguments and environment', () => {
    fc.assert(
      fc.property(
        nasty.filter((s) => s.length > 0 && s.length <= 128 && !/[\n\r]/.test(s)),
        fc.array(nasty, { maxLength: 5 }),
        fc.dictionary(envName, nasty, { maxKeys: 4 }),
        fc.constantFrom('alpha', 'two words', "it's", '$(x)', 'd\nnewline'),
        (name, args, environment, dirName) => {
          const workDir = fs.mkdtempSync(path.join(root, 'job-'));
          const directory = path.join(workDir, dirName);
          fs.mkdirSync(directory);
          // The "program": prints its argv and the chosen variables, NUL-separated (no shell
          // variable of its own: a loop variable would clobber a same-named job variable).
          const prog = path.join(workDir, 'prog.sh');
          fs.writeFileSync(
            prog,
            `#!/bin/sh\n[ $# -eq 0 ] || printf '%s\\0' "$@"\nprintf 'ENV\\0'\n${Object.keys(environment)
              .map((k) => `printf '%s\\0' "$${k}"`)
              .join('\n')}\npwd\n`,
            { mode: 0o755 }
          );
          const spec = JobSpec.parse({ name, executable: prog, arguments: args, environment, directory });
          const { script, options } = buildBatchSubmission('jtest', workDir, spec);

          // 1. Directives: the script has none; every option is one argv word we chose.
          expect(script.split('\n').filter((l) => /^\s*#\s*SBATCH/i.test(l))).toEqual([]);
          const firstCommand = script.split('\n').findIndex((l) => l.trim() && !l.trim().startsWith('#'));
          expect(firstCommand).toBe(2); // sbatch stops reading directives there
          expect(options.every((o) => o.startsWith('--'))).toBe(true);
          expect(options.find((o) => o.startsWith('--job-name='))).toMatch(/^--job-name=[A-Za-z0-9._-]+$/);
          expect(script).not.toMatch(/\r/);
          // Every line of the file is ours: values never span or start lines.
          expect(script.split('\n').length).toBe(11 + Object.keys(environment).length);

          // 2. Shell: run it as Slurm would, and compare what the program received.
          const scriptPath = path.join(workDir, 'job.sh');
          fs.writeFileSync(scriptPath, script);
          const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, SLURM_JOB_ID: '42' };
          execFileSync('/bin/sh', [scriptPath], {
            env,
            stdio: ['ignore', fs.openSync(path.join(workDir, 'out'), 'w'), 'ignore']
          });
          const out = fs.readFileSync(path.join(workDir, 'out')).toString('utf8');
          const parts = out.split('\0');
          const expected = [...args, 'ENV', ...Object.values(environment)];
          expect(parts.slice(0, expected.length)).toEqual(expected);
          expect(parts[expected.length]).toBe(directory + '\n');
          expect(fs.readFileSync(path.join(workDir, 'exit'), 'utf8')).toBe('0\n');
          expect(fs.existsSync(path.join(workDir, 'pwned')) || fs.existsSync(path.join(directory, 'pwned'))).toBe(
            false
          );
        }
      ),
      { numRuns: 120 }
    );
  });

  it('passes resources and attributes as sbatch options', () => {
    const spec = JobSpec.parse({
      name: 'sim run #1',
      executable: '/bin/true',
      resources: { nodeCount: 2, processesPerNode: 4, cpuCoresPerProcess: 2, memory: '1.5G' },
      attributes: {
        duration: '1h30m',
        queue: 'debug',
        account: 'proj',
        custom: { 'slurm.hold': 'true', 'slurm.qos': 'low' }
      },
      inheritEnvironment: false
    });
    const { options } = buildBatchSubmission('j1', '/w/j1', spec);
    expect(options).toEqual(
      expect.arrayContaining([
        '--parsable',
        '--job-name=sim_run_1',
        '--chdir=/w/j1',
        '--output=/w/j1/stdout',
        '--error=/w/j1/stderr',
        '--export=NONE',
        '--nodes=2',
        '--ntasks=8',
        '--ntasks-per-node=4',
        '--cpus-per-task=2',
        '--mem=1536M',
        '--time=0-01:30:00',
        '--partition=debug',
        '--account=proj',
        '--hold',
        '--qos=low'
      ])
    );
    expect(slurmTime(86400 + 61)).toBe('1-00:01:01');
  });

  it('claims the job directory, so a duplicate submission never runs the program twice', () => {
    const workDir = fs.mkdtempSync(path.join(root, 'dup-'));
    const spec = JobSpec.parse({ name: 'dup', executable: '/bin/sh', arguments: ['-c', 'echo ran >> runs'] });
    const { script } = buildBatchSubmission('jdup', workDir, spec);
    fs.writeFileSync(path.join(workDir, 'job.sh'), script);
    const run = (id: string) =>
      execFileSync('/bin/sh', [path.join(workDir, 'job.sh')], { env: { PATH: process.env.PATH, SLURM_JOB_ID: id } });
    run('7');
    run('8'); // a second Slurm job for the same directory: does nothing
    run('7'); // Slurm requeueing the same job: runs again
    expect(fs.readFileSync(path.join(workDir, 'runs'), 'utf8')).toBe('ran\nran\n');
  });
});
