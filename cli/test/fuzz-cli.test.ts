import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, type Option } from 'commander';
import fc from 'fast-check';
import { startPlatform, type Platform } from '@genesis-lab/platform';
import { commands } from '../src/commands';
import { main } from '../src/main';
import { hostileString } from '@genesis-lab/test-support';

/**
 * Fuzzing the CLI parsers: every command and option registered (walked from the commands list,
 * so a new one is fuzzed automatically) with hostile values, run in-process against a real
 * platform. A command may refuse (exit code 2, a message on stderr) but never throws anything
 * other than its own errors, never exits 1 with an internal error, and never hangs.
 * Options that wait by design (--wait, --follow) or choose where files go (--home, --directory)
 * are left out; they are fixed to a temporary directory.
 */
const SEED = Number(process.env.GENESIS_FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.GENESIS_FUZZ_CLI_RUNS ?? 600);
const CALL_TIMEOUT_MS = 10_000;
const SKIP_COMMANDS = new Set(['serve', 'seed']);
const SKIP_OPTIONS = new Set(['--wait', '--follow', '--home', '--directory', '--help', '--version']);

interface Leaf {
  path: string[];
  options: Option[];
  positionals: number;
}

function leaves(cmd: Command, prefix: string[] = []): Leaf[] {
  const out: Leaf[] = [];
  for (const c of cmd.commands) {
    const p = [...prefix, c.name()];
    if (SKIP_COMMANDS.has(c.name())) continue;
    if (c.commands.length) out.push(...leaves(c, p));
    else
      out.push({
        path: p,
        options: c.options.filter((o) => !SKIP_OPTIONS.has(o.long ?? '')),
        positionals: c.registeredArguments.length
      });
  }
  return out;
}

const program = new Command('genesis');
for (const register of commands) register(program);
const LEAVES = leaves(program);

let platform: Platform;
let work: string;
const cwd = process.cwd();

beforeAll(async () => {
  console.log(
    `fuzz-cli: seed ${SEED} (GENESIS_FUZZ_SEED=${SEED} to replay), ${RUNS} cases over ${LEAVES.length} commands`
  );
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-fuzz-cli-'));
  process.env.GENESIS_SLURM = '0';
  platform = await startPlatform({ home: path.join(work, 'home'), logLevel: 'silent', writeDiscovery: false });
  // Relative paths a fuzzed argument names land in the scratch directory, never in the checkout.
  process.chdir(work);
}, 60_000);
afterAll(async () => {
  process.chdir(cwd);
  await platform?.close();
});

const argvFor = (leaf: Leaf): fc.Arbitrary<string[]> => {
  const opt = leaf.options.length
    ? fc.array(
        fc
          .tuple(fc.constantFrom(...leaf.options), hostileString)
          .map(([o, v]) => (o.required || o.optional ? [o.long ?? o.short!, v] : [o.long ?? o.short!])),
        { maxLength: 4 }
      )
    : fc.constant([] as string[][]);
  const pos = fc.array(hostileString, { minLength: 0, maxLength: leaf.positionals + 1 });
  return fc.tuple(opt, pos).map(([o, p]) => [...leaf.path, ...o.flat(), ...p, '--home', path.join(work, 'home')]);
};

async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  process.exitCode = 0;
  const env = { GENESIS_URL: process.env.GENESIS_URL, GENESIS_TOKEN: process.env.GENESIS_TOKEN };
  process.env.GENESIS_URL = platform.url;
  process.env.GENESIS_TOKEN = platform.token;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      main(['node', 'genesis', ...argv]),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no end in ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
      })
    ]);
    return { code: Number(process.exitCode ?? 0), stderr };
  } finally {
    clearTimeout(timer);
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = 0;
    Object.assign(process.env, env);
  }
}

describe('fuzzing the CLI parsers', () => {
  it('finds the commands to fuzz', () => {
    expect(LEAVES.map((l) => l.path.join(' '))).toEqual(expect.arrayContaining(['ingest', 'jobs submit', 'search']));
  });

  it('every command refuses hostile arguments with a message, never an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LEAVES).chain((l) => argvFor(l)),
        async (argv) => {
          const r = await run(argv);
          if (r.code === 1 && /Internal error|TypeError|RangeError|ReferenceError/.test(r.stderr))
            throw new Error(`internal failure: ${r.stderr.slice(0, 400)}`);
          if (r.code !== 0 && !r.stderr.trim()) throw new Error(`exit ${r.code} with nothing on stderr`);
        }
      ),
      { numRuns: RUNS, seed: SEED }
    );
  }, 300_000);
});
